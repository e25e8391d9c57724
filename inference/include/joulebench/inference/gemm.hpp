// The project's own GEMM, BLIS-style: weights (B) packed once into panels at model load,
// activations (A) packed per cache block, and a SIMD micro-kernel that does all the arithmetic
// and applies the epilogue (bias, activation, residual, requantisation) at write-back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "joulebench/inference/dtype.hpp"

namespace joulebench::platform {
class ThrottleState;
class WorkCounters;
class WorkerArena;
}  // namespace joulebench::platform

namespace joulebench::inference {

namespace detail {
struct UkernelArgs;
}
struct PipeRate;

/// One micro-kernel: dtype, ISA, register tile MR x NR, and the CPU feature it needs.
struct GemmKernelInfo {
  std::string_view name;  ///< e.g. "gemm_f32_avx512_8x48"
  std::string_view isa;   ///< "avx512", "avx2", "portable" (what --kernel accepts)
  DType dtype;
  int mr, nr;  ///< register tile
  int kstep;   ///< k values per 4-byte packed element (1 fp32, 2 bf16, 4 int8)
  std::string_view cpu_feature;
  bool (*cpu_supports)();
  void (*run)(const detail::UkernelArgs&);
  /// int8: the largest |quantized weight|. 127, or 63 for kernels whose s16 intermediate sums
  /// (vpmaddubsw, no VNNI) would saturate at 2 x 255 x 127: their weights keep 7 bits.
  int s8_weight_max;
  /// The register width the tile's accumulators use (0: none fixed, e.g. portable or SVE's
  /// run-time length) and the instruction that does the tile's arithmetic: what the blocking
  /// model looks up among the measured pipes.
  int vector_bits;
  std::string_view instruction;
};

/// Kernels built in, fastest first within each dtype.
std::span<const GemmKernelInfo> all_gemm_kernels();
/// `isa_or_name` empty: the fastest this CPU supports for `dtype`. Otherwise an ISA ("avx512")
/// or a full kernel name. Throws std::invalid_argument for unknown names or missing features.
const GemmKernelInfo& find_gemm_kernel(DType dtype, std::string_view isa_or_name = {});

/// Cache blocking in elements: MC rows of A, KC depth, NC columns of B per tile.
struct Blocking {
  int mc = 0, kc = 0, nc = 0;  ///< 0 = derive (plan_blocking on this machine's caches and pipes)
  /// Fills zeros from plan_blocking(k, blocking_inputs(k)), rounding to the kernel's MR/NR/KSTEP.
  [[nodiscard]] Blocking resolved(const GemmKernelInfo& k) const;
};

/// What the blocking model reads: cache sizes, and the kernel's pipe as measured on this core.
struct BlockingInputs {
  std::size_t l1d_bytes = 0, l2_bytes = 0;
  double l2_read_bytes_per_cycle = 0;  ///< 0: not measured
  const PipeRate* pipe = nullptr;      ///< the kernel's instruction on this core (null: not measured)
  bool pipe_is_stand_in = false;       ///< its instruction was not probed: the FMA of its width
};

/// The blocking for one kernel, with the figures that decided it.
struct BlockingPlan {
  Blocking chosen;                  ///< what gemm() starts from (it then balances tiles over its threads)
  Blocking l1_rule;                 ///< BLIS's rule on the same caches: the B micro-panel in half of L1
  bool b_panel_in_l2 = true;        ///< KC from L2: a KC x NR micro-panel of B takes a quarter of it
  int accumulators = 0;             ///< vector registers in the register tile (0: no fixed width)
  int accumulators_needed = 0;      ///< latency x pipe rate: a smaller tile idles a pipe (0: unknown)
  double feed_bytes_per_cycle = 0;  ///< A and B bytes per cycle a k-step reads at the pipe's rate
};

/// Pure: the same inputs give the same plan (tests drive it with other cores' figures).
BlockingPlan plan_blocking(const GemmKernelInfo& k, const BlockingInputs& in);
/// The plan in a sentence, figures included, for `gemm` and `kernels`.
std::string explain_blocking(const GemmKernelInfo& k, const BlockingInputs& in, const BlockingPlan& plan);
/// This machine: hwloc's cache sizes and machine_rates() (measured once per process).
BlockingInputs blocking_inputs(const GemmKernelInfo& k);

enum class Activation { none, relu, gelu };

/// Output element type of a GEMM (the next layer's input type).
enum class OutType { f32, bf16, u8 };

/// Weights K x N packed once for one kernel. int8 weights are quantized symmetrically per output
/// column (scale[n] may be negative when asked for, tests use that).
class PackedWeights {
 public:
  /// `b`: K x N row-major fp32 with leading dimension ldb (>= N).
  PackedWeights(const GemmKernelInfo& kernel, const float* b, int k, int n, int ldb);
  /// int8 with explicit per-column scales (weights quantized as round(b / scale[n])).
  PackedWeights(const GemmKernelInfo& kernel, const float* b, int k, int n, int ldb,
                std::span<const float> int8_scales);

  [[nodiscard]] const GemmKernelInfo& kernel() const { return *kernel_; }
  [[nodiscard]] int k() const { return k_; }
  [[nodiscard]] int n() const { return n_; }
  [[nodiscard]] int k_groups() const { return kg_; }
  [[nodiscard]] const std::uint8_t* panel(int j) const { return data_.get() + panel_bytes(j); }
  [[nodiscard]] std::size_t bytes() const {
    return static_cast<std::size_t>(panels_) * kg_ * kernel_->nr * 4;
  }
  /// int8: per-column weight scale and sum over k of the quantized weights.
  [[nodiscard]] const std::vector<float>& scales() const { return scales_; }
  [[nodiscard]] const std::vector<std::int32_t>& column_sums() const { return colsum_; }
  /// The weights as the kernel sees them (bf16-rounded, or int8 values), K x N, for references.
  [[nodiscard]] const std::vector<float>& effective() const { return effective_; }

 private:
  [[nodiscard]] std::size_t panel_bytes(int j) const {
    return static_cast<std::size_t>(j) * kg_ * kernel_->nr * 4;
  }
  void pack(const float* b, int ldb, std::span<const float> int8_scales);

  const GemmKernelInfo* kernel_;
  int k_, n_, kg_, panels_;
  std::unique_ptr<std::uint8_t[], void (*)(void*)> data_{nullptr, nullptr};
  std::vector<float> scales_;
  std::vector<std::int32_t> colsum_;
  std::vector<float> effective_;
};

/// The A operand: M x K row-major, of the dtype's activation type.
struct Activations {
  const void* data = nullptr;  ///< float*, bf16_t* or uint8_t*
  int m = 0, ld = 0;
  QuantParams quant;  ///< int8 only: how the u8 values map to reals
};

/// What happens to each output at write-back: C = act(A*B + bias) + residual, stored as `out`.
struct Epilogue {
  const float* bias = nullptr;  ///< N values or null
  Activation activation = Activation::none;
  const float* residual = nullptr;  ///< M x N fp32, added after the activation, or null
  int ld_residual = 0;
  OutType out = OutType::f32;
  QuantParams out_quant;  ///< OutType::u8 only
};

/// Where a GEMM runs and whom it answers to. All optional.
struct GemmContext {
  platform::WorkerArena* arena = nullptr;       ///< null: the calling thread only
  platform::ThrottleState* throttle = nullptr;  ///< checked between tile steps (tile x KC)
  platform::WorkCounters* counters = nullptr;   ///< flops added per tile step, by worker slot
  Blocking blocking;
  std::stop_token stop;  ///< ends a throttled wait early
};

/// C (M x N, leading dimension ldc, element type per epilogue.out) = epilogue(A * B).
/// Returns false if stopped by the throttle's stop request before finishing.
bool gemm(const Activations& a, const PackedWeights& b, void* c, int ldc, const Epilogue& epilogue,
          GemmContext& ctx);

/// The oracle: naive triple loop over the same quantized values, double accumulation, same
/// epilogue. Writes fp32 (before any output requantisation).
void reference_gemm(const Activations& a, const PackedWeights& b, float* c, int ldc,
                    const Epilogue& epilogue);

/// How far a GEMM's fp32 output may sit from the reference: |got - ref| <= tol * (1 + |ref|).
/// fp32/bf16 differ only in summation order (same rounded inputs), int8 only in float rounding
/// of the dequantised sum; the GELU approximation adds ~1e-6.
double error_tolerance(DType dtype);

struct VerifyReport {
  int rows = 0;          ///< rows compared
  double max_error = 0;  ///< max |got - ref| / (1 + |ref|)
  double bound = 0;      ///< error_tolerance(dtype)
  bool ok = true;
};

/// Recomputes `rows` rows of C (fp32 output, ldc) with reference_gemm and compares.
VerifyReport verify_rows(const Activations& a, const PackedWeights& b, const float* c, int ldc,
                         const Epilogue& ep, std::span<const int> rows);

/// Scalar GELU (tanh form), shared by the reference and the model.
float gelu(float x);

}  // namespace joulebench::inference
