// Scalar epilogue for the AVX2 and portable micro-kernels (the AVX-512 ones vectorise theirs).
#include <cmath>

#include "detail/ukernels.hpp"
#include "joulebench/inference/dtype.hpp"
#include "joulebench/inference/gemm.hpp"

namespace joulebench::inference::detail {
namespace {

float finish(const UkernelArgs& p, int r, int col, float x) {
  if (p.bias != nullptr) x += p.bias[col];
  if (p.activation == kActRelu) x = x > 0.f ? x : 0.f;
  if (p.activation == kActGelu) x = gelu(x);
  if (p.residual != nullptr) x += p.residual[static_cast<std::ptrdiff_t>(r) * p.ld_residual + col];
  return x;
}

void store(const UkernelArgs& p, int r, int col, float x) {
  const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(r) * p.ldc + col;
  if (p.out == kOutF32) {
    static_cast<float*>(p.c)[at] = x;
  } else if (p.out == kOutBf16) {
    static_cast<bf16_t*>(p.c)[at] = float_to_bf16(x);
  } else {
    const float q = std::nearbyint(x * p.out_inv_scale) + static_cast<float>(p.out_zero_point);
    static_cast<std::uint8_t*>(p.c)[at] = static_cast<std::uint8_t>(q < 0.f ? 0.f : (q > 255.f ? 255.f : q));
  }
}

template <typename T>
void write_tile(const UkernelArgs& p, const T* tile, int ld) {
  for (int r = 0; r < p.m; ++r) {
    for (int col = 0; col < p.n; ++col) {
      const T sum = tile[r * ld + col];
      if (!p.final) {
        static_cast<T*>(p.acc)[static_cast<std::ptrdiff_t>(r) * p.ld_acc + col] = sum;
        continue;
      }
      float x;
      if constexpr (std::is_same_v<T, float>) {
        x = sum;
      } else {
        x = static_cast<float>(sum - p.col_comp[col]) * p.col_scale[col];
      }
      store(p, r, col, finish(p, r, col, x));
    }
  }
}

}  // namespace

void write_tile_f32(const UkernelArgs& p, const float* tile, int ld) { write_tile(p, tile, ld); }

void write_tile_s32(const UkernelArgs& p, const std::int32_t* tile, int ld) { write_tile(p, tile, ld); }

}  // namespace joulebench::inference::detail
