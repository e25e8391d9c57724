// GemmProblem: seeded inputs, dtype conversions, verification rows.
#include "cli/gemm_inputs.hpp"

#include <random>

namespace joulebench::cli {

using namespace joulebench::inference;

double GemmProblem::memory_bytes(const GemmKernelInfo& kernel, int m, int n, int k) {
  const double elem = kernel.dtype == DType::fp32 ? 4 : kernel.dtype == DType::bf16 ? 2 : 1;
  const double mk = static_cast<double>(m) * k, kn = static_cast<double>(k) * n,
               mn = static_cast<double>(m) * n;
  return mk * (4 + elem) + kn * (8 + 2 * elem) + (n + 64.0) * (k + 4.0) * elem + 8 * mn;
}

GemmProblem::GemmProblem(const GemmKernelInfo& kernel, int m, int n, int k, std::uint32_t seed)
    : m_(m),
      n_(n),
      k_(k),
      a_f32_(static_cast<std::size_t>(m) * k),
      b_(static_cast<std::size_t>(k) * n),
      c_(static_cast<std::size_t>(m) * n) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  for (float& x : a_f32_) x = uni(rng);
  for (float& x : b_) x = uni(rng);
  weights_ = std::make_unique<PackedWeights>(kernel, b_.data(), k, n, n);
  act_.m = m;
  act_.ld = k;
  switch (kernel.dtype) {
    case DType::fp32:
      act_.data = a_f32_.data();
      break;
    case DType::bf16:
      a_bf16_.resize(a_f32_.size());
      convert_activations(DType::bf16, a_f32_.data(), a_f32_.size(), act_.quant, a_bf16_.data());
      act_.data = a_bf16_.data();
      break;
    case DType::int8:
      act_.quant = QuantParams::for_range(-1.0f, 1.0f);
      a_u8_.resize(a_f32_.size());
      convert_activations(DType::int8, a_f32_.data(), a_f32_.size(), act_.quant, a_u8_.data());
      act_.data = a_u8_.data();
      break;
  }
}

LibraryInputs GemmProblem::library_inputs(std::size_t index) {
  while (c_libs_.size() <= index) c_libs_.emplace_back(c_.size());
  LibraryInputs in{weights_->kernel().dtype, m_, n_, k_, act_.data, weights_->effective().data(), {}, 0,
                   c_libs_[index].data()};
  if (in.dtype == DType::int8) {
    for (float s : weights_->scales()) in.out_scales.push_back(act_.quant.scale * s);
    in.a_zero_point = act_.quant.zero_point;
  }
  return in;
}

BaselineCheck GemmProblem::check_library(std::size_t index) const {
  return check_against(weights_->kernel().dtype, c_.data(), c_libs_.at(index).data(), c_.size());
}

VerifyReport GemmProblem::verify(const Epilogue& ep, GemmContext& ctx) {
  gemm(act_, *weights_, c_.data(), n_, ep, ctx);
  std::vector<int> rows;
  const int want = std::min(m_, 16);
  for (int i = 0; i < want; ++i)
    rows.push_back(want == 1 ? 0 : static_cast<int>(static_cast<long>(i) * (m_ - 1) / (want - 1)));
  return verify_rows(act_, *weights_, c_.data(), n_, ep, rows);
}

}  // namespace joulebench::cli
