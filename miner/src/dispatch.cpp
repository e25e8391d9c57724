// The kernel table (the module's only global state), CPU checks, the scanner and the self-test.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "detail/kernels.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/miner/sha256.hpp"
#include "joulebench/platform/cpu_features.hpp"

namespace joulebench::miner {
namespace {

using platform::cpu_features;

bool always() { return true; }
[[maybe_unused]] bool has_sha() { return cpu_features().sha; }
[[maybe_unused]] bool has_avx2() { return cpu_features().avx2; }
[[maybe_unused]] bool has_avx512() { return cpu_features().avx512f && cpu_features().avx512bw; }
[[maybe_unused]] bool has_arm_sha2() { return cpu_features().arm_sha2; }
[[maybe_unused]] bool has_neon() { return cpu_features().asimd; }

// The default is not this order but a measurement at start-up (measured_kernel_choice): which
// kernel is fastest depends on the core and on what shares it. Listed widest first.
constexpr KernelInfo kKernels[] = {
#if JOULEBENCH_BUILT_AVX512
    {"avx512", "AVX-512, 2 interleaved groups of 16 nonces, additions ordered for latency",
     "avx512f+avx512bw", 32, detail::scan_avx512, has_avx512, detail::scan_avx512_rolled},
    {"avx512-textbook", "AVX-512, 2 interleaved groups of 16 nonces, fewest additions (2 per round fewer)",
     "avx512f+avx512bw", 32, detail::scan_avx512_textbook, has_avx512, detail::scan_avx512_textbook_rolled},
    {"avx512-1x16", "AVX-512, one group of 16 nonces", "avx512f+avx512bw", 16, detail::scan_avx512_1x16,
     has_avx512, nullptr},
#endif
#if JOULEBENCH_BUILT_SHANI
    {"shani", "SHA-NI, 4 interleaved nonces, round 3 pre-hashed", "sha", 4, detail::scan_shani, has_sha,
     detail::scan_shani_rolled},
    {"shani-3x", "SHA-NI, 3 interleaved nonces, round 3 pre-hashed", "sha", 3, detail::scan_shani_3x, has_sha,
     detail::scan_shani_3x_rolled},
    {"shani-2x", "SHA-NI, 2 interleaved nonces, round 3 pre-hashed", "sha", 2, detail::scan_shani_2x, has_sha,
     detail::scan_shani_2x_rolled},

#endif
#if JOULEBENCH_BUILT_ARM_SHA2
    {"arm-sha2-2x", "Armv8 SHA2 instructions, 2 interleaved nonces, rounds 0-3 pre-hashed", "sha2", 2,
     detail::scan_arm_sha2_2x, has_arm_sha2, detail::scan_arm_sha2_2x_rolled},
    {"arm-sha2", "Armv8 SHA2 instructions, one nonce, rounds 0-3 pre-hashed", "sha2", 1,
     detail::scan_arm_sha2, has_arm_sha2, detail::scan_arm_sha2_rolled},
#endif
#if JOULEBENCH_BUILT_NEON
    {"neon", "Advanced SIMD, 4 nonces per register", "asimd", 4, detail::scan_neon, has_neon,
     detail::scan_neon_rolled},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"avx2", "AVX2, 8 nonces per register", "avx2", 8, detail::scan_avx2, has_avx2, detail::scan_avx2_rolled},
#endif
    {"scalar", "portable C++ with midstate and early reject", "", 1, detail::scan_scalar, always,
     detail::scan_scalar_rolled},
    {"ref", "OpenSSL SHA256 twice over 80 bytes per nonce (baseline, oracle)", "", 1, detail::scan_ref,
     always, nullptr},
};

std::string known_names() {
  std::string names;
  for (const auto& k : kKernels) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

detail::ScanJob make_job(const BlockHeader& header, const Target& target) {
  detail::ScanJob job{};
  const auto bytes = header.serialize();
  std::memcpy(job.header, bytes.data(), bytes.size());
  std::memcpy(job.target_words, target.words.data(), sizeof job.target_words);
  detail::precompute(job);
  return job;
}

}  // namespace

std::span<const KernelInfo> all_kernels() { return kKernels; }

std::vector<const KernelInfo*> supported_kernels() {
  std::vector<const KernelInfo*> out;
  for (const auto& k : kKernels) {
    if (k.cpu_supports()) out.push_back(&k);
  }
  return out;
}

const KernelInfo& find_kernel(std::string_view name) {
  const auto it = std::find_if(std::begin(kKernels), std::end(kKernels),
                               [&](const KernelInfo& k) { return k.name == name; });
  if (it == std::end(kKernels)) {
    throw std::invalid_argument("unknown kernel '" + std::string(name) +
                                "'; choose one of: " + known_names());
  }
  if (!it->cpu_supports()) {
    throw std::invalid_argument("kernel '" + std::string(name) + "' needs the CPU feature " +
                                std::string(it->cpu_feature) +
                                ", which this CPU (or OS) does not provide; pick another with "
                                "--kernel or omit it to auto-select");
  }
  return *it;
}

namespace {

// Chunks of 16384 nonces until 2 ms have passed: a single chunk took 0.3 ms for the AVX-512
// kernels on Zen 5, short enough that one lucky slice picked a kernel 10% slower in 1 of 10 starts.
double scan_rate(const KernelInfo& k, const detail::ScanJob& job, std::vector<std::uint32_t>& out) {
  constexpr std::uint64_t kChunk = 16384;
  constexpr auto kMinimum = std::chrono::milliseconds(2);
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  auto elapsed = std::chrono::steady_clock::duration::zero();
  do {
    (void)k.scan(job, (1u << 20) + static_cast<std::uint32_t>(done), kChunk, out.data());
    done += kChunk;
    elapsed = std::chrono::steady_clock::now() - t0;
  } while (elapsed < kMinimum);
  return static_cast<double>(done) / std::chrono::duration<double>(elapsed).count();  // >= 2 ms
}

KernelChoice measure_choice() {
  KernelChoice c;
  std::vector<const KernelInfo*> candidates;
  for (const KernelInfo* k : supported_kernels())
    if (k->name != "ref") candidates.push_back(k);
  BlockHeader h;
  h.bits = 0x1d00ffff;
  const detail::ScanJob job = make_job(h, target_from_compact(h.bits));
  std::vector<std::uint32_t> out(16384);
  // Round 0 measures every kernel; the ones within 70% of the fastest go on for 4 more
  // interleaved rounds and are ranked by their best round (noise only slows a round; inside
  // `mine` a round read half the kernel's speed). Two kernels 10% apart, ranked by the best of 3
  // rounds of 16384 nonces, swapped in 1 of 10 starts.
  std::vector<double> best(candidates.size(), 0);
  for (std::size_t i = 0; i < candidates.size(); ++i) best[i] = scan_rate(*candidates[i], job, out);
  const double lead = best.empty() ? 0 : *std::max_element(best.begin(), best.end());
  for (int round = 1; round < 5; ++round)
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (best[i] >= 0.7 * lead) best[i] = std::max(best[i], scan_rate(*candidates[i], job, out));
  std::size_t win = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    c.hashes_per_second.emplace_back(candidates[i]->name, best[i]);
    if (best[i] > best[win]) win = i;
  }
  c.kernel = candidates.empty() ? &find_kernel("ref") : candidates[win];
  c.why = "fastest of " + std::to_string(candidates.size()) +
          " measured at start-up (rounds of at least 2 ms; the best of 5 interleaved for those within 70% "
          "of the fastest)";
  return c;
}

}  // namespace

const KernelChoice& measured_kernel_choice() {
  static const KernelChoice choice = measure_choice();  // part of the dispatch table: set once
  return choice;
}

const KernelInfo& default_kernel() {
  if (const char* forced = std::getenv("JOULEBENCH_KERNEL"); forced != nullptr && *forced != 0) {
    return find_kernel(forced);
  }
  return *measured_kernel_choice().kernel;
}

NonceScanner::NonceScanner(const KernelInfo& kernel, const BlockHeader& header, const Target& target)
    : kernel_(&kernel),
      header_(header),
      target_(target),
      job_(std::make_unique<detail::ScanJob>(make_job(header, target))) {}

NonceScanner::~NonceScanner() = default;
NonceScanner::NonceScanner(NonceScanner&&) noexcept = default;
NonceScanner& NonceScanner::operator=(NonceScanner&&) noexcept = default;

std::size_t NonceScanner::candidates(std::uint32_t first, std::uint64_t count, std::uint32_t* out) const {
  return kernel_->scan(*job_, first, count, out);
}

bool NonceScanner::confirm(std::uint32_t nonce, Hash256* hash) const {
  BlockHeader h = header_;
  h.nonce = nonce;
  const Hash256 digest = block_hash(h);
  if (hash != nullptr) *hash = digest;
  return hash_meets_target(digest, target_);
}

std::vector<std::uint32_t> NonceScanner::scan(std::uint32_t first, std::uint64_t count) const {
  if (first + count > (1ull << 32)) {
    throw std::invalid_argument("nonce range start " + std::to_string(first) + " + count " +
                                std::to_string(count) + " passes 2^32; shorten the count");
  }
  std::vector<std::uint32_t> buffer(count);
  buffer.resize(candidates(first, count, buffer.data()));
  std::erase_if(buffer, [&](std::uint32_t n) { return !confirm(n); });
  std::sort(buffer.begin(), buffer.end());
  return buffer;
}

std::uint64_t versions_in(std::uint32_t mask) { return 1ull << __builtin_popcount(mask); }

std::uint32_t version_at(std::uint32_t base, std::uint32_t mask, std::uint64_t i) {
  // The mask bits of base as a number (pext), plus i, spread back over the mask bits (pdep).
  std::uint64_t value = 0;
  int k = 0;
  for (int bit = 0; bit < 32; ++bit)
    if (mask >> bit & 1u) value |= static_cast<std::uint64_t>(base >> bit & 1u) << k++;
  value = (value + i) & (versions_in(mask) - 1);
  std::uint32_t out = base & ~mask;
  k = 0;
  for (int bit = 0; bit < 32; ++bit)
    if (mask >> bit & 1u) out |= static_cast<std::uint32_t>(value >> k++ & 1u) << bit;
  return out;
}

VersionRollingScanner::VersionRollingScanner(const KernelInfo& kernel, const BlockHeader& header,
                                             const Target& target, std::uint32_t mask, std::uint64_t versions)
    : kernel_(&kernel), header_(header), target_(target), mask_(mask), versions_(versions) {
  if (mask == 0)
    throw std::invalid_argument("version-rolling mask 0x0 allows no rolled bits; BIP 320 uses 0x1fffe000");
  if (versions == 0 || versions > versions_in(mask)) {
    throw std::invalid_argument("--versions " + std::to_string(versions) + ": the mask allows 1.." +
                                std::to_string(versions_in(mask)) + " versions per nonce");
  }
}

std::size_t VersionRollingScanner::candidates(std::uint64_t v0, int n, std::uint32_t first,
                                              std::uint64_t count, RolledCandidate* out) const {
  detail::ScanJob jobs[detail::kMaxRolledVersions];
  for (int v = 0; v < n; ++v) {
    BlockHeader h = header_;
    h.version = static_cast<std::int32_t>(version(v0 + static_cast<std::uint64_t>(v)));
    jobs[v] = make_job(h, target_);
  }
  if (kernel_->scan_rolled != nullptr) return kernel_->scan_rolled(jobs, n, first, count, out);
  // No shared-schedule variant: one plain scan per version.
  std::size_t found = 0;
  std::vector<std::uint32_t> nonces(count);
  for (int v = 0; v < n; ++v) {
    const std::size_t k = kernel_->scan(jobs[v], first, count, nonces.data());
    for (std::size_t i = 0; i < k; ++i) out[found++] = {nonces[i], static_cast<std::uint32_t>(v)};
  }
  return found;
}

std::vector<RolledHit> VersionRollingScanner::confirmed(std::uint32_t first, std::uint64_t count,
                                                        RolledCandidate* buffer) const {
  std::vector<RolledHit> hits;
  for (std::uint64_t v0 = 0; v0 < versions_; v0 += detail::kMaxRolledVersions) {
    const int n = static_cast<int>(std::min<std::uint64_t>(detail::kMaxRolledVersions, versions_ - v0));
    const std::size_t k = candidates(v0, n, first, count, buffer);
    for (std::size_t i = 0; i < k; ++i) {
      BlockHeader h = header_;
      h.version = static_cast<std::int32_t>(version(v0 + buffer[i].version_index));
      h.nonce = buffer[i].nonce;
      const Hash256 digest = block_hash(h);  // OpenSSL: every candidate confirmed
      if (hash_meets_target(digest, target_))
        hits.push_back({static_cast<std::uint32_t>(h.version), h.nonce, digest});
    }
  }
  return hits;
}

std::vector<RolledHit> VersionRollingScanner::scan(std::uint32_t first, std::uint64_t count) const {
  if (first + count > (1ull << 32)) {
    throw std::invalid_argument("nonce range start " + std::to_string(first) + " + count " +
                                std::to_string(count) + " passes 2^32; shorten the count");
  }
  std::vector<RolledCandidate> buffer(count * detail::kMaxRolledVersions);
  std::vector<RolledHit> hits = confirmed(first, count, buffer.data());
  std::sort(hits.begin(), hits.end(), by_version_then_nonce);
  return hits;
}

}  // namespace joulebench::miner
