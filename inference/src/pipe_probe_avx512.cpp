// Pipe probe: vfmadd231ps on 512-bit registers (some AVX-512 cores retire one a cycle, others two).
#include "detail/pipe_probe.hpp"

#if JOULEBENCH_HAVE_AVX512
#include <immintrin.h>

#include <chrono>

namespace joulebench::inference::detail {
namespace {

struct Op {
  static constexpr int kChains = 16;
  using V = __m512;
  static V start(int c) { return _mm512_set1_ps(1.0f + 0.01f * static_cast<float>(c)); }
  static V step(V acc) { return _mm512_fmadd_ps(_mm512_set1_ps(0.999f), _mm512_set1_ps(1e-3f), acc); }
};

#include "detail/pipe_probe.inc"

}  // namespace

double fma512_per_second(bool independent, double seconds) { return probe(independent, seconds); }

}  // namespace joulebench::inference::detail
#endif
