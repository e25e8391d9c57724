// Extranonce rolling: a coinbase transaction plus the merkle branch to the root, so the miner
// can make a fresh header (new merkle root) once all 2^32 nonces of one are exhausted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "joulebench/miner/block_header.hpp"

namespace joulebench::miner {

struct CoinbaseRoller {
  std::vector<std::uint8_t> coinbase;  ///< serialized coinbase transaction
  std::size_t extranonce_offset = 0;   ///< byte offset of a 4-byte little-endian extranonce
  std::vector<Hash256> merkle_branch;  ///< sibling hashes, leaf to root, internal byte order

  /// Merkle root after adding `roll` to the extranonce (roll 0 = the coinbase as given).
  [[nodiscard]] Hash256 merkle_root(std::uint64_t roll) const;
};

/// Parses `--coinbase HEX --extranonce-offset N [--merkle-branch H1,H2,...]`. Throws
/// std::invalid_argument naming the bad value.
CoinbaseRoller parse_coinbase(std::string_view coinbase_hex, std::size_t extranonce_offset,
                              std::string_view merkle_branch_csv);

}  // namespace joulebench::miner
