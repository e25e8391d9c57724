// Model specs, deterministic weights, forward pass against the reference for every dtype, and
// the inference workload under the shared throttle.
#include "joulebench/inference/model.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "joulebench/platform/preemption.hpp"

namespace joulebench::inference {
namespace {

TEST(ModelSpec, PresetsAndSpecsParse) {
  const ModelSpec ffn = parse_model("ffn");
  EXPECT_EQ(ffn.dims, (std::vector<int>{1024, 4096, 1024}));
  EXPECT_EQ(ffn.blocks, 2);
  EXPECT_TRUE(ffn.residual);
  EXPECT_EQ(ffn.batch, 8);
  // 33.6 MFLOP per batch row, 64 MiB of fp32 weights.
  EXPECT_DOUBLE_EQ(ffn.flops_per_inference() / ffn.batch, 2.0 * 2 * (1024.0 * 4096 * 2));
  EXPECT_EQ((ffn.parameter_count() - 2 * (4096 + 1024)) * 4, 64u << 20);
  EXPECT_EQ(parse_model("ffn-b32").batch, 32);
  const ModelSpec s = parse_model("mlp:64x128x32,layers=1,batch=5,dtype=int8,act=relu,bias=0,seed=9");
  EXPECT_EQ(s.dims, (std::vector<int>{64, 128, 32}));
  EXPECT_EQ(s.dtype, DType::int8);
  EXPECT_EQ(s.activation, Activation::relu);
  EXPECT_FALSE(s.bias);
  EXPECT_EQ(parse_model(s.to_string()).to_string(), s.to_string());
}

TEST(ModelSpec, MalformedSpecsNameTheProblem) {
  const std::pair<const char*, const char*> bad[] = {{"gpt5", "neither a preset"},
                                                     {"mlp:1024", "at least two widths"},
                                                     {"mlp:10x0x10", "width '0'"},
                                                     {"mlp:8x16x8,layers", "has no '='"},
                                                     {"mlp:8x16x8,depth=3", "'depth' is unknown"},
                                                     {"mlp:8x16x4,residual=1", "must end at its input width"},
                                                     {"mlp:8x16x8,dtype=fp8", "unknown dtype 'fp8'"},
                                                     {"mlp:8x16x8,batch=-1", "batch '-1'"}};
  for (const auto& [spec, message] : bad) {
    try {
      (void)parse_model(spec);
      FAIL() << spec;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << spec << ": " << e.what();
    }
  }
}

class ModelDtypeTest : public ::testing::TestWithParam<DType> {};

TEST_P(ModelDtypeTest, ForwardMatchesTheReferenceAndIsDeterministic) {
  ModelSpec spec = parse_model("tiny");
  spec.dtype = GetParam();
  Model a(spec), b(spec);
  const auto input = a.sample_input();
  std::vector<float> out_a(static_cast<std::size_t>(spec.batch) * a.output_width()), out_b(out_a.size()),
      ref(out_a.size());
  GemmContext ctx;
  ASSERT_TRUE(a.forward(input.data(), out_a.data(), ctx));
  ASSERT_TRUE(b.forward(input.data(), out_b.data(), ctx));
  EXPECT_EQ(out_a, out_b);  // same seed, same weights, same result
  a.reference_forward(input.data(), ref.data());
  double max_ref = 0, max_diff = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    max_ref = std::max(max_ref, static_cast<double>(std::fabs(ref[i])));
    max_diff = std::max(max_diff, static_cast<double>(std::fabs(ref[i] - out_a[i])));
  }
  EXPECT_LE(max_diff / (1 + max_ref), a.verify_tolerance());
  EXPECT_GT(max_ref, 0.1);  // the output is not trivially zero
}

TEST_P(ModelDtypeTest, QuantizedOutputStaysCloseToFp32) {
  ModelSpec spec = parse_model("tiny");
  Model fp32(spec);
  spec.dtype = GetParam();
  Model low(spec);
  const auto input = fp32.sample_input();
  std::vector<float> want(static_cast<std::size_t>(spec.batch) * fp32.output_width()), got(want.size());
  GemmContext ctx;
  fp32.forward(input.data(), want.data(), ctx);
  low.forward(input.data(), got.data(), ctx);
  double max_ref = 0, max_diff = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    max_ref = std::max(max_ref, static_cast<double>(std::fabs(want[i])));
    max_diff = std::max(max_diff, static_cast<double>(std::fabs(want[i] - got[i])));
  }
  EXPECT_LT(max_diff / (1 + max_ref), 0.1);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ModelDtypeTest, ::testing::Values(DType::fp32, DType::bf16, DType::int8),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(InferenceWorkload, CountsFlopsRecordsLatenciesAndPauses) {
  InferenceWorkload w(parse_model("mlp-small"), nullptr, 2, true);
  EXPECT_EQ(w.unit(), "inference");
  EXPECT_DOUBLE_EQ(w.counts_per_unit(), w.model().spec().flops_per_inference());
  std::stop_source stop;
  std::jthread run([&] { w.run(stop.get_token()); });
  for (int i = 0; i < 500 && w.counters().total() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto stats = platform::measure_preemption(w, 5, std::chrono::milliseconds(10));
  EXPECT_EQ(stats.latencies_ms.size(), 5u);
  // Under a worker cap of 1 inference goes on (on the caller's slot) instead of stalling.
  w.throttle().set_active_workers(1);
  const auto before = w.counters().total();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GT(w.counters().total(), before);
  w.throttle().pause();
  stop.request_stop();  // stop releases workers parked mid-GEMM
  run.join();
  EXPECT_FALSE(w.latencies_ms().empty());
  EXPECT_GT(w.counters().total(), 0u);
}

}  // namespace
}  // namespace joulebench::inference
