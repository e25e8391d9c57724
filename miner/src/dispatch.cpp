// The kernel table (the module's only global state), CPU checks, the scanner and the self-test.
#include <algorithm>
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

// Fastest first, as measured on Zen 5 with `joulebench mine --kernel K` (see README):
// avx512 (2x16 lanes) > avx512-1x16 > shani > avx2 > scalar > ref.
constexpr KernelInfo kKernels[] = {
#if JOULEBENCH_BUILT_AVX512
    {"avx512", "AVX-512, 2 interleaved groups of 16 nonces", "avx512f+avx512bw", 32, detail::scan_avx512,
     has_avx512},
    {"avx512-1x16", "AVX-512, one group of 16 nonces", "avx512f+avx512bw", 16, detail::scan_avx512_1x16,
     has_avx512},
#endif
#if JOULEBENCH_BUILT_SHANI
    {"shani", "SHA-NI, 2 interleaved nonces", "sha", 2, detail::scan_shani, has_sha},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"avx2", "AVX2, 8 nonces per register", "avx2", 8, detail::scan_avx2, has_avx2},
#endif
    {"scalar", "portable C++ with midstate and early reject", "", 1, detail::scan_scalar, always},
    {"ref", "OpenSSL SHA256 twice over 80 bytes per nonce (baseline, oracle)", "", 1, detail::scan_ref,
     always},
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

const KernelInfo& default_kernel() {
  if (const char* forced = std::getenv("JOULEBENCH_KERNEL"); forced != nullptr && *forced != 0) {
    return find_kernel(forced);
  }
  return *supported_kernels().front();
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

}  // namespace joulebench::miner
