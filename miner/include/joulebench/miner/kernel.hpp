// The sha256d scan kernels, the dispatch table that picks one for this CPU, and a scanner that
// runs a kernel over a nonce range and confirms its candidates against OpenSSL.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "joulebench/miner/block_header.hpp"

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
};

/// Every kernel built into this binary, fastest first (order measured on Zen 5, see README).
std::span<const KernelInfo> all_kernels();
/// The kernels this CPU and OS can run, fastest first.
std::vector<const KernelInfo*> supported_kernels();
/// The kernel named `name`. Throws std::invalid_argument for an unknown name (listing the
/// known ones) or when this CPU lacks the feature it needs (naming the feature).
const KernelInfo& find_kernel(std::string_view name);
/// JOULEBENCH_KERNEL if set, else the fastest kernel this CPU supports.
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

}  // namespace joulebench::miner
