// Portable SHA-256 building blocks for generic (baseline x86-64) translation units only:
// ISA-flagged files must not include this, or the linker could keep their copy of these inlines.
#pragma once

#include <cstdint>

#include "detail/sha256_constants.hpp"

namespace joulebench::miner::detail {

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
constexpr std::uint32_t bsig0(std::uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr std::uint32_t bsig1(std::uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr std::uint32_t ssig0(std::uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr std::uint32_t ssig1(std::uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
constexpr std::uint32_t ch(std::uint32_t e, std::uint32_t f, std::uint32_t g) { return (e & f) ^ (~e & g); }
constexpr std::uint32_t maj(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  return (a & b) ^ (a & c) ^ (b & c);
}

/// One round on s = {a..h} with kw = K[t] + W[t]; shifts the state in place.
constexpr void round(std::uint32_t s[8], std::uint32_t kw) {
  const std::uint32_t t1 = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + kw;
  const std::uint32_t t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);
  for (int i = 7; i > 0; --i) s[i] = s[i - 1];
  s[4] += t1;
  s[0] = t1 + t2;
}

constexpr std::uint32_t bswap32(std::uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

}  // namespace joulebench::miner::detail
