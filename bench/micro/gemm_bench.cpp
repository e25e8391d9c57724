// GEMM throughput per dtype and inference shape (GFLOP/s counter), single thread, for the
// kernel each dtype dispatches to on this CPU.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "joulebench/inference/gemm.hpp"

namespace {

using namespace joulebench::inference;

void gemm_shape(benchmark::State& state, DType dtype, int m, int n, int k) {
  const GemmKernelInfo& kernel = find_gemm_kernel(dtype);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> a(static_cast<std::size_t>(m) * k), b(static_cast<std::size_t>(k) * n),
      c(static_cast<std::size_t>(m) * n);
  for (float& x : a) x = uni(rng);
  for (float& x : b) x = uni(rng);
  const PackedWeights w(kernel, b.data(), k, n, n);
  std::vector<bf16_t> a16;
  std::vector<std::uint8_t> a8;
  Activations act{a.data(), m, k, {}};
  if (dtype == DType::bf16) {
    a16.resize(a.size());
    convert_activations(dtype, a.data(), a.size(), act.quant, a16.data());
    act.data = a16.data();
  } else if (dtype == DType::int8) {
    act.quant = QuantParams::for_range(-1, 1);
    a8.resize(a.size());
    convert_activations(dtype, a.data(), a.size(), act.quant, a8.data());
    act.data = a8.data();
  }
  GemmContext ctx;
  const Epilogue ep;
  for (auto _ : state) {
    gemm(act, w, c.data(), n, ep, ctx);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * m * n * k * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(kernel.name));
}

const int kRegistered = [] {
  const int shapes[][3] = {
      {1024, 1024, 1024}, {1, 4096, 4096}, {8, 4096, 4096}, {32, 4096, 4096}, {128, 1024, 1024}};
  for (DType d : {DType::fp32, DType::bf16, DType::int8}) {
    for (const auto& s : shapes) {
      const std::string name = "gemm/" + std::string(to_string(d)) + "/" + std::to_string(s[0]) + "x" +
                               std::to_string(s[1]) + "x" + std::to_string(s[2]);
      benchmark::RegisterBenchmark(name.c_str(), gemm_shape, d, s[0], s[1], s[2])
          ->Unit(benchmark::kMillisecond);
    }
  }
  return 0;
}();

}  // namespace
