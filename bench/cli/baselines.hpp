// Library baselines timed in the same process on the same inputs: oneDNN matmul (weights
// reordered into its packed layout once) and OpenBLAS sgemm. Optional at build time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "joulebench/inference/dtype.hpp"

namespace joulebench::cli {

/// One prepared library GEMM: C = A * B (+ int8 scales/zero-point), A/B/C owned by the caller.
class LibraryGemm {
 public:
  virtual ~LibraryGemm() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  /// Implementation detail worth disclosing (oneDNN's kernel, OpenBLAS's core).
  [[nodiscard]] virtual std::string implementation() const = 0;
  virtual void run() = 0;
};

/// Inputs in the dtype's library form. `a`: fp32 / bf16 bits / u8; `b`: K x N row-major
/// fp32 values exactly as our kernel sees them (bf16-rounded or int8 integers).
struct LibraryInputs {
  inference::DType dtype;
  int m, n, k;
  const void* a;
  const float* b_effective;
  std::vector<float> out_scales;  ///< int8: per column, scale_a * scale_b[n]
  std::int32_t a_zero_point = 0;  ///< int8
  float* c;                       ///< M x N fp32
};

/// A library's output checked against ours: max |ours - lib| / (1 + max |ours|) within a bound per
/// dtype. fp32 and bf16 differ only by summation order; int8 accumulates exactly in both, so only
/// the final float scaling may differ.
struct BaselineCheck {
  double max_rel_err = 0;
  double bound = 0;
  bool verified = false;
  std::string note;  ///< why a library's output differs, when the cause is known
};
/// `bound` 0 means baseline_bound(dtype).
BaselineCheck check_against(inference::DType dtype, const float* ours, const float* theirs, std::size_t n,
                            double bound = 0);
/// The bound check_against uses for `dtype`.
double baseline_bound(inference::DType dtype);

/// How the libraries' idle thread pools were told to wait while others are timed (disclosure):
/// OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT as in force, and the thread counts set.
nlohmann::json library_pools_json();

/// Names of the baselines this build has ("onednn", "openblas").
std::vector<std::string> available_libraries();
/// Prepares `name` for these inputs with `threads` threads; nullptr (and `why`) when the
/// library is not built in or does not do this dtype.
std::unique_ptr<LibraryGemm> make_library_gemm(const std::string& name, const LibraryInputs& in, int threads,
                                               std::string& why);

}  // namespace joulebench::cli

namespace joulebench::inference {
class Model;
}

namespace joulebench::cli {

/// The same model (weights, quantization ranges, activation, residual) as oneDNN matmuls with
/// post-ops, weights reordered once; input/output conversions as in our forward pass.
class LibraryModel {
 public:
  virtual ~LibraryModel() = default;
  [[nodiscard]] virtual std::string implementation() const = 0;
  virtual void forward(const float* input, float* output) = 0;
};

/// nullptr (and `why`) when oneDNN is not built in.
std::unique_ptr<LibraryModel> make_onednn_model(const inference::Model& model, int threads, std::string& why);

}  // namespace joulebench::cli
