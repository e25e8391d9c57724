// Coinbase extranonce rolling and merkle-root recomputation (Bitcoin's sha256d pair hashing).
#include "joulebench/miner/coinbase.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "joulebench/miner/sha256.hpp"

namespace joulebench::miner {

Hash256 CoinbaseRoller::merkle_root(std::uint64_t roll) const {
  std::vector<std::uint8_t> tx = coinbase;
  std::uint32_t extranonce = 0;
  for (int i = 0; i < 4; ++i) extranonce |= static_cast<std::uint32_t>(tx[extranonce_offset + i]) << (8 * i);
  extranonce += static_cast<std::uint32_t>(roll);
  for (int i = 0; i < 4; ++i) tx[extranonce_offset + i] = static_cast<std::uint8_t>(extranonce >> (8 * i));
  Hash256 node = sha256d(tx.data(), tx.size());
  std::uint8_t pair[64];
  for (const Hash256& sibling : merkle_branch) {
    std::memcpy(pair, node.data(), 32);
    std::memcpy(pair + 32, sibling.data(), 32);
    node = sha256d(pair, sizeof pair);
  }
  return node;
}

CoinbaseRoller parse_coinbase(std::string_view coinbase_hex, std::size_t extranonce_offset,
                              std::string_view merkle_branch_csv) {
  CoinbaseRoller roller;
  roller.coinbase = hex_to_bytes(coinbase_hex, "coinbase");
  if (extranonce_offset + 4 > roller.coinbase.size()) {
    throw std::invalid_argument("extranonce offset " + std::to_string(extranonce_offset) +
                                " leaves no room for a 4-byte extranonce in a " +
                                std::to_string(roller.coinbase.size()) +
                                "-byte coinbase; give an offset of at most " +
                                std::to_string(roller.coinbase.size() < 4 ? 0 : roller.coinbase.size() - 4));
  }
  roller.extranonce_offset = extranonce_offset;
  std::size_t pos = 0;
  while (pos < merkle_branch_csv.size()) {
    const std::size_t comma = std::min(merkle_branch_csv.find(',', pos), merkle_branch_csv.size());
    const auto bytes = hex_to_bytes(merkle_branch_csv.substr(pos, comma - pos), "merkle branch hash");
    if (bytes.size() != 32) {
      throw std::invalid_argument("merkle branch hash #" + std::to_string(roller.merkle_branch.size() + 1) +
                                  " has " + std::to_string(bytes.size()) +
                                  " bytes, expected 32 (64 hex digits, internal byte order)");
    }
    Hash256 h;
    std::memcpy(h.data(), bytes.data(), 32);
    roller.merkle_branch.push_back(h);
    pos = comma + 1;
  }
  return roller;
}

}  // namespace joulebench::miner
