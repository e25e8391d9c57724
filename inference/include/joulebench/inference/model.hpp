// A small deterministic model: stacked dense blocks (with bias, activation and residual) built
// on the GEMM; weights from a seed, no downloads. One inference = one forward pass of one batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "joulebench/inference/gemm.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/platform/workload.hpp"

namespace joulebench::inference {

/// `mlp:D0xD1x...xDn[,layers=L][,batch=B][,dtype=T][,act=gelu|relu|none][,bias=0|1]
/// [,residual=0|1][,seed=S]`: a block of n dense layers D0->D1->...->Dn (activation after all
/// but the last), stacked L times; with residual=1 each block adds its input to its output.
struct ModelSpec {
  std::string name;       ///< preset name or "mlp"
  std::vector<int> dims;  ///< D0..Dn of one block
  int blocks = 1;
  int batch = 1;
  DType dtype = DType::fp32;
  Activation activation = Activation::gelu;
  bool bias = true;
  bool residual = false;
  std::uint32_t seed = 1;

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] double flops_per_inference() const;
  [[nodiscard]] std::size_t parameter_count() const;
  /// Upper bound of the bytes a Model and its workload allocate for this spec: per layer the
  /// fp32 weights, their effective copy and the packed panels (padded to any register tile),
  /// plus the activation buffers. Checked before building, so an impossible spec is an error.
  [[nodiscard]] double memory_bytes() const;
};

/// A preset name (`ffn`, `ffn-b1`, `ffn-b8`, `ffn-b32`, `mlp-small`, `tiny`) or an `mlp:` spec.
/// Throws std::invalid_argument naming the bad part and the fix.
ModelSpec parse_model(std::string_view preset_or_spec);
/// Preset names and their specs, for help and listings.
std::vector<std::pair<std::string, std::string>> model_presets();

/// The built model: packed weights, calibrated int8 activation ranges, scratch buffers.
class Model {
 public:
  /// `kernel`: null for the fastest of the spec's dtype on this CPU. Checks the memory the spec
  /// needs first (std::invalid_argument naming need and availability); throws platform::Cancelled
  /// when `stop` fires while building, calibrating or running the reference.
  explicit Model(const ModelSpec& spec, const GemmKernelInfo* kernel = nullptr, std::stop_token stop = {});
  ~Model();

  /// One forward pass of `input` (batch x D0 fp32) into `output` (batch x Dn). False when the
  /// throttle's stop ended it early.
  bool forward(const float* input, float* output, GemmContext& ctx);
  /// The same for the first `rows` rows only (1..batch): a dynamic batch of requests.
  bool forward(const float* input, float* output, int rows, GemmContext& ctx);
  /// The same pass with the naive reference GEMM and the same roundings (the oracle).
  void reference_forward(const float* input, float* output) const;

  [[nodiscard]] const ModelSpec& spec() const { return spec_; }
  [[nodiscard]] const GemmKernelInfo& kernel() const { return *kernel_; }
  [[nodiscard]] int input_width() const { return spec_.dims.front(); }
  [[nodiscard]] int output_width() const { return spec_.dims.back(); }
  /// The seeded input batch used by benchmarks and --verify.
  [[nodiscard]] std::vector<float> sample_input() const;
  /// Weight bytes as packed for the kernel.
  [[nodiscard]] std::size_t weight_bytes() const;
  /// Accepted |got - ref| / (1 + max|ref|) for this dtype (bf16/int8 roundings may flip by one
  /// step between the two paths and propagate).
  [[nodiscard]] double verify_tolerance() const;

  /// What a layer is, for replicas of this model in other libraries (same values and ranges).
  struct LayerView {
    int in, out;
    bool last_in_block;
    const float* bias;             ///< null without bias
    const PackedWeights* weights;  ///< effective() / scales() give the exact values
    QuantParams in_quant;          ///< int8: this layer's input
    QuantParams out_quant;         ///< int8 hidden layers: the next layer's input
  };
  [[nodiscard]] std::vector<LayerView> layer_views() const;

  struct Layer;

 private:
  void calibrate();
  void check_stop() const;

  ModelSpec spec_;
  std::stop_token stop_;
  const GemmKernelInfo* kernel_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<float> x_, x_next_;                  // fp32 residual stream
  std::vector<std::vector<std::uint8_t>> hidden_;  // layer inputs in the dtype's activation type
};

/// The model as a throttleable workload: forward passes back to back on a pinned arena,
/// counting flops per tile step and recording each inference's latency.
class InferenceWorkload final : public platform::Workload {
 public:
  InferenceWorkload(const ModelSpec& spec, const GemmKernelInfo* kernel, std::size_t threads, bool pin,
                    std::stop_token stop = {});

  [[nodiscard]] std::string name() const override;
  [[nodiscard]] std::string unit() const override { return "inference"; }
  [[nodiscard]] std::string kernel() const override { return std::string(model_.kernel().name); }
  platform::ThrottleState& throttle() override { return throttle_; }
  [[nodiscard]] const platform::WorkCounters& counters() const override { return flops_; }
  [[nodiscard]] double counts_per_unit() const override { return model_.spec().flops_per_inference(); }
  [[nodiscard]] std::size_t workers() const override { return arena_.threads(); }
  void run(std::stop_token stop) override;
  /// One forward pass on the workload's own arena and throttle: the path run() benchmarks, for
  /// verification (call it while run() is not running).
  bool forward(const float* input, float* output, std::stop_token stop = {});
  /// The same for the first `rows` rows of the batch (a dynamic batch of requests).
  bool forward(const float* input, float* output, int rows, std::stop_token stop = {});

  /// Latencies (ms) of the inferences completed by the last (or current) run().
  [[nodiscard]] std::vector<double> latencies_ms() const;
  /// Latencies (ms) of inferences that completed within [from, to]; safe while run() goes on.
  [[nodiscard]] std::vector<double> latencies_ms(std::chrono::steady_clock::time_point from,
                                                 std::chrono::steady_clock::time_point to) const;
  [[nodiscard]] Model& model() { return model_; }

 private:
  Model model_;
  platform::WorkerArena arena_;
  platform::ThrottleState throttle_;
  platform::WorkCounters flops_;
  std::vector<float> input_, output_;
  struct Completion {
    std::chrono::steady_clock::time_point end;
    double ms;
  };
  mutable std::mutex mutex_;
  std::vector<Completion> completions_;
};

}  // namespace joulebench::inference
