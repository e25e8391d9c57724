// `avx512` kernel: two independent groups of 16 nonces (32 in flight) so one group's round
// latency hides behind the other's; ternlog does each 3-input boolean in one instruction.
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_AVX512
// GCC 12 flags the deliberately undefined pass-through operand inside its own AVX-512 headers
// (_mm512_undefined_epi32, GCC bug 105593); the warning is about the header, not this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace joulebench::miner::detail {
namespace {

// Register budget: 2 x 8 state words + 2 x temporaries fit in the 32 zmm registers; the
// message schedule lives on the stack (loads are cheap next to the ALU work).
template <int G, bool Textbook = false>
struct Avx512Ops {
  struct V {
    __m512i g[G];
  };
  static constexpr int kLanes = 16 * G;
  static constexpr bool kTextbookRounds = Textbook;  // see sha256d_lanes.inc

  template <typename F>
  static JB_INLINE V each(F f) {
    V r;
#pragma GCC unroll 4
    for (int i = 0; i < G; ++i) r.g[i] = f(i);
    return r;
  }
  static JB_INLINE V set1(std::uint32_t x) {
    return each([&](int) JB_INLINE_LAMBDA { return _mm512_set1_epi32(static_cast<int>(x)); });
  }
  static JB_INLINE V add(V a, V b) {
    return each([&](int i) JB_INLINE_LAMBDA { return _mm512_add_epi32(a.g[i], b.g[i]); });
  }
  template <int R1, int R2, int R3>
  static JB_INLINE __m512i rot3(__m512i v) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(v, R1), _mm512_ror_epi32(v, R2),
                                     _mm512_ror_epi32(v, R3), 0x96);
  }
  template <int R1, int R2, int S>
  static JB_INLINE __m512i rot2shr(__m512i v) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(v, R1), _mm512_ror_epi32(v, R2),
                                     _mm512_srli_epi32(v, S), 0x96);
  }
  static JB_INLINE V bsig0(V v) {
    return each([&](int i) JB_INLINE_LAMBDA { return rot3<2, 13, 22>(v.g[i]); });
  }
  static JB_INLINE V bsig1(V v) {
    return each([&](int i) JB_INLINE_LAMBDA { return rot3<6, 11, 25>(v.g[i]); });
  }
  static JB_INLINE V ssig0(V v) {
    return each([&](int i) JB_INLINE_LAMBDA { return rot2shr<7, 18, 3>(v.g[i]); });
  }
  static JB_INLINE V ssig1(V v) {
    return each([&](int i) JB_INLINE_LAMBDA { return rot2shr<17, 19, 10>(v.g[i]); });
  }
  static JB_INLINE V ch(V e, V f, V g) {
    return each([&](int i)
                    JB_INLINE_LAMBDA { return _mm512_ternarylogic_epi32(e.g[i], f.g[i], g.g[i], 0xca); });
  }
  static JB_INLINE V maj(V a, V b, V c) {
    return each([&](int i)
                    JB_INLINE_LAMBDA { return _mm512_ternarylogic_epi32(a.g[i], b.g[i], c.g[i], 0xe8); });
  }
  static JB_INLINE __m512i bswap(__m512i v) {
    const __m512i mask =
        _mm512_broadcast_i32x4(_mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
    return _mm512_shuffle_epi8(v, mask);
  }
  static JB_INLINE V nonce_words(std::uint32_t base) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return each([&](int i) JB_INLINE_LAMBDA {
      return bswap(_mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base + 16u * i)), iota));
    });
  }
  static JB_INLINE std::uint64_t candidates(V h7, std::uint32_t top) {
    std::uint64_t mask = 0;
    const __m512i t = _mm512_set1_epi32(static_cast<int>(top));
    for (int i = 0; i < G; ++i) {
      const __mmask16 m = top == 0 ? _mm512_test_epi32_mask(h7.g[i], h7.g[i]) ^ 0xffff
                                   : _mm512_cmple_epu32_mask(bswap(h7.g[i]), t);
      mask |= static_cast<std::uint64_t>(m) << (16 * i);
    }
    return mask;
  }
};

#include "detail/sha256d_lanes.inc"

}  // namespace

std::size_t scan_avx512(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return scan_lanes<Avx512Ops<2>>(job, first, count, out);
}

std::size_t scan_avx512_1x16(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                             std::uint32_t* out) {
  return scan_lanes<Avx512Ops<1>>(job, first, count, out);
}

// `avx512-textbook`: the same layout with the fewest additions per round; start-up measurement
// picks it where ports, not latencies, bound the rounds.
std::size_t scan_avx512_textbook(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                                 std::uint32_t* out) {
  return scan_lanes<Avx512Ops<2, true>>(job, first, count, out);
}

std::size_t scan_avx512_textbook_rolled(const ScanJob* jobs, int versions, std::uint32_t first,
                                        std::uint64_t count, RolledCandidate* out) {
  return scan_lanes_rolled<Avx512Ops<2, true>>(jobs, versions, first, count, out);
}

// The 2x16 layout of `avx512`, the default on AVX-512 machines (this layout is not measured on
// a machine without AVX-512; the self-test checks it wherever it runs).
std::size_t scan_avx512_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                               RolledCandidate* out) {
  return scan_lanes_rolled<Avx512Ops<2>>(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
#endif
