// Bitcoin block headers (80 bytes), 256-bit targets from compact nBits or a pool difficulty,
// and the double-SHA-256 block hash in Bitcoin's reversed display order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace joulebench::miner {

/// 32 raw digest bytes as SHA-256 outputs them (display order is reversed).
using Hash256 = std::array<std::uint8_t, 32>;

/// 256-bit unsigned target as 8 little-endian 32-bit words (word 7 most significant).
struct Target {
  std::array<std::uint32_t, 8> words{};

  /// Bits 224..255: what a kernel's early test compares the final digest word against.
  [[nodiscard]] std::uint32_t top_word() const { return words[7]; }
  /// Big-endian hex with 64 digits, as block explorers print targets.
  [[nodiscard]] std::string to_hex() const;
  bool operator==(const Target&) const = default;
};

/// An 80-byte header; fields in host order, serialized little-endian as Bitcoin does.
struct BlockHeader {
  std::int32_t version = 0;
  Hash256 prev_hash{};    ///< raw (internal) byte order
  Hash256 merkle_root{};  ///< raw (internal) byte order
  std::uint32_t time = 0;
  std::uint32_t bits = 0;
  std::uint32_t nonce = 0;

  [[nodiscard]] std::array<std::uint8_t, 80> serialize() const;
  [[nodiscard]] std::string to_hex() const;
};

/// Parses 160 hex characters in the byte order of `getblockheader <hash> false`.
/// Throws std::invalid_argument naming the bad value and the fix.
BlockHeader parse_header_hex(std::string_view hex);
BlockHeader parse_header_bytes(const std::array<std::uint8_t, 80>& bytes);

/// Bitcoin's compact nBits → target (arith_uint256::SetCompact). Throws std::invalid_argument
/// for negative, overflowing or zero targets, naming the value.
Target target_from_compact(std::uint32_t bits);
/// Parses a compact value written as hex ("1d00ffff" or "0x1d00ffff").
std::uint32_t parse_compact_hex(std::string_view hex);
/// Pool share target for difficulty `d` (> 0): the difficulty-1 target (0x1d00ffff) / d.
Target target_from_difficulty(double difficulty);

/// sha256d of the serialized header (OpenSSL).
Hash256 block_hash(const BlockHeader& header);
/// True when the hash, read as a little-endian 256-bit integer, is <= target.
bool hash_meets_target(const Hash256& hash, const Target& target);
/// Reversed hex, as block explorers and bitcoind print block hashes.
std::string display_hex(const Hash256& hash);

/// Lowercase hex of raw bytes; hex → bytes (throws std::invalid_argument on bad input).
std::string to_hex(const std::uint8_t* data, std::size_t size);
/// `what` names the value in error messages ("header", "coinbase").
std::vector<std::uint8_t> hex_to_bytes(std::string_view hex, std::string_view what);

}  // namespace joulebench::miner
