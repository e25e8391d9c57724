// Per-header precomputation shared by the midstate kernels (see Sha256dPrecomp).
#include "detail/scan_job.hpp"
#include "detail/sha256_scalar.hpp"
#include "joulebench/miner/sha256.hpp"

namespace joulebench::miner::detail {
namespace {

std::uint32_t read_be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

}  // namespace

void precompute(ScanJob& job) {
  Sha256dPrecomp& p = job.pre;
  for (int i = 0; i < 8; ++i) p.midstate[i] = kInitialState[i];
  sha256_compress(p.midstate, job.header);
  for (int i = 0; i < 3; ++i) p.w[i] = read_be32(job.header + 64 + 4 * i);

  std::uint32_t s[8];
  for (int i = 0; i < 8; ++i) s[i] = p.midstate[i];
  for (int t = 0; t < 3; ++t) round(s, kRoundConstants[t] + p.w[t]);
  for (int i = 0; i < 8; ++i) p.state3[i] = s[i];
  // Round 3 without its W3 term: T1 = t1_fixed + W3, a4 = T1 + T2, e4 = d3 + T1.
  const std::uint32_t t1_fixed = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + kRoundConstants[3];
  const std::uint32_t t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);
  p.a4_base = t1_fixed + t2;
  p.e4_base = s[3] + t1_fixed;

  // Block 2 words: W4 = 0x80000000 (padding), W5..W14 = 0, W15 = 640 (80 bytes in bits).
  constexpr std::uint32_t w4 = 0x80000000u, w15 = 640;
  p.w16 = ssig0(p.w[1]) + p.w[0];
  p.w17 = ssig1(w15) + ssig0(p.w[2]) + p.w[1];
  p.c18 = ssig1(p.w16) + p.w[2];
  p.c19 = ssig1(p.w17) + ssig0(w4);
  p.c30 = ssig0(w15);
  p.c31 = ssig0(p.w16) + w15;
  p.c32 = ssig0(p.w17) + p.w16;
}

}  // namespace joulebench::miner::detail
