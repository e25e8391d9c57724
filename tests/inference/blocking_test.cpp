// The blocking model on other cores' figures (it is pure), and the pipe probes on this one.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "joulebench/inference/gemm.hpp"
#include "joulebench/inference/machine_rates.hpp"
#include "joulebench/platform/cpu_features.hpp"

namespace joulebench::inference {
namespace {

// The AVX-512 fp32 tile (8 x 48, 24 zmm accumulators) and the AVX2 int8 one (4 x 16, 8 ymm),
// described here so the model is tested on every build, whatever kernels it has.
constexpr GemmKernelInfo kTile8x48{
    "model_f32_8x48", "avx512", DType::fp32, 8, 48, 1, "", nullptr, nullptr, 127, 512, "vfmadd231ps zmm"};
constexpr GemmKernelInfo kTile4x16{
    "model_s8_4x16", "avx2", DType::int8, 4, 16, 4, "", nullptr, nullptr, 63, 256, "vpmaddubsw ymm"};
constexpr GemmKernelInfo kNoWidth{"model_portable", "portable", DType::fp32, 4, 16, 1, "",
                                  nullptr,          nullptr,    127,         0, ""};

// Ice Lake-SP's caches (L1d 48 KiB, L2 1.25 MiB) with one or two 512-bit FMA pipes.
BlockingInputs ice_lake(const PipeRate& pipe, double l2_bytes_per_cycle) {
  BlockingInputs in;
  in.l1d_bytes = 48 * 1024;
  in.l2_bytes = 1280 * 1024;
  in.pipe = &pipe;
  in.l2_read_bytes_per_cycle = l2_bytes_per_cycle;
  return in;
}

TEST(BlockingModel, KeepsBInL2WhereL2FeedsThePipes) {
  const PipeRate one{"vfmadd231ps zmm", 512, 1.0, 4.0}, two{"vfmadd231ps zmm", 512, 2.0, 4.0};
  for (const PipeRate* pipe : {&one, &two}) {
    const BlockingPlan p = plan_blocking(kTile8x48, ice_lake(*pipe, 64));
    EXPECT_TRUE(p.b_panel_in_l2);
    EXPECT_EQ(p.chosen.kc, 1706);  // a quarter of 1.25 MiB over 48 columns x 4 bytes
    EXPECT_EQ(p.chosen.mc, 96);    // A's 96 x 1706 block: half of L2
    EXPECT_EQ(p.chosen.nc, 32 * 48);
    EXPECT_EQ(p.l1_rule.kc, 128);  // BLIS's rule: the micro-panel in half of L1
    EXPECT_EQ(p.accumulators, 24);
    EXPECT_EQ(p.accumulators_needed, static_cast<int>(4 * pipe->per_cycle));
    // 56 rows and columns x 4 bytes per k-step, 24 instructions at 1 or 2 a cycle.
    EXPECT_NEAR(p.feed_bytes_per_cycle, 224.0 / (24.0 / pipe->per_cycle), 1e-9);
  }
}

TEST(BlockingModel, OnePipeOrTwoDecidesWhereBLivesWhenL2IsSlow) {
  // L2 delivering 16 B/cycle: enough for 9.3 B/cycle at one FMA a cycle, not 18.7 at two.
  const PipeRate one{"vfmadd231ps zmm", 512, 1.0, 4.0}, two{"vfmadd231ps zmm", 512, 2.0, 4.0};
  const BlockingPlan slow = plan_blocking(kTile8x48, ice_lake(one, 16));
  const BlockingPlan fast = plan_blocking(kTile8x48, ice_lake(two, 16));
  EXPECT_TRUE(slow.b_panel_in_l2);
  EXPECT_EQ(slow.chosen.kc, 1706);
  EXPECT_FALSE(fast.b_panel_in_l2);
  EXPECT_EQ(fast.chosen.kc, 128);
  EXPECT_EQ(fast.chosen.mc, 1280);  // half of L2 over 128 x 4 bytes
  const std::string why = explain_blocking(kTile8x48, ice_lake(two, 16), fast);
  EXPECT_NE(why.find("B micro-panel in L1"), std::string::npos) << why;
  EXPECT_NE(why.find("beyond the 16.0 B/cycle L2 read"), std::string::npos) << why;
}

TEST(BlockingModel, ATileTooSmallForLatencyTimesRateFeedsAtItsLatency) {
  // 8 accumulators against latency 5 x 2 a cycle: each k-step waits 5 cycles, not 4.
  const PipeRate pipe{"vfmadd231ps ymm", 256, 2.0, 5.0};
  BlockingInputs in = ice_lake(pipe, 64);
  in.pipe_is_stand_in = true;
  const BlockingPlan p = plan_blocking(kTile4x16, in);
  EXPECT_EQ(p.accumulators, 8);
  EXPECT_EQ(p.accumulators_needed, 10);
  EXPECT_NEAR(p.feed_bytes_per_cycle, (4 + 16) * 4 / 5.0, 1e-9);
  EXPECT_EQ(p.chosen.kc % 4, 0);
  const std::string why = explain_blocking(kTile4x16, in, p);
  EXPECT_NE(why.find("fall short of"), std::string::npos) << why;
  EXPECT_NE(why.find("standing in for vpmaddubsw ymm"), std::string::npos) << why;
}

TEST(BlockingModel, WithoutAPipeOrAnL2RateTheL2RuleStands) {
  const PipeRate pipe{"vfmadd231ps zmm", 512, 2.0, 4.0};
  BlockingInputs in = ice_lake(pipe, 0);  // L2 read not measured
  EXPECT_TRUE(plan_blocking(kTile8x48, in).b_panel_in_l2);
  in.l2_read_bytes_per_cycle = 8;
  in.pipe = nullptr;  // pipe not measured (an emulator)
  const BlockingPlan p = plan_blocking(kTile8x48, in);
  EXPECT_TRUE(p.b_panel_in_l2);
  EXPECT_EQ(p.accumulators_needed, 0);
  EXPECT_NE(explain_blocking(kTile8x48, in, p).find("no measured rate"), std::string::npos);
  const BlockingPlan portable = plan_blocking(kNoWidth, in);
  EXPECT_EQ(portable.accumulators, 0);
  EXPECT_TRUE(portable.b_panel_in_l2);
  EXPECT_NE(explain_blocking(kNoWidth, in, portable).find("no fixed vector width"), std::string::npos);
}

TEST(MachineRates, MeasuresEveryPipeThisCpuHas) {
  const MachineRates r = measure_machine_rates(0.001, 2);
  EXPECT_GT(r.clock_hz, 1e6);
  for (const auto& p : r.pipes) {
    EXPECT_TRUE(std::isfinite(p.per_cycle) && p.per_cycle > 0) << p.instruction;
    EXPECT_TRUE(std::isfinite(p.latency_cycles) && p.latency_cycles > 0) << p.instruction;
    EXPECT_EQ(r.find(p.instruction), &p);
  }
  const auto& f = platform::cpu_features();
#if JOULEBENCH_BUILT_AVX2
  if (f.avx2 && f.fma) {
    ASSERT_NE(r.find("vfmadd231ps ymm"), nullptr);
    EXPECT_GT(r.l2_read_bytes_per_cycle, 0);
  }
#endif
#if JOULEBENCH_BUILT_AVX512
  EXPECT_EQ(r.find("vfmadd231ps zmm") != nullptr, f.avx512_core());
#endif
#if JOULEBENCH_BUILT_NEON
  if (f.asimd) {
    EXPECT_NE(r.find("fmla v.4s"), nullptr);
    EXPECT_GT(r.l2_read_bytes_per_cycle, 0);
  }
#endif
  EXPECT_EQ(r.find("no such instruction"), nullptr);
  (void)f;
}

TEST(MachineRates, TheDefaultKernelsPlanNamesItsPipe) {
  for (DType d : {DType::fp32, DType::bf16, DType::int8}) {
    const GemmKernelInfo& k = find_gemm_kernel(d);
    const BlockingInputs in = blocking_inputs(k);
    const BlockingPlan p = plan_blocking(k, in);
    const std::string why = explain_blocking(k, in, p);
    EXPECT_EQ(Blocking{}.resolved(k).kc, p.chosen.kc) << k.name;
    if (k.vector_bits == 0 || platform::emulation()) continue;
    ASSERT_NE(in.pipe, nullptr) << k.name << ": " << why;
    EXPECT_NE(why.find(in.pipe->instruction), std::string::npos) << why;
  }
}

}  // namespace
}  // namespace joulebench::inference
