// Portable micro-kernels (4 x 16 tile) for every dtype: plain C++ over the same packed layouts,
// so any x86-64 runs the engine and the packing is tested independently of the SIMD kernels.
#include <cstring>

#include "detail/ukernels.hpp"
#include "joulebench/inference/dtype.hpp"

namespace joulebench::inference::detail {
namespace {

constexpr int kMR = 4;
constexpr int kNR = 16;

template <typename Acc>
void load_start(const UkernelArgs& p, Acc (&t)[kMR][kNR]) {
  for (int r = 0; r < kMR; ++r) {
    for (int c = 0; c < kNR; ++c) {
      t[r][c] = (p.load_acc && r < p.m && c < p.n)
                    ? static_cast<const Acc*>(p.acc)[static_cast<std::ptrdiff_t>(r) * p.ld_acc + c]
                    : Acc{0};
    }
  }
}

// Each packed 4-byte element holds kstep values; dot(a, b) multiplies them pairwise.
template <typename Acc, typename Dot>
void run(const UkernelArgs& p, Dot dot) {
  Acc t[kMR][kNR];
  load_start(p, t);
  const auto* a = static_cast<const std::uint8_t*>(p.a);
  const auto* b = static_cast<const std::uint8_t*>(p.b);
  for (int g = 0; g < p.k_groups; ++g) {
    for (int r = 0; r < p.m; ++r) {
      const std::uint8_t* ae = a + g * p.a_group_stride + r * p.a_row_stride;
      for (int c = 0; c < kNR; ++c) t[r][c] += dot(ae, b + (g * kNR + c) * 4);
    }
  }
  if constexpr (std::is_same_v<Acc, float>) {
    write_tile_f32(p, &t[0][0], kNR);
  } else {
    write_tile_s32(p, &t[0][0], kNR);
  }
}

float f32_at(const std::uint8_t* p) {
  float f;
  std::memcpy(&f, p, 4);
  return f;
}

float bf16_at(const std::uint8_t* p, int i) {
  bf16_t h;
  std::memcpy(&h, p + 2 * i, 2);
  return bf16_to_float(h);
}

}  // namespace

void gemm_f32_portable_4x16(const UkernelArgs& p) {
  run<float>(p, [](const std::uint8_t* a, const std::uint8_t* b) { return f32_at(a) * f32_at(b); });
}

void gemm_bf16_portable_4x16(const UkernelArgs& p) {
  run<float>(p, [](const std::uint8_t* a, const std::uint8_t* b) {
    return bf16_at(a, 0) * bf16_at(b, 0) + bf16_at(a, 1) * bf16_at(b, 1);
  });
}

void gemm_s8_portable_4x16(const UkernelArgs& p) {
  run<std::int32_t>(p, [](const std::uint8_t* a, const std::uint8_t* b) {
    std::int32_t s = 0;
    for (int i = 0; i < 4; ++i) s += static_cast<std::int32_t>(a[i]) * static_cast<std::int8_t>(b[i]);
    return s;
  });
}

}  // namespace joulebench::inference::detail
