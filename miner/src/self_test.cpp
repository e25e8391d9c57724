// Start-up self-test: a kernel must agree with OpenSSL before it is trusted with a benchmark.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "joulebench/miner/kernel.hpp"

namespace joulebench::miner {
namespace {

// Bitcoin's genesis block header and its nonce.
constexpr std::string_view kGenesisHex =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
constexpr std::uint32_t kGenesisNonce = 2083236893;

std::string describe(const std::vector<std::uint32_t>& nonces) {
  std::string s = "{";
  for (std::size_t i = 0; i < nonces.size() && i < 8; ++i) s += (i ? "," : "") + std::to_string(nonces[i]);
  return s + (nonces.size() > 8 ? ",...}" : "}");
}

void expect_same(const KernelInfo& kernel, const BlockHeader& header, const Target& target,
                 std::uint32_t first, std::uint64_t count, std::string_view what) {
  const auto expected = NonceScanner(find_kernel("ref"), header, target).scan(first, count);
  const auto got = NonceScanner(kernel, header, target).scan(first, count);
  if (got != expected) {
    throw std::runtime_error("self-test failed: kernel '" + std::string(kernel.name) + "' found " +
                             describe(got) + " but the OpenSSL reference found " + describe(expected) + " (" +
                             std::string(what) + "); do not trust its results, pick another with --kernel");
  }
}

// Version rolling: every version of the roll must find what a plain OpenSSL scan of that
// version's header finds (the shared schedule must not leak one version into another).
void expect_same_rolled(const KernelInfo& kernel, const BlockHeader& header, const Target& target,
                        std::uint64_t versions, std::uint32_t first, std::uint64_t count) {
  const VersionRollingScanner rolling(kernel, header, target, kDefaultVersionMask, versions);
  std::vector<RolledHit> expected;
  for (std::uint64_t v = 0; v < versions; ++v) {
    BlockHeader h = header;
    h.version = static_cast<std::int32_t>(rolling.version(v));
    for (std::uint32_t n : NonceScanner(find_kernel("ref"), h, target).scan(first, count))
      expected.push_back({rolling.version(v), n, {}});
  }
  std::sort(expected.begin(), expected.end(), by_version_then_nonce);
  const auto got = rolling.scan(first, count);
  bool same = got.size() == expected.size();
  for (std::size_t i = 0; same && i < got.size(); ++i)
    same = got[i].version == expected[i].version && got[i].nonce == expected[i].nonce;
  if (!same) {
    throw std::runtime_error(
        "self-test failed: kernel '" + std::string(kernel.name) + "' with version rolling found " +
        std::to_string(got.size()) + " (version, nonce) pairs but the OpenSSL reference found " +
        std::to_string(expected.size()) + "; do not trust its rolled results, pick another with --kernel");
  }
}

}  // namespace

void self_test(const KernelInfo& kernel) {
  const BlockHeader genesis = parse_header_hex(kGenesisHex);
  expect_same(kernel, genesis, target_from_compact(genesis.bits), kGenesisNonce - 77, 200,
              "genesis block window");
  // An easy share target (about 1 hash in 256 passes) exercises many lanes and the early test
  // with a nonzero top word; the second range ends exactly at nonce 2^32-1.
  BlockHeader synthetic = genesis;
  synthetic.time += 12345;
  Target easy;
  easy.words[7] = 0x00ffffff;
  easy.words[6] = 0xffffffff;
  expect_same(kernel, synthetic, easy, 1000, 1500, "easy target, nonces 1000..2499");
  expect_same(kernel, synthetic, easy, 0xffffffffu - 700, 701, "easy target, range ending at 2^32-1");
  // 20 versions: a full group of 16 sharing one schedule and a partial one; odd ends of the range.
  expect_same_rolled(kernel, synthetic, easy, 20, 0xffffffffu - 300, 301);
}

}  // namespace joulebench::miner
