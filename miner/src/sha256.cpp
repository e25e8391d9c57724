// OpenSSL SHA-256 (the oracle) and a portable compression function for midstates.
#include "joulebench/miner/sha256.hpp"

#include <openssl/sha.h>

#include "detail/sha256_scalar.hpp"

namespace joulebench::miner {

Hash256 sha256(const std::uint8_t* data, std::size_t size) {
  Hash256 out;
  SHA256(data, size, out.data());
  return out;
}

Hash256 sha256d(const std::uint8_t* data, std::size_t size) {
  const Hash256 first = sha256(data, size);
  return sha256(first.data(), first.size());
}

void sha256_compress(std::uint32_t state[8], const std::uint8_t block[64]) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = static_cast<std::uint32_t>(block[4 * i]) << 24 |
           static_cast<std::uint32_t>(block[4 * i + 1]) << 16 |
           static_cast<std::uint32_t>(block[4 * i + 2]) << 8 | block[4 * i + 3];
  }
  for (int i = 16; i < 64; ++i)
    w[i] = detail::ssig1(w[i - 2]) + w[i - 7] + detail::ssig0(w[i - 15]) + w[i - 16];
  std::uint32_t s[8];
  for (int i = 0; i < 8; ++i) s[i] = state[i];
  for (int i = 0; i < 64; ++i) detail::round(s, detail::kRoundConstants[i] + w[i]);
  for (int i = 0; i < 8; ++i) state[i] += s[i];
}

}  // namespace joulebench::miner
