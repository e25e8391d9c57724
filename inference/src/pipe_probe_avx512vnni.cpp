// Pipe probe: vpdpbusd on 512-bit registers, the int8 kernel's one arithmetic instruction.
#include "detail/pipe_probe.hpp"

#if JOULEBENCH_HAVE_AVX512_VNNI
#include <immintrin.h>

#include <chrono>

namespace joulebench::inference::detail {
namespace {

// u8 0 x s8 1: each step adds 0, so the sums stay where they started.
struct Op {
  static constexpr int kChains = 16;
  using V = __m512i;
  static V start(int c) { return _mm512_set1_epi32(c); }
  static V step(V acc) { return _mm512_dpbusd_epi32(acc, _mm512_setzero_si512(), _mm512_set1_epi8(1)); }
};

#include "detail/pipe_probe.inc"

}  // namespace

double dpbusd512_per_second(bool independent, double seconds) { return probe(independent, seconds); }

}  // namespace joulebench::inference::detail
#endif
