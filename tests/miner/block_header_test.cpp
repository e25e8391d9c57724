// Header parsing, compact targets, difficulty and SHA-256 against FIPS 180-4 and real blocks.
#include "joulebench/miner/block_header.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "joulebench/miner/sha256.hpp"
#include "test_support.hpp"

namespace joulebench::miner {
namespace {

std::string sha_hex(const std::string& msg) {
  const Hash256 h = sha256(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size());
  return to_hex(h.data(), h.size());
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(sha_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PortableCompressionMatchesOpenSsl) {
  // "abc" padded to one block: the portable compression from the IV must give the FIPS digest.
  std::uint8_t block[64] = {'a', 'b', 'c', 0x80};
  block[63] = 24;
  std::uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  sha256_compress(state, block);
  EXPECT_EQ(state[0], 0xba7816bfu);
  EXPECT_EQ(state[7], 0xf20015adu);
}

TEST(BlockHeader, RealHeadersHashRoundTripAndFields) {
  for (const auto& h : testing::real_headers()) {
    SCOPED_TRACE(h["network"].get<std::string>() + " " + std::to_string(h["height"].get<int>()));
    const BlockHeader header = parse_header_hex(h["header_hex"].get<std::string>());
    EXPECT_EQ(header.to_hex(), h["header_hex"].get<std::string>());
    EXPECT_EQ(display_hex(block_hash(header)), h["hash"].get<std::string>());
    EXPECT_EQ(header.nonce, h["nonce"].get<std::uint32_t>());
    EXPECT_EQ(header.time, h["time"].get<std::uint32_t>());
    EXPECT_EQ(static_cast<std::uint32_t>(header.version), h["version"].get<std::uint32_t>());
    EXPECT_EQ(display_hex(header.prev_hash), h["prev_hash"].get<std::string>());
    EXPECT_EQ(header.bits, parse_compact_hex(h["bits"].get<std::string>()));
    EXPECT_TRUE(hash_meets_target(block_hash(header), target_from_compact(header.bits)));
    if (target_from_compact(header.bits).top_word() == 0) {  // regtest passes half of all hashes
      BlockHeader wrong = header;
      wrong.nonce ^= 1;
      EXPECT_FALSE(hash_meets_target(block_hash(wrong), target_from_compact(header.bits)));
    }
  }
}

TEST(BlockHeader, BadHexIsRejectedWithTheReason) {
  const std::string good = testing::kGenesisHex;
  EXPECT_THROW(parse_header_hex(good.substr(0, 158)), std::invalid_argument);
  try {
    parse_header_hex(good.substr(0, 159));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("159"), std::string::npos);
  }
  std::string bad = good;
  bad[10] = 'g';
  try {
    parse_header_hex(bad);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'g' at position 10"), std::string::npos);
  }
}

TEST(CompactTarget, MatchesBitcoinCoreSetCompact) {
  EXPECT_EQ(target_from_compact(0x1d00ffff).to_hex(),
            "00000000ffff0000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(target_from_compact(0x1b04864c).to_hex(),
            "000000000004864c000000000000000000000000000000000000000000000000");
  EXPECT_EQ(target_from_compact(0x17053894).to_hex(),
            "0000000000000000000538940000000000000000000000000000000000000000");
  EXPECT_EQ(target_from_compact(0x207fffff).to_hex(),
            "7fffff0000000000000000000000000000000000000000000000000000000000");
  // Exponents below 3 shift the mantissa right (Bitcoin Core arith_uint256 tests).
  EXPECT_EQ(target_from_compact(0x01123456).words[0], 0x12u);
  EXPECT_EQ(target_from_compact(0x02123456).words[0], 0x1234u);
  EXPECT_EQ(target_from_compact(0x03123456).words[0], 0x123456u);
  EXPECT_EQ(target_from_compact(0x04123456).words[0], 0x12345600u);
  EXPECT_EQ(target_from_compact(0x05009234).words[0], 0x92340000u);
  // A mantissa straddling two 32-bit words: 0x123456 << 24.
  const Target t = target_from_compact(0x06123456);
  EXPECT_EQ(t.words[0], 0x56000000u);
  EXPECT_EQ(t.words[1], 0x1234u);
}

TEST(CompactTarget, RejectsNegativeOverflowAndZero) {
  for (std::uint32_t bits : {0x04923456u, 0x01fedcbau, 0xff123456u, 0x21010000u, 0x22000100u, 0x00000000u,
                             0x01003456u, 0x1d000000u}) {
    SCOPED_TRACE(bits);
    try {
      (void)target_from_compact(bits);
      FAIL() << "accepted";
    } catch (const std::invalid_argument& e) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08x", bits);
      EXPECT_NE(std::string(e.what()).find(hex), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW((void)target_from_compact(0x20ffff00u & 0x207fffffu));
}

TEST(Difficulty, ScalesTheDifficultyOneTarget) {
  EXPECT_EQ(target_from_difficulty(1.0), target_from_compact(0x1d00ffff));
  EXPECT_EQ(target_from_difficulty(256.0).to_hex(),
            "0000000000ffff00000000000000000000000000000000000000000000000000");
  EXPECT_EQ(target_from_difficulty(1.0 / 65536).to_hex(),
            "0000ffff00000000000000000000000000000000000000000000000000000000");
  EXPECT_THROW(target_from_difficulty(0), std::invalid_argument);
  EXPECT_THROW(target_from_difficulty(-1), std::invalid_argument);
  EXPECT_EQ(target_from_difficulty(1e-30).top_word(), 0xffffffffu);  // saturates
}

TEST(CompactTarget, ParsesHexWithOrWithoutPrefix) {
  EXPECT_EQ(parse_compact_hex("1d00ffff"), 0x1d00ffffu);
  EXPECT_EQ(parse_compact_hex("0x1d00ffff"), 0x1d00ffffu);
  EXPECT_THROW(parse_compact_hex("1d00ffff00"), std::invalid_argument);
  EXPECT_THROW(parse_compact_hex("zz"), std::invalid_argument);
  EXPECT_THROW(parse_compact_hex(""), std::invalid_argument);
}

}  // namespace
}  // namespace joulebench::miner
