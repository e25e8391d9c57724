// Pipe probe: vfmadd231ps on 256-bit registers.
#include "detail/pipe_probe.hpp"

#if JOULEBENCH_HAVE_AVX2
#include <immintrin.h>

#include <chrono>

namespace joulebench::inference::detail {
namespace {

struct Op {
  static constexpr int kChains = 12;  // 16 ymm registers: 12 chains and the 2 constants
  using V = __m256;
  static V start(int c) { return _mm256_set1_ps(1.0f + 0.01f * static_cast<float>(c)); }
  static V step(V acc) { return _mm256_fmadd_ps(_mm256_set1_ps(0.999f), _mm256_set1_ps(1e-3f), acc); }
};

#include "detail/pipe_probe.inc"

}  // namespace

double fma256_per_second(bool independent, double seconds) { return probe(independent, seconds); }

// Four independent xor chains over 32-byte loads: two loads a cycle, the most any x86 core with
// AVX2 issues, so the rate is what L2 delivers, not what the loop can ask for.
double l2_read_per_second(const void* data, std::size_t bytes, double seconds) {
  const auto* p = static_cast<const __m256i*>(data);
  const std::size_t vectors = bytes / 32 / 8 * 8;
  __m256i x0 = _mm256_setzero_si256(), x1 = x0, x2 = x0, x3 = x0;
  const double rate = units_per_second(seconds, [&] {
    for (std::size_t i = 0; i < vectors; i += 8) {
      x0 = _mm256_xor_si256(x0, _mm256_xor_si256(_mm256_load_si256(p + i), _mm256_load_si256(p + i + 4)));
      x1 = _mm256_xor_si256(x1, _mm256_xor_si256(_mm256_load_si256(p + i + 1), _mm256_load_si256(p + i + 5)));
      x2 = _mm256_xor_si256(x2, _mm256_xor_si256(_mm256_load_si256(p + i + 2), _mm256_load_si256(p + i + 6)));
      x3 = _mm256_xor_si256(x3, _mm256_xor_si256(_mm256_load_si256(p + i + 3), _mm256_load_si256(p + i + 7)));
    }
    return static_cast<double>(vectors) * 32;
  });
  volatile __m256i sink = _mm256_xor_si256(_mm256_xor_si256(x0, x1), _mm256_xor_si256(x2, x3));
  (void)sink;
  return rate;
}

}  // namespace joulebench::inference::detail
#endif
