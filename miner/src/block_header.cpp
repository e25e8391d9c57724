// Header (de)serialization, compact targets and pool difficulty, per Bitcoin Core's rules.
#include "joulebench/miner/block_header.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "joulebench/miner/sha256.hpp"

namespace joulebench::miner {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::uint32_t read_le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

void write_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::string compact_hex(std::uint32_t bits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", bits);
  return buf;
}

}  // namespace

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

std::vector<std::uint8_t> hex_to_bytes(std::string_view hex, std::string_view what) {
  if (hex.size() % 2 != 0) {
    throw std::invalid_argument(std::string(what) + " '" + std::string(hex.substr(0, 32)) +
                                (hex.size() > 32 ? "..." : "") + "' has an odd number of hex digits (" +
                                std::to_string(hex.size()) + "); give whole bytes, two digits each");
  }
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int d = hex_digit(hex[i]);
    if (d < 0) {
      throw std::invalid_argument(std::string(what) + " has a non-hex character '" + std::string(1, hex[i]) +
                                  "' at position " + std::to_string(i) + "; use only 0-9 and a-f");
    }
    out[i / 2] = static_cast<std::uint8_t>(out[i / 2] << 4 | d);
  }
  return out;
}

std::array<std::uint8_t, 80> BlockHeader::serialize() const {
  std::array<std::uint8_t, 80> b{};
  write_le32(b.data(), static_cast<std::uint32_t>(version));
  std::memcpy(b.data() + 4, prev_hash.data(), 32);
  std::memcpy(b.data() + 36, merkle_root.data(), 32);
  write_le32(b.data() + 68, time);
  write_le32(b.data() + 72, bits);
  write_le32(b.data() + 76, nonce);
  return b;
}

std::string BlockHeader::to_hex() const {
  const auto b = serialize();
  return miner::to_hex(b.data(), b.size());
}

BlockHeader parse_header_bytes(const std::array<std::uint8_t, 80>& b) {
  BlockHeader h;
  h.version = static_cast<std::int32_t>(read_le32(b.data()));
  std::memcpy(h.prev_hash.data(), b.data() + 4, 32);
  std::memcpy(h.merkle_root.data(), b.data() + 36, 32);
  h.time = read_le32(b.data() + 68);
  h.bits = read_le32(b.data() + 72);
  h.nonce = read_le32(b.data() + 76);
  return h;
}

BlockHeader parse_header_hex(std::string_view hex) {
  if (hex.size() != 160) {
    throw std::invalid_argument("header has " + std::to_string(hex.size()) +
                                " hex characters, expected 160 (80 bytes); pass the output of "
                                "`bitcoin-cli getblockheader <hash> false`");
  }
  const auto bytes = hex_to_bytes(hex, "header");
  std::array<std::uint8_t, 80> raw{};
  std::copy(bytes.begin(), bytes.end(), raw.begin());
  return parse_header_bytes(raw);
}

Target target_from_compact(std::uint32_t bits) {
  const std::uint32_t size = bits >> 24;
  std::uint32_t word = bits & 0x007fffff;
  if (word != 0 && (bits & 0x00800000) != 0) {
    throw std::invalid_argument("compact bits 0x" + compact_hex(bits) +
                                " encode a negative target (sign bit 0x00800000 set); use a "
                                "mantissa below 0x800000, e.g. 0x1d00ffff");
  }
  if (word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))) {
    throw std::invalid_argument("compact bits 0x" + compact_hex(bits) + " overflow 256 bits (exponent " +
                                std::to_string(size) +
                                " too large); use an exponent of at most 0x20, e.g. 0x207fffff");
  }
  Target t;
  if (size <= 3) {
    word >>= 8 * (3 - size);
    t.words[0] = word;
  } else {
    // Place the 24-bit mantissa at byte offset size-3, possibly straddling two words.
    const std::uint32_t shift = 8 * (size - 3);
    const std::uint64_t wide = static_cast<std::uint64_t>(word) << (shift % 32);
    const std::uint32_t index = shift / 32;
    if (index < 8) t.words[index] = static_cast<std::uint32_t>(wide);
    if (index + 1 < 8) t.words[index + 1] = static_cast<std::uint32_t>(wide >> 32);
  }
  if (std::all_of(t.words.begin(), t.words.end(), [](std::uint32_t w) { return w == 0; })) {
    throw std::invalid_argument("compact bits 0x" + compact_hex(bits) +
                                " give a zero target that no hash can meet; use a nonzero mantissa");
  }
  return t;
}

std::uint32_t parse_compact_hex(std::string_view hex) {
  std::string_view digits = hex;
  if (digits.starts_with("0x") || digits.starts_with("0X")) digits.remove_prefix(2);
  if (digits.empty() || digits.size() > 8 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return hex_digit(c) >= 0; })) {
    throw std::invalid_argument("compact bits '" + std::string(hex) +
                                "' are not 1-8 hex digits; write them like 1d00ffff");
  }
  std::uint32_t v = 0;
  for (char c : digits) v = v << 4 | static_cast<std::uint32_t>(hex_digit(c));
  return v;
}

Target target_from_difficulty(double difficulty) {
  if (!(difficulty > 0) || !std::isfinite(difficulty)) {
    throw std::invalid_argument("difficulty " + std::to_string(difficulty) +
                                " is not a positive finite number; use e.g. 1, 0.001 or 65536");
  }
  // difficulty-1 target = 0xffff * 2^208; long double keeps 64 mantissa bits, more than a
  // share target needs.
  long double rest = std::ldexp(static_cast<long double>(0xffff) / difficulty, 208);
  Target t;
  if (rest >= std::ldexp(1.0L, 256)) {
    t.words.fill(0xffffffffu);
    return t;
  }
  for (int i = 7; i >= 0; --i) {
    const long double unit = std::ldexp(1.0L, 32 * i);
    const long double w = std::floor(rest / unit);
    t.words[i] = static_cast<std::uint32_t>(w);
    rest -= w * unit;
  }
  if (std::all_of(t.words.begin(), t.words.end(), [](std::uint32_t w) { return w == 0; })) {
    throw std::invalid_argument("difficulty " + std::to_string(difficulty) +
                                " is so high the target is zero; use a smaller difficulty");
  }
  return t;
}

std::string Target::to_hex() const {
  std::string out;
  char buf[9];
  for (int i = 7; i >= 0; --i) {
    std::snprintf(buf, sizeof buf, "%08x", words[i]);
    out += buf;
  }
  return out;
}

Hash256 block_hash(const BlockHeader& header) {
  const auto b = header.serialize();
  return sha256d(b.data(), b.size());
}

bool hash_meets_target(const Hash256& hash, const Target& target) {
  for (int i = 7; i >= 0; --i) {
    const std::uint32_t w = read_le32(hash.data() + 4 * i);
    if (w != target.words[i]) return w < target.words[i];
  }
  return true;
}

std::string display_hex(const Hash256& hash) {
  Hash256 reversed;
  std::reverse_copy(hash.begin(), hash.end(), reversed.begin());
  return to_hex(reversed.data(), reversed.size());
}

}  // namespace joulebench::miner
