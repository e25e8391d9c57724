// The operation counts against an independent count, and the bound arithmetic on each core.
#include "joulebench/miner/port_bounds.hpp"

#include <gtest/gtest.h>

namespace joulebench::miner {
namespace {

// cpuminer-opt 26.1's compiled 16-way AVX-512 kernels, counted from their objdump up to the H7
// test: 2,886 zmm ALU ops per 16 nonces, 1,191 of them rotates or shifts. Same algorithm (early
// H7 exit, pre-hashed rounds, textbook additions), so `avx512-textbook` must land within a few
// percent; `avx512` adds at most 2 additions in each of the 116 full rounds (sha256d_lanes.inc),
// fewer where both operands are constants, and no rotate or shift.
TEST(PortBounds, Avx512CountMatchesAnIndependentCount) {
  const auto textbook = kernel_ops("avx512-textbook");
  ASSERT_TRUE(textbook.has_value());
  EXPECT_EQ(textbook->width_bits, 512);
  EXPECT_NEAR(textbook->vector_ops * 16, 2886, 2886 * 0.03);
  EXPECT_NEAR((textbook->rotates + textbook->shifts) * 16, 1191, 1191 * 0.03);
  const auto ops = kernel_ops("avx512");
  ASSERT_TRUE(ops.has_value());
  EXPECT_GT(ops->vector_ops * 16, textbook->vector_ops * 16 + 2 * 100);
  EXPECT_LE(ops->vector_ops * 16, textbook->vector_ops * 16 + 2 * 116);
  EXPECT_DOUBLE_EQ(ops->rotates + ops->shifts, textbook->rotates + textbook->shifts);
  const auto one_group = kernel_ops("avx512-1x16");
  ASSERT_TRUE(one_group.has_value());
  EXPECT_DOUBLE_EQ(one_group->vector_ops, ops->vector_ops);  // same work per nonce, fewer in flight
}

TEST(PortBounds, Avx2PaysForItsMissingRotateAndTernlog) {
  const auto avx2 = kernel_ops("avx2"), avx512 = kernel_ops("avx512");
  ASSERT_TRUE(avx2 && avx512);
  EXPECT_EQ(avx2->rotates, 0);
  // per 8 lanes instead of 16, and every rotate is srl + sll + or: more than 3x the ops per hash
  EXPECT_GT(avx2->vector_ops, 3 * avx512->vector_ops);
}

TEST(PortBounds, RollingSharesHashOnesSchedule) {
  for (const char* k : {"avx512", "avx2", "shani"}) {
    const auto plain = kernel_ops(k, 1), rolled = kernel_ops(k, 16);
    ASSERT_TRUE(plain && rolled) << k;
    EXPECT_LT(rolled->vector_ops, plain->vector_ops) << k;
    EXPECT_EQ(rolled->sha_rounds2, plain->sha_rounds2) << k;  // the rounds are never shared
  }
}

TEST(PortBounds, KernelsWithoutAModel) {
  EXPECT_FALSE(kernel_ops("scalar").has_value());
  EXPECT_FALSE(kernel_ops("ref").has_value());
}

TEST(PortBounds, CoresFromCpuinfoIdentity) {
  const auto name = [](std::string_view vendor, int family, int model) {
    const CoreModel* c = find_core_model(vendor, family, model);
    return c != nullptr ? std::string(c->name) : std::string("none");
  };
  EXPECT_EQ(name("AuthenticAMD", 0x19, 0x01), "Zen 3");  // EPYC 7B13 (Milan)
  EXPECT_EQ(name("AuthenticAMD", 0x19, 0x11), "Zen 4");  // Genoa
  EXPECT_EQ(name("AuthenticAMD", 0x19, 0x61), "Zen 4");  // Raphael
  EXPECT_EQ(name("AuthenticAMD", 0x1a, 0x02), "Zen 5");  // Turin
  EXPECT_EQ(name("GenuineIntel", 6, 0x6a), "Ice Lake");  // Ice Lake-SP
  EXPECT_EQ(name("GenuineIntel", 6, 0x8f), "none");      // Sapphire Rapids: not modelled
  EXPECT_EQ(name("AuthenticAMD", 0x17, 0x31), "none");   // Zen 2
  for (const auto& c : core_models()) EXPECT_FALSE(c.source.empty()) << c.name;
}

TEST(PortBounds, BusiestResourceBinds) {
  const auto avx512 = kernel_ops("avx512");
  ASSERT_TRUE(avx512.has_value());
  const auto* zen5 = find_core_model("AuthenticAMD", 0x1a, 2);
  const auto* icelake = find_core_model("GenuineIntel", 6, 0x6a);
  const auto* zen3 = find_core_model("AuthenticAMD", 0x19, 1);
  ASSERT_TRUE(zen5 && icelake && zen3);
  // Zen 5: 4 ALU pipes bind (shifts and rotates, 2/cycle, need fewer cycles)
  const auto z5 = port_bound(*avx512, *zen5);
  EXPECT_DOUBLE_EQ(z5.cycles_per_hash, avx512->vector_ops / 4);
  EXPECT_NE(z5.limit.find("vector ALU"), std::string::npos) << z5.limit;
  // Ice Lake: two 512-bit ports, about 90 cycles/hash as the Ice Lake issue measured from
  // cpuminer-opt's count, plus the latency order's 2 x 116 additions / 2 ports / 16 lanes
  const auto icl = port_bound(*avx512, *icelake);
  EXPECT_DOUBLE_EQ(icl.cycles_per_hash, avx512->vector_ops / 2);
  EXPECT_NEAR(icl.cycles_per_hash, 90 + 2.0 * 116 / 2 / 16, 3);
  // Zen 3 cannot run it at all
  const auto z3 = port_bound(*avx512, *zen3);
  EXPECT_EQ(z3.cycles_per_hash, 0);
  EXPECT_NE(z3.limit.find("512"), std::string::npos) << z3.limit;
  // SHA-NI: rnds2 binds; Ice Lake has no cited figure, so no bound rather than a guess
  const auto shani = kernel_ops("shani");
  ASSERT_TRUE(shani.has_value());
  EXPECT_DOUBLE_EQ(port_bound(*shani, *zen5).cycles_per_hash, 61 * zen5->rounds2_cycles);
  EXPECT_EQ(port_bound(*shani, *icelake).cycles_per_hash, 0);
}

}  // namespace
}  // namespace joulebench::miner
