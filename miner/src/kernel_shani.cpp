// SHA-NI kernels (sha256rnds2/msg1/msg2). sha256rnds2 has a 4-cycle latency but issues every
// ~1.1 cycles on Zen 3 (measured on the dev VM: 1 chain 3.95 cycles, 2 chains 1.95, 4 chains
// 1.13 per rnds2), so `shani` interleaves four nonces; `shani-2x` two, which spills less and
// wins when a busy sibling thread takes the rnds2 unit's spare slots (the start-up measurement
// picks). Every loop is fully unrolled so the schedule quads live
// in registers, not in a stack array indexed per round.
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_SHANI
#include <immintrin.h>

namespace joulebench::miner::detail {
namespace {

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

// What one header (one nVersion) contributes: its midstate and block 2's state after the rounds
// that read only fixed words.
struct HeaderState {
  __m128i mid0, mid1, abef01, cdgh01;
  __m128i abef4_base;  // ABEF after rounds 0-3 with W3 = 0: the nonce then adds to A and E only
  __m128i iv0, iv1;    // hash 2's initial state, in SHA-NI layout
};

HeaderState header_state(const Sha256dPrecomp& p) {
  HeaderState h;
  h.mid0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&p.midstate[0]));
  h.mid1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&p.midstate[4]));
  to_shani_layout(h.mid0, h.mid1);
  const __m128i kw01 =
      _mm_add_epi32(_mm_setr_epi32(static_cast<int>(p.w[0]), static_cast<int>(p.w[1]), 0, 0), k4(0));
  h.abef01 = _mm_sha256rnds2_epu32(h.mid1, h.mid0, kw01);  // afterwards abef is in abef01
  h.cdgh01 = h.mid0;
  const __m128i kw23 = _mm_add_epi32(_mm_setr_epi32(0, 0, static_cast<int>(p.w[2]), 0), k4(0));
  h.abef4_base = _mm_sha256rnds2_epu32(h.cdgh01, h.abef01, _mm_shuffle_epi32(kw23, 0x0e));
  h.iv0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[0]));
  h.iv1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[4]));
  to_shani_layout(h.iv0, h.iv1);
  return h;
}

// S nonces in flight; with PreHash3, round 3 is pre-hashed (see rounds_0_3).
template <int S, bool PreHash3>
struct Shani {
  struct Quads {
    __m128i v[S];
  };

  // Block 2's first quad for nonces base .. base+S-1: the only words that see the nonce.
  static JB_INLINE void first_quads(const Sha256dPrecomp& p, std::uint32_t base, Quads* m) {
    const __m128i pad80_1 = _mm_setr_epi32(static_cast<int>(0x80000000u), 0, 0, 0);
    const __m128i pad80_3 = _mm_setr_epi32(0, 0, 0, 640);
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) {
      const auto w3 = static_cast<int>(__builtin_bswap32(base + static_cast<std::uint32_t>(s)));
      m[0].v[s] =
          _mm_setr_epi32(static_cast<int>(p.w[0]), static_cast<int>(p.w[1]), static_cast<int>(p.w[2]), w3);
      m[1].v[s] = pad80_1;
      m[2].v[s] = _mm_setzero_si128();
      m[3].v[s] = pad80_3;
    }
  }

  // W3 (the nonce) enters round 3 only through T1, which goes into both A and E: adding it to
  // those lanes (ABEF layout: lanes 3 and 1) of the state pre-hashed with W3 = 0 saves one
  // rnds2 per nonce. Without PreHash3, rounds 2-3 run per nonce.
  static JB_INLINE void rounds_0_3(const HeaderState& h, const Quads* m, Quads& abef, Quads& cdgh) {
    const __m128i a_and_e = _mm_setr_epi32(0, -1, 0, -1);
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) {
      if constexpr (PreHash3) {
        abef.v[s] = _mm_add_epi32(h.abef4_base, _mm_and_si128(_mm_shuffle_epi32(m[0].v[s], 0xff), a_and_e));
      } else {
        const __m128i kw = _mm_add_epi32(m[0].v[s], k4(0));
        abef.v[s] = _mm_sha256rnds2_epu32(h.cdgh01, h.abef01, _mm_shuffle_epi32(kw, 0x0e));
      }
      cdgh.v[s] = h.abef01;
    }
  }

  // Quads first..last: the message schedule (unless `scheduled`: computed earlier, shared by
  // the versions of a roll) and the rounds. abef/cdgh are in SHA-NI layout.
  template <bool Scheduled>
  static JB_INLINE void rounds(Quads* m, Quads& abef, Quads& cdgh, int first, int last) {
#pragma GCC unroll 16
    for (int g = first; g <= last; ++g) {
#pragma GCC unroll 8
      for (int s = 0; s < S; ++s) {
        if (!Scheduled && g >= 4)
          m[g].v[s] = next_quad(m[g - 4].v[s], m[g - 3].v[s], m[g - 2].v[s], m[g - 1].v[s]);
        const __m128i kw = _mm_add_epi32(m[g].v[s], k4(g));
        cdgh.v[s] = _mm_sha256rnds2_epu32(cdgh.v[s], abef.v[s], kw);
        abef.v[s] = _mm_sha256rnds2_epu32(abef.v[s], cdgh.v[s], _mm_shuffle_epi32(kw, 0x0e));
      }
    }
  }

  // Hash 2 of every stream to round 61, from block 2's final state; a candidate bit per stream.
  static JB_INLINE unsigned hash2_candidates(const HeaderState& hs, Quads& abef, Quads& cdgh,
                                             std::uint32_t top) {
    const __m128i pad32_2 = _mm_setr_epi32(static_cast<int>(0x80000000u), 0, 0, 0);
    const __m128i pad32_3 = _mm_setr_epi32(0, 0, 0, 256);
    Quads m[16];
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) {
      __m128i h0 = _mm_add_epi32(abef.v[s], hs.mid0), h1 = _mm_add_epi32(cdgh.v[s], hs.mid1);
      from_shani_layout(h0, h1);
      m[0].v[s] = h0;
      m[1].v[s] = h1;
      m[2].v[s] = pad32_2;
      m[3].v[s] = pad32_3;
      abef.v[s] = hs.iv0;
      cdgh.v[s] = hs.iv1;
    }
    rounds<false>(m, abef, cdgh, 0, 14);
    // Rounds 60-61 only: afterwards lane 0 of the new ABEF is F = e after round 60 = H2[7] - IV[7].
    unsigned bits = 0;
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) {
      m[15].v[s] = next_quad(m[11].v[s], m[12].v[s], m[13].v[s], m[14].v[s]);
      const __m128i kw = _mm_add_epi32(m[15].v[s], k4(15));
      const __m128i abef62 = _mm_sha256rnds2_epu32(cdgh.v[s], abef.v[s], kw);
      const auto h7 = static_cast<std::uint32_t>(_mm_cvtsi128_si32(abef62)) + kInitialState[7];
      if (__builtin_bswap32(h7) <= top) bits |= 1u << s;
    }
    return bits;
  }

  static std::size_t scan(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
    const HeaderState hs = header_state(job.pre);
    const std::uint32_t top = job.target_words[7];
    std::size_t found = 0;
    for (std::uint64_t done = 0; done < count; done += S) {
      const auto base = static_cast<std::uint32_t>(first + done);
      Quads m[16], abef, cdgh;
      first_quads(job.pre, base, m);
      rounds_0_3(hs, m, abef, cdgh);
      rounds<false>(m, abef, cdgh, 1, 15);
      const unsigned bits = hash2_candidates(hs, abef, cdgh, top);
      for (int s = 0; s < S; ++s)
        if ((bits >> s & 1u) != 0 && done + static_cast<std::uint64_t>(s) < count)
          out[found++] = base + static_cast<std::uint32_t>(s);
    }
    return found;
  }

  static std::size_t scan_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out) {
    HeaderState hs[kMaxRolledVersions];
    for (int v = 0; v < versions; ++v) hs[v] = header_state(jobs[v].pre);
    const std::uint32_t top = jobs[0].target_words[7];
    std::size_t found = 0;
    for (std::uint64_t done = 0; done < count; done += S) {
      const auto base = static_cast<std::uint32_t>(first + done);
      Quads m[16];
      first_quads(jobs[0].pre, base, m);
#pragma GCC unroll 16
      for (int g = 4; g < 16; ++g)  // the schedule, once for every version
#pragma GCC unroll 8
        for (int s = 0; s < S; ++s)
          m[g].v[s] = next_quad(m[g - 4].v[s], m[g - 3].v[s], m[g - 2].v[s], m[g - 1].v[s]);
      for (int v = 0; v < versions; ++v) {
        Quads abef, cdgh;
        rounds_0_3(hs[v], m, abef, cdgh);
        rounds<true>(m, abef, cdgh, 1, 15);
        const unsigned bits = hash2_candidates(hs[v], abef, cdgh, top);
        for (int s = 0; s < S; ++s)
          if ((bits >> s & 1u) != 0 && done + static_cast<std::uint64_t>(s) < count)
            out[found++] = {base + static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(v)};
      }
    }
    return found;
  }
};

}  // namespace

std::size_t scan_shani(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return Shani<4, true>::scan(job, first, count, out);
}

std::size_t scan_shani_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                              RolledCandidate* out) {
  return Shani<4, true>::scan_rolled(jobs, versions, first, count, out);
}

std::size_t scan_shani_2x(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return Shani<2, true>::scan(job, first, count, out);
}

std::size_t scan_shani_2x_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out) {
  return Shani<2, true>::scan_rolled(jobs, versions, first, count, out);
}

std::size_t scan_shani_3x(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return Shani<3, true>::scan(job, first, count, out);
}

std::size_t scan_shani_3x_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out) {
  return Shani<3, true>::scan_rolled(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
#endif
