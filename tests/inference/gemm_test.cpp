// Every GEMM kernel and dtype this CPU runs against the naive reference: awkward shapes,
// unaligned leading dimensions, K blocking, epilogues, int8 zero-points and negative scales,
// output requantisation, and pause/resume mid-GEMM.
#include "joulebench/inference/gemm.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "joulebench/platform/throttle.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/platform/work_counters.hpp"

namespace joulebench::inference {
namespace {

struct Shape {
  int m, n, k;
};

std::vector<const GemmKernelInfo*> runnable_kernels() {
  std::vector<const GemmKernelInfo*> out;
  for (const auto& k : all_gemm_kernels()) out.push_back(&k);
  return out;
}

// A, B, bias, residual, seeded; A stored in the kernel's activation type with padding ld.
struct Problem {
  Problem(const GemmKernelInfo& kernel, Shape s, std::uint32_t seed, int lda_pad = 3,
          bool negative_scales = false)
      : shape(s), lda(s.k + lda_pad) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    a.resize(static_cast<std::size_t>(s.m) * lda);
    b.resize(static_cast<std::size_t>(s.k) * (s.n + 5));
    bias.resize(s.n);
    residual.resize(static_cast<std::size_t>(s.m) * (s.n + 2));
    for (float& x : a) x = uni(rng) * 2.0f + 0.5f;  // skewed range: nonzero zero-point for int8
    for (float& x : b) x = uni(rng);
    for (float& x : bias) x = uni(rng);
    for (float& x : residual) x = uni(rng);
    if (kernel.dtype == DType::int8) {
      std::vector<float> scales(s.n);
      for (int j = 0; j < s.n; ++j)
        scales[j] = (negative_scales && j % 3 == 1 ? -1.0f : 1.0f) *
                    (0.008f + 0.0001f * (j % 7));  // 127 * scale >= 1 = max|b|
      weights = std::make_unique<PackedWeights>(kernel, b.data(), s.k, s.n, s.n + 5, scales);
    } else {
      weights = std::make_unique<PackedWeights>(kernel, b.data(), s.k, s.n, s.n + 5);
    }
    act.m = s.m;
    act.ld = lda;
    if (kernel.dtype == DType::fp32) act.data = a.data();
    if (kernel.dtype == DType::bf16) {
      for (float x : a) a16.push_back(float_to_bf16(x));
      act.data = a16.data();
    }
    if (kernel.dtype == DType::int8) {
      act.quant = QuantParams::for_range(-1.5f, 2.5f);
      for (float x : a) a8.push_back(act.quant.quantize(x));
      act.data = a8.data();
    }
  }
  Shape shape;
  int lda;
  std::vector<float> a, b, bias, residual;
  std::vector<bf16_t> a16;
  std::vector<std::uint8_t> a8;
  Activations act;
  std::unique_ptr<PackedWeights> weights;
};

std::vector<int> all_rows(int m) {
  std::vector<int> rows(m);
  for (int i = 0; i < m; ++i) rows[i] = i;
  return rows;
}

class GemmKernelTest : public ::testing::TestWithParam<const GemmKernelInfo*> {
 protected:
  void SetUp() override {
    if (!GetParam()->cpu_supports()) GTEST_SKIP() << "this CPU lacks " << GetParam()->cpu_feature;
  }
  const GemmKernelInfo& kernel() const { return *GetParam(); }
};

TEST_P(GemmKernelTest, MatchesReferenceOnAwkwardShapes) {
  const Shape shapes[] = {{1, 1, 1},     {1, 49, 7},    {3, 17, 1},    {7, 100, 33},  {9, 48, 64},
                          {13, 65, 129}, {1, 300, 257}, {33, 97, 300}, {64, 96, 1000}};
  std::uint32_t seed = 1;
  for (const Shape s : shapes) {
    SCOPED_TRACE(std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k));
    Problem p(kernel(), s, seed++);
    std::vector<float> c(static_cast<std::size_t>(s.m) * (s.n + 1), -7.0f);
    GemmContext ctx;
    const Epilogue ep;
    ASSERT_TRUE(gemm(p.act, *p.weights, c.data(), s.n + 1, ep, ctx));
    const auto report = verify_rows(p.act, *p.weights, c.data(), s.n + 1, ep, all_rows(s.m));
    EXPECT_TRUE(report.ok) << "max error " << report.max_error << " bound " << report.bound;
    // The padding column past N is never written.
    for (int r = 0; r < s.m; ++r) EXPECT_EQ(c[static_cast<std::size_t>(r) * (s.n + 1) + s.n], -7.0f);
  }
}

TEST_P(GemmKernelTest, KBlockingAndTilingGiveTheSameResult) {
  Problem p(kernel(), {21, 131, 203}, 99);
  GemmContext ctx;
  ctx.blocking.kc = 16;  // many partial-sum passes
  ctx.blocking.mc = 8;
  ctx.blocking.nc = kernel().nr;
  std::vector<float> c(21 * 131);
  const Epilogue ep{p.bias.data(), Activation::gelu, p.residual.data(), 131 + 2, OutType::f32, {}};
  ASSERT_TRUE(gemm(p.act, *p.weights, c.data(), 131, ep, ctx));
  const auto report = verify_rows(p.act, *p.weights, c.data(), 131, ep, all_rows(21));
  EXPECT_TRUE(report.ok) << report.max_error;
}

TEST_P(GemmKernelTest, EpiloguesBiasReluGeluResidual) {
  for (Activation act : {Activation::none, Activation::relu, Activation::gelu}) {
    Problem p(kernel(), {10, 70, 90}, 5 + static_cast<int>(act));
    std::vector<float> c(10 * 70);
    const Epilogue ep{p.bias.data(), act, p.residual.data(), 72, OutType::f32, {}};
    GemmContext ctx;
    ASSERT_TRUE(gemm(p.act, *p.weights, c.data(), 70, ep, ctx));
    const auto report = verify_rows(p.act, *p.weights, c.data(), 70, ep, all_rows(10));
    EXPECT_TRUE(report.ok) << "activation " << static_cast<int>(act) << " error " << report.max_error;
  }
}

TEST_P(GemmKernelTest, Bf16AndU8OutputsRoundLikeTheScalarConversions) {
  Problem p(kernel(), {5, 40, 50}, 17);
  const Epilogue f32_ep{p.bias.data(), Activation::relu, nullptr, 0, OutType::f32, {}};
  std::vector<float> ref(5 * 40);
  reference_gemm(p.act, *p.weights, ref.data(), 40, f32_ep);
  GemmContext ctx;
  std::vector<bf16_t> c16(5 * 40);
  Epilogue ep = f32_ep;
  ep.out = OutType::bf16;
  ASSERT_TRUE(gemm(p.act, *p.weights, c16.data(), 40, ep, ctx));
  ep.out = OutType::u8;
  ep.out_quant = QuantParams::for_range(0.0f, 6.0f);
  std::vector<std::uint8_t> c8(5 * 40);
  ASSERT_TRUE(gemm(p.act, *p.weights, c8.data(), 40, ep, ctx));
  for (int i = 0; i < 5 * 40; ++i) {
    EXPECT_NEAR(bf16_to_float(c16[i]), ref[i], 0.01 * (1 + std::fabs(ref[i]))) << i;
    EXPECT_NEAR(c8[i], ep.out_quant.quantize(ref[i]), 1) << i;
  }
}

class GemmInt8Test : public GemmKernelTest {};

std::vector<const GemmKernelInfo*> int8_kernels() {
  std::vector<const GemmKernelInfo*> out;
  for (const auto* k : runnable_kernels()) {
    if (k->dtype == DType::int8) out.push_back(k);
  }
  return out;
}

TEST_P(GemmInt8Test, ZeroPointAndNegativeScales) {
  Problem p(kernel(), {11, 77, 150}, 23, 1, /*negative_scales=*/true);
  ASSERT_NE(p.act.quant.zero_point, 0);
  std::vector<float> c(11 * 77);
  const Epilogue ep{p.bias.data(), Activation::none, nullptr, 0, OutType::f32, {}};
  GemmContext ctx;
  ASSERT_TRUE(gemm(p.act, *p.weights, c.data(), 77, ep, ctx));
  EXPECT_TRUE(verify_rows(p.act, *p.weights, c.data(), 77, ep, all_rows(11)).ok);
  // And the quantized result is close to the real-valued product it stands for (a negative
  // scale stores negated integers, so the product is unchanged).
  double worst = 0;
  for (int r = 0; r < 11; ++r) {
    for (int j = 0; j < 77; ++j) {
      double exact = p.bias[j];
      for (int kk = 0; kk < 150; ++kk) exact += p.a[r * p.lda + kk] * p.b[kk * 82 + j];
      worst = std::max(worst, std::fabs(c[r * 77 + j] - exact));
    }
  }
  EXPECT_LT(worst, 1.0) << "quantization error too large for a 150-deep dot product";
}

TEST_P(GemmKernelTest, PauseMidGemmThenResumeGivesTheSameResult) {
  Problem p(kernel(), {40, 200, 300}, 31);
  const Epilogue ep{p.bias.data(), Activation::gelu, nullptr, 0, OutType::f32, {}};
  std::vector<float> uninterrupted(40 * 200), interrupted(40 * 200);
  GemmContext plain;
  plain.blocking = {8, 32, kernel().nr};
  ASSERT_TRUE(gemm(p.act, *p.weights, uninterrupted.data(), 200, ep, plain));

  platform::WorkerArena arena(2, true);
  platform::ThrottleState throttle(2);
  platform::WorkCounters flops(2, "flop");
  GemmContext ctx;
  ctx.arena = &arena;
  ctx.throttle = &throttle;
  ctx.counters = &flops;
  ctx.blocking = plain.blocking;
  throttle.pause();
  std::jthread run([&] { EXPECT_TRUE(gemm(p.act, *p.weights, interrupted.data(), 200, ep, ctx)); });
  for (int i = 0; i < 2000 && throttle.parked() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_GE(throttle.parked(), 1u);
  EXPECT_EQ(flops.total(), 0u);  // nothing ran while paused
  throttle.resume();
  run.join();
  EXPECT_EQ(interrupted, uninterrupted);
  EXPECT_EQ(flops.total(), 2ull * 40 * 200 * 300);
}

TEST_P(GemmKernelTest, WorkerCapLeavesTilesToTheActiveWorkers) {
  // A fork-join GEMM under a worker cap of 1 must finish (the capped worker holds no tile) and
  // give the uncapped result.
  Problem p(kernel(), {40, 300, 100}, 41);
  const Epilogue ep;
  std::vector<float> want(40 * 300), got(40 * 300);
  GemmContext plain;
  plain.blocking = {8, 32, kernel().nr};
  ASSERT_TRUE(gemm(p.act, *p.weights, want.data(), 300, ep, plain));
  platform::WorkerArena arena(2, true);
  platform::ThrottleState throttle(2);
  platform::WorkCounters flops(2, "flop");
  throttle.set_active_workers(1);
  GemmContext ctx;
  ctx.arena = &arena;
  ctx.throttle = &throttle;
  ctx.counters = &flops;
  ctx.blocking = plain.blocking;
  ASSERT_TRUE(gemm(p.act, *p.weights, got.data(), 300, ep, ctx));
  EXPECT_EQ(got, want);
  EXPECT_EQ(flops.of(1), 0u);  // the capped slot did no work
  EXPECT_EQ(flops.total(), 2ull * 40 * 300 * 100);
}

INSTANTIATE_TEST_SUITE_P(AllKernels, GemmKernelTest, ::testing::ValuesIn(runnable_kernels()),
                         [](const auto& info) { return std::string(info.param->name); });
INSTANTIATE_TEST_SUITE_P(Int8Kernels, GemmInt8Test, ::testing::ValuesIn(int8_kernels()),
                         [](const auto& info) { return std::string(info.param->name); });

TEST(GemmDispatch, NamesIsaAndFeatureInErrors) {
  EXPECT_EQ(find_gemm_kernel(DType::fp32, "portable").name, "gemm_f32_portable_4x16");
  try {
    (void)find_gemm_kernel(DType::bf16, "sse2");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown bf16 GEMM kernel 'sse2'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("portable"), std::string::npos);
  }
  EXPECT_THROW((void)parse_dtype("fp64"), std::invalid_argument);
}

TEST(GemmDispatch, BlockingComesFromTheCachesAndRoundsToTheTile) {
  const GemmKernelInfo& k = find_gemm_kernel(DType::int8);
  const Blocking b = Blocking{}.resolved(k);
  EXPECT_GT(b.kc, 0);
  EXPECT_EQ(b.kc % k.kstep, 0);
  EXPECT_EQ(b.mc % k.mr, 0);
  EXPECT_EQ(b.nc % k.nr, 0);
  const Blocking fixed = Blocking{10, 7, 5}.resolved(k);
  EXPECT_EQ(fixed.mc % k.mr, 0);
  EXPECT_EQ(fixed.kc % k.kstep, 0);
  EXPECT_EQ(fixed.nc, k.nr);
}

TEST(Gemm, RejectsBadShapes) {
  const GemmKernelInfo& k = find_gemm_kernel(DType::fp32, "portable");
  std::vector<float> b(4 * 4, 1.0f), a(4 * 4, 1.0f), c(16);
  EXPECT_THROW(PackedWeights(k, b.data(), 0, 4, 4), std::invalid_argument);
  const PackedWeights w(k, b.data(), 4, 4, 4);
  GemmContext ctx;
  EXPECT_THROW(gemm(Activations{a.data(), 0, 4, {}}, w, c.data(), 4, Epilogue{}, ctx), std::invalid_argument);
  EXPECT_THROW(gemm(Activations{a.data(), 4, 3, {}}, w, c.data(), 4, Epilogue{}, ctx), std::invalid_argument);
}

}  // namespace
}  // namespace joulebench::inference
