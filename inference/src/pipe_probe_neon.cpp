// Pipe probe: fmla on 128-bit NEON registers.
#include "detail/pipe_probe.hpp"

#if JOULEBENCH_HAVE_NEON
#include <arm_neon.h>

#include <chrono>
#include <cstdint>

namespace joulebench::inference::detail {
namespace {

struct Op {
  static constexpr int kChains = 16;
  using V = float32x4_t;
  static V start(int c) { return vdupq_n_f32(1.0f + 0.01f * static_cast<float>(c)); }
  static V step(V acc) { return vfmaq_f32(acc, vdupq_n_f32(0.999f), vdupq_n_f32(1e-3f)); }
};

#include "detail/pipe_probe.inc"

}  // namespace

double fma128_per_second(bool independent, double seconds) { return probe(independent, seconds); }

// Four independent xor chains over 16-byte loads.
double l2_read_per_second(const void* data, std::size_t bytes, double seconds) {
  const auto* p = static_cast<const std::uint32_t*>(data);
  const std::size_t words = bytes / 4 / 32 * 32;
  uint32x4_t x0 = vdupq_n_u32(0), x1 = x0, x2 = x0, x3 = x0;
  const double rate = units_per_second(seconds, [&] {
    for (std::size_t i = 0; i < words; i += 32) {
      x0 = veorq_u32(x0, veorq_u32(vld1q_u32(p + i), vld1q_u32(p + i + 16)));
      x1 = veorq_u32(x1, veorq_u32(vld1q_u32(p + i + 4), vld1q_u32(p + i + 20)));
      x2 = veorq_u32(x2, veorq_u32(vld1q_u32(p + i + 8), vld1q_u32(p + i + 24)));
      x3 = veorq_u32(x3, veorq_u32(vld1q_u32(p + i + 12), vld1q_u32(p + i + 28)));
    }
    return static_cast<double>(words) * 4;
  });
  volatile uint32x4_t sink = veorq_u32(veorq_u32(x0, x1), veorq_u32(x2, x3));
  (void)sink;
  return rate;
}

}  // namespace joulebench::inference::detail
#endif
