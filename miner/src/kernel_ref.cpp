// `ref` kernel: OpenSSL SHA-256 twice over all 80 bytes per nonce, full target compare.
// The honest naive baseline, and the oracle the other kernels are tested against.
#include <cstring>

#include "detail/kernels.hpp"
#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/sha256.hpp"

namespace joulebench::miner::detail {

std::size_t scan_ref(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  std::uint8_t header[80];
  std::memcpy(header, job.header, sizeof header);
  Target target;
  std::memcpy(target.words.data(), job.target_words, sizeof job.target_words);
  std::size_t found = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto nonce = static_cast<std::uint32_t>(first + i);
    for (int b = 0; b < 4; ++b) header[76 + b] = static_cast<std::uint8_t>(nonce >> (8 * b));
    if (hash_meets_target(sha256d(header, sizeof header), target)) out[found++] = nonce;
  }
  return found;
}

}  // namespace joulebench::miner::detail
