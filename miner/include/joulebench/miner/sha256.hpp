// SHA-256 and double SHA-256 through OpenSSL: the reference every fast kernel is checked against.
#pragma once

#include <cstddef>
#include <cstdint>

#include "joulebench/miner/block_header.hpp"

namespace joulebench::miner {

/// SHA-256 of `size` bytes (OpenSSL one-shot).
Hash256 sha256(const std::uint8_t* data, std::size_t size);
/// SHA-256 applied twice, as Bitcoin hashes headers and transactions.
Hash256 sha256d(const std::uint8_t* data, std::size_t size);

/// One SHA-256 compression of a 64-byte block into `state` (portable C++), used for midstates.
void sha256_compress(std::uint32_t state[8], const std::uint8_t block[64]);

}  // namespace joulebench::miner
