// A seeded GEMM problem for `joulebench gemm`: inputs in every form the contenders need.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cli/baselines.hpp"
#include "joulebench/inference/gemm.hpp"

namespace joulebench::cli {

using inference::VerifyReport;

class GemmProblem {
 public:
  /// Upper bound of what the problem and its library baselines allocate: A in fp32 and in the
  /// activation type, B, its effective copy and packed panels, a library's reordered copy, two C.
  static double memory_bytes(const inference::GemmKernelInfo& kernel, int m, int n, int k);
  /// A (M x K) and B (K x N) uniform in [-1, 1] from `seed`; B packed for `kernel`.
  GemmProblem(const inference::GemmKernelInfo& kernel, int m, int n, int k, std::uint32_t seed);

  [[nodiscard]] const inference::Activations& activations() const { return act_; }
  [[nodiscard]] const inference::PackedWeights& weights() const { return *weights_; }
  [[nodiscard]] float* c() { return c_.data(); }
  /// Inputs for library baseline number `index` (same values), writing into its own C.
  LibraryInputs library_inputs(std::size_t index);
  /// Library `index`'s last output against ours (which the caller has just computed into c()).
  [[nodiscard]] BaselineCheck check_library(std::size_t index) const;
  /// Runs our GEMM once more and checks up to 16 rows (first, last, spread) against the reference.
  VerifyReport verify(const inference::Epilogue& ep, inference::GemmContext& ctx);

 private:
  int m_, n_, k_;
  std::vector<float> a_f32_, b_;
  std::vector<inference::bf16_t> a_bf16_;
  std::vector<std::uint8_t> a_u8_;
  inference::Activations act_;
  std::unique_ptr<inference::PackedWeights> weights_;
  std::vector<float> c_;
  std::vector<std::vector<float>> c_libs_;
};

}  // namespace joulebench::cli
