// The mining engine: exact ranges split across threads, no wrap at 2^32-1, header rolling,
// extranonce rolling, and obeying the shared throttle between batches.
#include "joulebench/miner/miner.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "joulebench/miner/sha256.hpp"
#include "test_support.hpp"

namespace joulebench::miner {
namespace {

using namespace std::chrono_literals;

MinerConfig genesis_config() {
  MinerConfig c;
  c.header = parse_header_hex(testing::kGenesisHex);
  c.target = target_from_compact(c.header.bits);
  c.threads = 2;
  c.batch = 1024;
  return c;
}

// About 1 hash in 256 meets it: many shares in a short range.
Target easy_target() {
  Target t;
  t.words.fill(0xffffffffu);
  t.words[7] = 0x00ffffff;
  return t;
}

// Mines across the end of the nonce space for half a second with an easy target; every share
// must verify against its own (rolled) header.
MiningResult mine_across_the_end(MinerConfig& c) {
  c.target = easy_target();
  c.start = 0xffffffffu - 20000;
  c.duration_s = 0.5;
  const MiningResult r = Miner(c).mine();
  for (const auto& f : r.found) {
    EXPECT_TRUE(hash_meets_target(block_hash(f.header), c.target));
    EXPECT_EQ(block_hash(f.header), f.hash);
  }
  return r;
}

// Waits (bounded) for a condition the workers reach within one batch.
template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

TEST(Miner, SplitsARangeAcrossThreadsAndFindsTheGenesisNonce) {
  MinerConfig c = genesis_config();
  c.start = testing::kGenesisNonce - 50000;
  c.count = 100001;
  Miner miner(c);
  const MiningResult r = miner.mine();
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(r.hashes, 100001u);
  ASSERT_EQ(r.found.size(), 1u);
  EXPECT_EQ(r.found[0].nonce, testing::kGenesisNonce);
  EXPECT_EQ(display_hex(r.found[0].hash), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  EXPECT_EQ(r.rolls, 0u);
}

TEST(Miner, RangeEndingAtTheLastNonceNeitherWrapsNorRolls) {
  MinerConfig c = genesis_config();
  Target easy;
  easy.words.fill(0xffffffffu);
  easy.words[7] = 0x00ffffff;  // ~1 in 256
  c.target = easy;
  c.start = 0xffffffffu - 9999;
  c.count = 10000;
  const MiningResult r = Miner(c).mine();
  EXPECT_EQ(r.hashes, 10000u);
  EXPECT_EQ(r.rolls, 0u);
  const auto expected = NonceScanner(find_kernel("ref"), c.header, easy).scan(c.start, 10000);
  ASSERT_EQ(r.found.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(r.found[i].nonce, expected[i]);
}

TEST(Miner, RollsTheTimeWhenTheNonceSpaceIsExhausted) {
  MinerConfig c = genesis_config();
  const MiningResult r = mine_across_the_end(c);
  ASSERT_GE(r.rolls, 1u);
  bool saw_rolled = false;
  for (const auto& f : r.found) saw_rolled |= f.header.time == c.header.time + 1;
  EXPECT_TRUE(saw_rolled);
}

TEST(Coinbase, GenesisCoinbaseGivesTheGenesisMerkleRoot) {
  const std::string coinbase =
      "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff00"
      "1d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b"
      "206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678a"
      "fdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de"
      "5c384df7ba0b8d578a4c702b6bf11d5fac00000000";
  const CoinbaseRoller roller = parse_coinbase(coinbase, 42, "");
  const BlockHeader genesis = parse_header_hex(testing::kGenesisHex);
  EXPECT_EQ(roller.merkle_root(0), genesis.merkle_root);
  EXPECT_NE(roller.merkle_root(1), genesis.merkle_root);
  EXPECT_THROW(parse_coinbase(coinbase, 1000, ""), std::invalid_argument);
  EXPECT_THROW(parse_coinbase(coinbase, 42, "abcd"), std::invalid_argument);
}

TEST(Miner, RollsTheExtranonceWhenGivenACoinbase) {
  MinerConfig c = genesis_config();
  c.coinbase = parse_coinbase(std::string(120, 'a'), 8, std::string(64, '1') + "," + std::string(64, '2'));
  const MiningResult r = mine_across_the_end(c);
  ASSERT_GE(r.rolls, 1u);
  bool saw_rolled = false;
  for (const auto& f : r.found) {
    EXPECT_EQ(f.header.time, c.header.time);
    saw_rolled |= f.header.merkle_root == c.coinbase->merkle_root(1);
  }
  EXPECT_TRUE(saw_rolled);
}

TEST(Miner, RejectsRangesPastTwoToThe32AndEndlessRuns) {
  MinerConfig c = genesis_config();
  c.start = 10;
  c.count = (1ull << 32) - 9;
  EXPECT_THROW(Miner{c}, std::invalid_argument);
  c.count.reset();
  c.duration_s = 0;
  EXPECT_THROW(Miner{c}, std::invalid_argument);
  c.count = 0;
  EXPECT_THROW(Miner{c}, std::invalid_argument);
}

TEST(Miner, PausesWithinABatchAndResumes) {
  MinerConfig c = genesis_config();
  c.duration_s = 30;
  Miner miner(c);
  std::stop_source stop;
  std::jthread run([&] { miner.run(stop.get_token()); });
  ASSERT_TRUE(eventually([&] { return miner.counters().total() > 0; }));
  miner.throttle().pause();
  ASSERT_TRUE(eventually([&] { return miner.throttle().parked() == 2; }));
  const std::uint64_t frozen = miner.counters().total();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(miner.counters().total(), frozen);
  miner.throttle().resume();
  EXPECT_TRUE(eventually([&] { return miner.counters().total() > frozen; }));
  stop.request_stop();
  run.join();
  EXPECT_GT(miner.last_result().hashes, 0u);
}

TEST(Miner, ActiveWorkerCapParksTheOthers) {
  MinerConfig c = genesis_config();
  c.duration_s = 30;
  Miner miner(c);
  std::stop_source stop;
  std::jthread run([&] { miner.run(stop.get_token()); });
  miner.throttle().set_active_workers(1);
  ASSERT_TRUE(eventually([&] { return miner.throttle().parked() == 1; }));
  const std::uint64_t worker1 = miner.counters().of(1);
  const std::uint64_t worker0 = miner.counters().of(0);
  EXPECT_TRUE(eventually([&] { return miner.counters().of(0) > worker0; }));
  EXPECT_EQ(miner.counters().of(1), worker1);
  stop.request_stop();  // stop must release parked workers too
  run.join();
}

}  // namespace
}  // namespace joulebench::miner
