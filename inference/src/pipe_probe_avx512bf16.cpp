// Pipe probe: vdpbf16ps on 512-bit registers, the bf16 kernel's one arithmetic instruction.
#include "detail/pipe_probe.hpp"

#if JOULEBENCH_HAVE_AVX512_BF16
#include <immintrin.h>

#include <chrono>

namespace joulebench::inference::detail {
namespace {

// bf16 pairs of 0 x 1: each step adds 0, so the sums stay where they started.
struct Op {
  static constexpr int kChains = 16;
  using V = __m512;
  static V start(int c) { return _mm512_set1_ps(static_cast<float>(c)); }
  static V step(V acc) {
    const auto zero = reinterpret_cast<__m512bh>(_mm512_setzero_si512());
    const auto ones = reinterpret_cast<__m512bh>(_mm512_set1_epi16(0x3f80));  // bf16 1.0
    return _mm512_dpbf16_ps(acc, zero, ones);
  }
};

#include "detail/pipe_probe.inc"

}  // namespace

double dpbf16512_per_second(bool independent, double seconds) { return probe(independent, seconds); }

}  // namespace joulebench::inference::detail
#endif
