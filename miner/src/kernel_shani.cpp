// `shani` kernel: SHA-NI (sha256rnds2/msg1/msg2), two nonces interleaved so the 4-cycle
// sha256rnds2 latency of one stream overlaps the other's.
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_SHANI
#include <immintrin.h>

namespace joulebench::miner::detail {
namespace {

constexpr int kStreams = 2;

struct Pair {
  __m128i v[kStreams];
};

// {a..d},{e..h} <-> the ABEF / CDGH register layout sha256rnds2 works on.
JB_INLINE void to_shani_layout(__m128i& s0, __m128i& s1) {
  const __m128i t1 = _mm_shuffle_epi32(s0, 0xB1);
  const __m128i t2 = _mm_shuffle_epi32(s1, 0x1B);
  s0 = _mm_alignr_epi8(t1, t2, 8);
  s1 = _mm_blend_epi16(t2, t1, 0xF0);
}

JB_INLINE void from_shani_layout(__m128i& s0, __m128i& s1) {
  const __m128i t1 = _mm_shuffle_epi32(s0, 0x1B);
  const __m128i t2 = _mm_shuffle_epi32(s1, 0xB1);
  s0 = _mm_blend_epi16(t1, t2, 0xF0);
  s1 = _mm_alignr_epi8(t2, t1, 8);
}

JB_INLINE __m128i k4(int quad) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * quad]));
}

// W[4g..4g+3] from the four previous quads.
JB_INLINE __m128i next_quad(__m128i m4, __m128i m3, __m128i m2, __m128i m1) {
  const __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(m4, m3), _mm_alignr_epi8(m1, m2, 4));
  return _mm_sha256msg2_epu32(x, m1);
}

// Message quads g = first..last of both streams, then their rounds, for one compression.
// Fills m[g] for g >= 4 from the earlier quads. abef/cdgh are in SHA-NI layout.
JB_INLINE void rounds(Pair* m, Pair& abef, Pair& cdgh, int first_quad, int last_quad) {
  for (int g = first_quad; g <= last_quad; ++g) {
#pragma GCC unroll 2
    for (int s = 0; s < kStreams; ++s) {
      if (g >= 4) m[g].v[s] = next_quad(m[g - 4].v[s], m[g - 3].v[s], m[g - 2].v[s], m[g - 1].v[s]);
      const __m128i kw = _mm_add_epi32(m[g].v[s], k4(g));
      cdgh.v[s] = _mm_sha256rnds2_epu32(cdgh.v[s], abef.v[s], kw);
      abef.v[s] = _mm_sha256rnds2_epu32(abef.v[s], cdgh.v[s], _mm_shuffle_epi32(kw, 0x0e));
    }
  }
}

}  // namespace

std::size_t scan_shani(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  const Sha256dPrecomp& p = job.pre;
  __m128i mid0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&p.midstate[0]));
  __m128i mid1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&p.midstate[4]));
  to_shani_layout(mid0, mid1);
  // Rounds 0-1 of block 2 read only fixed words: do them once. Afterwards abef is in mid_cdgh01.
  const __m128i kw01 =
      _mm_add_epi32(_mm_setr_epi32(static_cast<int>(p.w[0]), static_cast<int>(p.w[1]), 0, 0), k4(0));
  const __m128i abef01 = _mm_sha256rnds2_epu32(mid1, mid0, kw01);
  const __m128i cdgh01 = mid0;
  __m128i iv0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[0]));
  __m128i iv1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[4]));
  to_shani_layout(iv0, iv1);
  const __m128i pad80_1 = _mm_setr_epi32(static_cast<int>(0x80000000u), 0, 0, 0);
  const __m128i pad80_3 = _mm_setr_epi32(0, 0, 0, 640);
  const __m128i pad32_2 = pad80_1;
  const __m128i pad32_3 = _mm_setr_epi32(0, 0, 0, 256);
  const std::uint32_t top = job.target_words[7];

  std::size_t found = 0;
  for (std::uint64_t done = 0; done < count; done += kStreams) {
    const auto base = static_cast<std::uint32_t>(first + done);
    Pair m[16], abef, cdgh;
#pragma GCC unroll 2
    for (int s = 0; s < kStreams; ++s) {
      const auto w3 = static_cast<int>(__builtin_bswap32(base + static_cast<std::uint32_t>(s)));
      m[0].v[s] =
          _mm_setr_epi32(static_cast<int>(p.w[0]), static_cast<int>(p.w[1]), static_cast<int>(p.w[2]), w3);
      m[1].v[s] = pad80_1;
      m[2].v[s] = _mm_setzero_si128();
      m[3].v[s] = pad80_3;
      // Rounds 2-3 (the second half of quad 0) are the first to see the nonce.
      const __m128i kw = _mm_add_epi32(m[0].v[s], k4(0));
      abef.v[s] = _mm_sha256rnds2_epu32(cdgh01, abef01, _mm_shuffle_epi32(kw, 0x0e));
      cdgh.v[s] = abef01;
    }
    rounds(m, abef, cdgh, 1, 15);
#pragma GCC unroll 2
    for (int s = 0; s < kStreams; ++s) {
      __m128i h0 = _mm_add_epi32(abef.v[s], mid0), h1 = _mm_add_epi32(cdgh.v[s], mid1);
      from_shani_layout(h0, h1);
      m[0].v[s] = h0;
      m[1].v[s] = h1;
      m[2].v[s] = pad32_2;
      m[3].v[s] = pad32_3;
      abef.v[s] = iv0;
      cdgh.v[s] = iv1;
    }
    rounds(m, abef, cdgh, 0, 14);
    // Rounds 60-61 only: afterwards lane 0 of the new ABEF is F = e after round 60 = H2[7] - IV[7].
    for (int s = 0; s < kStreams; ++s) {
      m[15].v[s] = next_quad(m[11].v[s], m[12].v[s], m[13].v[s], m[14].v[s]);
      const __m128i kw = _mm_add_epi32(m[15].v[s], k4(15));
      const __m128i abef62 = _mm_sha256rnds2_epu32(cdgh.v[s], abef.v[s], kw);
      const auto h7 = static_cast<std::uint32_t>(_mm_cvtsi128_si32(abef62)) + kInitialState[7];
      if (__builtin_bswap32(h7) <= top && done + static_cast<std::uint64_t>(s) < count) {
        out[found++] = base + static_cast<std::uint32_t>(s);
      }
    }
  }
  return found;
}

}  // namespace joulebench::miner::detail
#endif
