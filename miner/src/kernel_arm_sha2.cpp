// Armv8 SHA2-extension kernels (sha256h/sha256h2/sha256su0/sha256su1): four rounds per
// instruction pair on {a,b,c,d} and {e,f,g,h} registers. The same shortcuts as on x86: the
// midstate; rounds 0-3 pre-hashed once per header (the nonce, W3, enters round 3 only through T1,
// so it adds to a and e of the state pre-hashed with W3 = 0); and hash 2 stops after sha256h2 of
// its last quad, whose lane 3 is e after round 60 = H2[7] - IV[7]. `arm-sha2-2x` interleaves two
// nonces to cover the instructions' latency.
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_ARM_SHA2
#include <arm_neon.h>

namespace joulebench::miner::detail {
namespace {

JB_INLINE uint32x4_t k4(int quad) { return vld1q_u32(&kRoundConstants[4 * quad]); }

JB_INLINE uint32x4_t quad_of(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3) {
  const std::uint32_t w[4] = {w0, w1, w2, w3};
  return vld1q_u32(w);
}

// W[4g..4g+3] from the four previous quads.
JB_INLINE uint32x4_t next_quad(uint32x4_t m4, uint32x4_t m3, uint32x4_t m2, uint32x4_t m1) {
  return vsha256su1q_u32(vsha256su0q_u32(m4, m3), m2, m1);
}

// What one header (one nVersion) contributes.
struct HeaderState {
  uint32x4_t mid_abcd, mid_efgh;      // the midstate, added back after block 2
  uint32x4_t abcd4_base, efgh4_base;  // after rounds 0-3 with W3 = 0
  uint32x4_t iv_abcd, iv_efgh;        // hash 2's initial state
};

HeaderState header_state(const Sha256dPrecomp& p) {
  HeaderState h;
  h.mid_abcd = vld1q_u32(&p.midstate[0]);
  h.mid_efgh = vld1q_u32(&p.midstate[4]);
  h.abcd4_base = quad_of(p.a4_base, p.state3[0], p.state3[1], p.state3[2]);
  h.efgh4_base = quad_of(p.e4_base, p.state3[4], p.state3[5], p.state3[6]);
  h.iv_abcd = vld1q_u32(&kInitialState[0]);
  h.iv_efgh = vld1q_u32(&kInitialState[4]);
  return h;
}

template <int S>
struct ArmSha2 {
  struct Quads {
    uint32x4_t v[S];
  };

  // Block 2's first quads for nonces base .. base+S-1: only quad 0 sees the nonce.
  static JB_INLINE void first_quads(const Sha256dPrecomp& p, std::uint32_t base, Quads* m) {
    for (int s = 0; s < S; ++s) {
      m[0].v[s] = quad_of(p.w[0], p.w[1], p.w[2], __builtin_bswap32(base + static_cast<std::uint32_t>(s)));
      m[1].v[s] = quad_of(0x80000000u, 0, 0, 0);
      m[2].v[s] = vdupq_n_u32(0);
      m[3].v[s] = quad_of(0, 0, 0, 640);
    }
  }

  static JB_INLINE void rounds_0_3(const HeaderState& h, const Quads* m, Quads& abcd, Quads& efgh) {
    for (int s = 0; s < S; ++s) {
      const uint32x4_t w3_in_lane0 = vsetq_lane_u32(vgetq_lane_u32(m[0].v[s], 3), vdupq_n_u32(0), 0);
      abcd.v[s] = vaddq_u32(h.abcd4_base, w3_in_lane0);
      efgh.v[s] = vaddq_u32(h.efgh4_base, w3_in_lane0);
    }
  }

  // Quads first..last (four rounds each); the schedule too unless `Scheduled`.
  template <bool Scheduled>
  static JB_INLINE void rounds(Quads* m, Quads& abcd, Quads& efgh, int first, int last) {
#pragma GCC unroll 16
    for (int g = first; g <= last; ++g) {
      for (int s = 0; s < S; ++s) {
        if (!Scheduled && g >= 4)
          m[g].v[s] = next_quad(m[g - 4].v[s], m[g - 3].v[s], m[g - 2].v[s], m[g - 1].v[s]);
        const uint32x4_t kw = vaddq_u32(m[g].v[s], k4(g));
        const uint32x4_t before = abcd.v[s];
        abcd.v[s] = vsha256hq_u32(abcd.v[s], efgh.v[s], kw);
        efgh.v[s] = vsha256h2q_u32(efgh.v[s], before, kw);
      }
    }
  }

  // Hash 2 of every stream to round 60; a candidate bit per stream.
  static JB_INLINE unsigned hash2_candidates(const HeaderState& hs, Quads& abcd, Quads& efgh,
                                             std::uint32_t top) {
    Quads m[16];
    for (int s = 0; s < S; ++s) {
      m[0].v[s] = vaddq_u32(abcd.v[s], hs.mid_abcd);
      m[1].v[s] = vaddq_u32(efgh.v[s], hs.mid_efgh);
      m[2].v[s] = quad_of(0x80000000u, 0, 0, 0);
      m[3].v[s] = quad_of(0, 0, 0, 256);
      abcd.v[s] = hs.iv_abcd;
      efgh.v[s] = hs.iv_efgh;
    }
    rounds<false>(m, abcd, efgh, 0, 14);
    unsigned bits = 0;
    for (int s = 0; s < S; ++s) {
      m[15].v[s] = next_quad(m[11].v[s], m[12].v[s], m[13].v[s], m[14].v[s]);
      const uint32x4_t kw = vaddq_u32(m[15].v[s], k4(15));
      // h after round 63 is e after round 60: sha256h2 alone gives it (lane 3).
      const uint32x4_t efgh64 = vsha256h2q_u32(efgh.v[s], abcd.v[s], kw);
      const std::uint32_t h7 = vgetq_lane_u32(efgh64, 3) + kInitialState[7];
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
      Quads m[16], abcd, efgh;
      first_quads(job.pre, base, m);
      rounds_0_3(hs, m, abcd, efgh);
      rounds<false>(m, abcd, efgh, 1, 15);
      const unsigned bits = hash2_candidates(hs, abcd, efgh, top);
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
      for (int g = 4; g < 16; ++g)  // the schedule, once for every version
        for (int s = 0; s < S; ++s)
          m[g].v[s] = next_quad(m[g - 4].v[s], m[g - 3].v[s], m[g - 2].v[s], m[g - 1].v[s]);
      for (int v = 0; v < versions; ++v) {
        Quads abcd, efgh;
        rounds_0_3(hs[v], m, abcd, efgh);
        rounds<true>(m, abcd, efgh, 1, 15);
        const unsigned bits = hash2_candidates(hs[v], abcd, efgh, top);
        for (int s = 0; s < S; ++s)
          if ((bits >> s & 1u) != 0 && done + static_cast<std::uint64_t>(s) < count)
            out[found++] = {base + static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(v)};
      }
    }
    return found;
  }
};

}  // namespace

std::size_t scan_arm_sha2(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return ArmSha2<1>::scan(job, first, count, out);
}

std::size_t scan_arm_sha2_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out) {
  return ArmSha2<1>::scan_rolled(jobs, versions, first, count, out);
}

std::size_t scan_arm_sha2_2x(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                             std::uint32_t* out) {
  return ArmSha2<2>::scan(job, first, count, out);
}

std::size_t scan_arm_sha2_2x_rolled(const ScanJob* jobs, int versions, std::uint32_t first,
                                    std::uint64_t count, RolledCandidate* out) {
  return ArmSha2<2>::scan_rolled(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
#endif
