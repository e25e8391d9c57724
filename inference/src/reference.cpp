// The GEMM oracle: a naive triple loop over exactly the values the kernels see.
#include <algorithm>
#include <cmath>
#include <vector>

#include "joulebench/inference/gemm.hpp"

namespace joulebench::inference {
namespace {

float activation_value(const Activations& a, DType dtype, int row, int k) {
  const std::size_t at = static_cast<std::size_t>(row) * a.ld + k;
  switch (dtype) {
    case DType::fp32:
      return static_cast<const float*>(a.data)[at];
    case DType::bf16:
      return bf16_to_float(static_cast<const bf16_t*>(a.data)[at]);
    case DType::int8:
      return static_cast<float>(static_cast<const std::uint8_t*>(a.data)[at]);
  }
  return 0;
}

}  // namespace

void reference_gemm(const Activations& a, const PackedWeights& b, float* c, int ldc, const Epilogue& ep) {
  const DType dtype = b.kernel().dtype;
  const int n = b.n(), k = b.k();
  const std::vector<float>& w = b.effective();
  for (int row = 0; row < a.m; ++row) {
    for (int col = 0; col < n; ++col) {
      double sum = 0;
      std::int64_t isum = 0;
      for (int kk = 0; kk < k; ++kk) {
        const float av = activation_value(a, dtype, row, kk);
        const float bv = w[static_cast<std::size_t>(kk) * n + col];
        if (dtype == DType::int8) {
          isum += static_cast<std::int64_t>(av) * static_cast<std::int64_t>(bv);
        } else {
          sum += static_cast<double>(av) * bv;
        }
      }
      float x = static_cast<float>(sum);
      if (dtype == DType::int8) {
        const std::int64_t comp = static_cast<std::int64_t>(a.quant.zero_point) * b.column_sums()[col];
        x = static_cast<float>(isum - comp) * (a.quant.scale * b.scales()[col]);
      }
      if (ep.bias != nullptr) x += ep.bias[col];
      if (ep.activation == Activation::relu) x = std::max(x, 0.0f);
      if (ep.activation == Activation::gelu) x = gelu(x);
      if (ep.residual != nullptr) x += ep.residual[static_cast<std::size_t>(row) * ep.ld_residual + col];
      c[static_cast<std::size_t>(row) * ldc + col] = x;
    }
  }
}

double error_tolerance(DType dtype) { return dtype == DType::int8 ? 2e-5 : 2e-4; }

VerifyReport verify_rows(const Activations& a, const PackedWeights& b, const float* c, int ldc,
                         const Epilogue& ep, std::span<const int> rows) {
  const std::size_t elem = activation_bytes(b.kernel().dtype);
  VerifyReport report;
  report.bound = error_tolerance(b.kernel().dtype);
  std::vector<float> want(b.n());
  for (int row : rows) {
    Activations one = a;
    one.m = 1;
    one.data = static_cast<const std::uint8_t*>(a.data) + static_cast<std::size_t>(row) * a.ld * elem;
    Epilogue e = ep;
    if (e.residual != nullptr) e.residual += static_cast<std::size_t>(row) * e.ld_residual;
    reference_gemm(one, b, want.data(), b.n(), e);
    for (int col = 0; col < b.n(); ++col) {
      const double got = c[static_cast<std::size_t>(row) * ldc + col];
      const double err = std::fabs(got - want[col]) / (1.0 + std::fabs(want[col]));
      report.max_error = std::max(report.max_error, std::isnan(err) ? 1e30 : err);
    }
    ++report.rows;
  }
  report.ok = report.max_error <= report.bound;
  return report;
}

}  // namespace joulebench::inference
