// What a scan kernel gets: the header, the target, and everything about them that does not depend
// on the nonce, precomputed once per header. Plain data, so ISA translation units may include it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "joulebench/miner/rolled_candidate.hpp"

namespace joulebench::miner::detail {

/// Nonce-independent parts of sha256d(header), following the usual mining shortcuts: the
/// first 64 bytes are hashed once (midstate), rounds 0-2 of the second block use only fixed
/// words, round 3 adds the nonce word to two precomputed sums, and schedule words that mix
/// only fixed words are folded into constants.
struct Sha256dPrecomp {
  std::uint32_t midstate[8];    // state after block 1, added back after block 2
  std::uint32_t state3[8];      // a..h after rounds 0-2 of block 2
  std::uint32_t a4_base;        // a after round 3 = a4_base + W3
  std::uint32_t e4_base;        // e after round 3 = e4_base + W3
  std::uint32_t w[3];           // block-2 words 0-2: merkle tail, time, bits (big-endian reads)
  std::uint32_t w16, w17;       // fully fixed schedule words
  std::uint32_t c18;            // W18 = ssig0(W3) + c18
  std::uint32_t c19;            // W19 = W3 + c19
  std::uint32_t c30, c31, c32;  // fixed parts of W30..W32
};

/// A scan request. Kernels report a nonce as a candidate when the most significant 32 bits of
/// the hash (read as a little-endian integer) are <= target_words[7]; the caller confirms each
/// candidate against the full target with OpenSSL.
struct ScanJob {
  std::uint8_t header[80];        // serialized header, nonce field ignored
  std::uint32_t target_words[8];  // little-endian words, [7] most significant
  Sha256dPrecomp pre;
};

/// Scans nonces first .. first+count-1 (count <= 2^32 - first) and writes candidates to `out`,
/// which must hold `count` entries. Returns the number written.
using ScanFn = std::size_t (*)(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                               std::uint32_t* out);

/// The most versions one rolled scan takes (callers chunk larger rolls).
inline constexpr int kMaxRolledVersions = 16;

/// Scans nonces first .. first+count-1 under each of `versions` (<= kMaxRolledVersions) jobs that differ only
/// in nVersion (same second block), sharing the per-nonce work between them; `out` must hold count * versions
/// entries.
using RolledScanFn = std::size_t (*)(const ScanJob* jobs, int versions, std::uint32_t first,
                                     std::uint64_t count, RolledCandidate* out);

/// Fills job.pre from job.header (portable code; called once per header or roll).
void precompute(ScanJob& job);

}  // namespace joulebench::miner::detail
