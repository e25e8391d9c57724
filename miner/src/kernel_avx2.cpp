// `avx2` kernel: 8 nonces per 256-bit register (AVX2 has no rotate: shift-shift-or).
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_AVX2
#include <immintrin.h>

namespace joulebench::miner::detail {
namespace {

struct Avx2Ops {
  using V = __m256i;
  static constexpr int kLanes = 8;
  static JB_INLINE V set1(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
  static JB_INLINE V add(V a, V b) { return _mm256_add_epi32(a, b); }
  static JB_INLINE V x(V a, V b) { return _mm256_xor_si256(a, b); }
  template <int N>
  static JB_INLINE V rotr(V v) {
    return _mm256_or_si256(_mm256_srli_epi32(v, N), _mm256_slli_epi32(v, 32 - N));
  }
  static JB_INLINE V bsig0(V v) { return x(x(rotr<2>(v), rotr<13>(v)), rotr<22>(v)); }
  static JB_INLINE V bsig1(V v) { return x(x(rotr<6>(v), rotr<11>(v)), rotr<25>(v)); }
  static JB_INLINE V ssig0(V v) { return x(x(rotr<7>(v), rotr<18>(v)), _mm256_srli_epi32(v, 3)); }
  static JB_INLINE V ssig1(V v) { return x(x(rotr<17>(v), rotr<19>(v)), _mm256_srli_epi32(v, 10)); }
  static JB_INLINE V ch(V e, V f, V g) { return x(g, _mm256_and_si256(e, x(f, g))); }
  static JB_INLINE V maj(V a, V b, V c) {
    return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
  }
  static JB_INLINE V bswap(V v) {
    const V mask = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5,
                                    4, 11, 10, 9, 8, 15, 14, 13, 12);
    return _mm256_shuffle_epi8(v, mask);
  }
  static JB_INLINE V nonce_words(std::uint32_t base) {
    return bswap(add(set1(base), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
  }
  static JB_INLINE std::uint64_t candidates(V h7, std::uint32_t top) {
    // Unsigned a <= t  <=>  max(a, t) == t.
    const V t = set1(top);
    const V le = _mm256_cmpeq_epi32(_mm256_max_epu32(bswap(h7), t), t);
    return static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(le)));
  }
};

#include "detail/sha256d_lanes.inc"

}  // namespace

std::size_t scan_avx2(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return scan_lanes<Avx2Ops>(job, first, count, out);
}

std::size_t scan_avx2_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                             RolledCandidate* out) {
  return scan_lanes_rolled<Avx2Ops>(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
#endif
