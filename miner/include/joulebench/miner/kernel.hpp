// The sha256d scan kernels, the dispatch table that picks one for this CPU, and a scanner that
// runs a kernel over a nonce range and confirms its candidates against OpenSSL.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/rolled_candidate.hpp"

namespace joulebench::miner {

namespace detail {
struct ScanJob;
}

/// One kernel: its name (for --kernel), what it needs from the CPU, and its entry point.
struct KernelInfo {
  std::string_view name;
  std::string_view description;
  std::string_view cpu_feature;  ///< what the CPU must have ("" for portable kernels)
  int lanes;                     ///< nonces hashed per step
  std::size_t (*scan)(const detail::ScanJob&, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
  bool (*cpu_supports)();
  /// Version rolling with hash 1's schedule shared between versions; null: one scan per version.
  std::size_t (*scan_rolled)(const detail::ScanJob* jobs, int versions, std::uint32_t first,
                             std::uint64_t count, RolledCandidate* out) = nullptr;
};

/// Every kernel built into this binary (the default is measured, see measured_kernel_choice).
std::span<const KernelInfo> all_kernels();
/// The kernels this CPU and OS can run, in table order.
std::vector<const KernelInfo*> supported_kernels();
/// The kernel named `name`. Throws std::invalid_argument for an unknown name (listing the
/// known ones) or when this CPU lacks the feature it needs (naming the feature).
const KernelInfo& find_kernel(std::string_view name);
/// How the default kernel was chosen: each supported kernel (but the OpenSSL oracle) scans a
/// few ms of nonces, three interleaved rounds, best rate each; the fastest wins. The order that
/// wins depends on the core and on what shares it (AVX-512's interleave needs spare slots a
/// busy sibling thread takes), so it is measured, not fixed.
struct KernelChoice {
  const KernelInfo* kernel = nullptr;
  std::vector<std::pair<std::string_view, double>> hashes_per_second;  ///< per candidate, same order
  std::string why;                                                     ///< one line for people
};
/// Measured once per process (the first call takes ~10-30 ms) and cached in the dispatch table.
const KernelChoice& measured_kernel_choice();
/// JOULEBENCH_KERNEL if set, else measured_kernel_choice().
const KernelInfo& default_kernel();

/// Checks `kernel` against `ref` on real and synthetic headers, including a range that ends at
/// nonce 2^32-1. Throws std::runtime_error naming the kernel and the first mismatch.
void self_test(const KernelInfo& kernel);

/// A header and target prepared for scanning (midstate etc. computed once).
class NonceScanner {
 public:
  NonceScanner(const KernelInfo& kernel, const BlockHeader& header, const Target& target);
  ~NonceScanner();
  NonceScanner(NonceScanner&&) noexcept;
  NonceScanner& operator=(NonceScanner&&) noexcept;

  /// Every nonce in [first, first + count) whose sha256d meets the target, ascending, each
  /// confirmed with OpenSSL. Requires first + count <= 2^32.
  [[nodiscard]] std::vector<std::uint32_t> scan(std::uint32_t first, std::uint64_t count) const;

  /// The kernel's raw early-test candidates (a superset of the hits); `out` holds count entries.
  std::size_t candidates(std::uint32_t first, std::uint64_t count, std::uint32_t* out) const;
  /// Full check of one nonce with OpenSSL; fills `hash` when given.
  bool confirm(std::uint32_t nonce, Hash256* hash = nullptr) const;

  [[nodiscard]] const KernelInfo& kernel() const { return *kernel_; }
  [[nodiscard]] const BlockHeader& header() const { return header_; }

 private:
  const KernelInfo* kernel_;
  BlockHeader header_;
  Target target_;
  std::unique_ptr<detail::ScanJob> job_;
};

/// BIP 320 version rolling: the nVersion bits a miner may change (bits 13-28 by default).
inline constexpr std::uint32_t kDefaultVersionMask = 0x1fffe000u;

/// The i-th version of a roll over `mask` starting at `base`: the mask bits of base read as a
/// number, plus i (wrapping within the mask), written back into the mask bits; other bits as in
/// base. version_at(base, mask, 0) == base.
std::uint32_t version_at(std::uint32_t base, std::uint32_t mask, std::uint64_t i);
/// How many versions a mask allows (2^popcount).
std::uint64_t versions_in(std::uint32_t mask);

/// A (version, nonce) pair whose header meets the target, confirmed with OpenSSL.
struct RolledHit {
  std::uint32_t version;
  std::uint32_t nonce;
  Hash256 hash;
};
/// The order VersionRollingScanner::scan returns hits in: by version, then nonce.
inline bool by_version_then_nonce(const RolledHit& a, const RolledHit& b) {
  return a.version != b.version ? a.version < b.version : a.nonce < b.nonce;
}

/// Scans nonces under several versions of one header (overt AsicBoost): each (version, nonce)
/// header is one hash; the kernel shares hash 1's block-2 schedule between the versions where it
/// can (KernelInfo::scan_rolled), else scans each version on its own.
class VersionRollingScanner {
 public:
  /// Versions version_at(header.version, mask, 0 .. versions-1). Throws std::invalid_argument
  /// for an empty mask or more versions than the mask allows, naming the value.
  VersionRollingScanner(const KernelInfo& kernel, const BlockHeader& header, const Target& target,
                        std::uint32_t mask, std::uint64_t versions);

  /// Every (version, nonce) with nonce in [first, first + count) that meets the target, by
  /// version then nonce. first + count <= 2^32.
  [[nodiscard]] std::vector<RolledHit> scan(std::uint32_t first, std::uint64_t count) const;
  /// The hits of every version among these nonces, each confirmed with OpenSSL, in kernel
  /// order; `buffer` holds count * 16 entries (a caller scanning often keeps one).
  [[nodiscard]] std::vector<RolledHit> confirmed(std::uint32_t first, std::uint64_t count,
                                                 RolledCandidate* buffer) const;
  /// Raw kernel candidates of versions [v0, v0 + n) (n <= 16) into out (count * n entries), as
  /// (nonce, version index from v0); for benchmarks.
  std::size_t candidates(std::uint64_t v0, int n, std::uint32_t first, std::uint64_t count,
                         RolledCandidate* out) const;
  [[nodiscard]] std::uint64_t versions() const { return versions_; }
  [[nodiscard]] std::uint32_t version(std::uint64_t i) const {
    return version_at(static_cast<std::uint32_t>(header_.version), mask_, i);
  }
  [[nodiscard]] const KernelInfo& kernel() const { return *kernel_; }
  [[nodiscard]] const BlockHeader& header() const { return header_; }

 private:
  const KernelInfo* kernel_;
  BlockHeader header_;
  Target target_;
  std::uint32_t mask_;
  std::uint64_t versions_;
};

}  // namespace joulebench::miner
