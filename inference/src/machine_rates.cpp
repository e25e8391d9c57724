// The pipe and L2 probes run in rounds, interleaved with the dependent-add clock, so a frequency
// change or a preempted window moves one round, not a whole figure; each figure is its best round.
#include "joulebench/inference/machine_rates.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>

#include "detail/pipe_probe.hpp"
#include "joulebench/platform/core_clock.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"

namespace joulebench::inference {
namespace {

struct Probe {
  const char* instruction;
  int width_bits;
  double (*per_second)(bool independent, double seconds);
};

// The probes this build has for the instructions this CPU runs.
std::vector<Probe> probes() {
  [[maybe_unused]] const auto& f = platform::cpu_features();
  std::vector<Probe> out;
#if JOULEBENCH_BUILT_AVX512
  if (f.avx512_core()) out.push_back({"vfmadd231ps zmm", 512, detail::fma512_per_second});
#endif
#if JOULEBENCH_BUILT_AVX512_VNNI
  if (f.avx512_core() && f.avx512_vnni) out.push_back({"vpdpbusd zmm", 512, detail::dpbusd512_per_second});
#endif
#if JOULEBENCH_BUILT_AVX512_BF16
  if (f.avx512_core() && f.avx512_bf16) out.push_back({"vdpbf16ps zmm", 512, detail::dpbf16512_per_second});
#endif
#if JOULEBENCH_BUILT_AVX2
  if (f.avx2 && f.fma) out.push_back({"vfmadd231ps ymm", 256, detail::fma256_per_second});
#endif
#if JOULEBENCH_BUILT_NEON
  if (f.asimd) out.push_back({"fmla v.4s", 128, detail::fma128_per_second});
#endif
  return out;
}

// Bytes per second over half of L2 (at least 4 x L1d, so L1 cannot hold it); 0 without a probe.
double l2_read_rate([[maybe_unused]] double window_s) {
#if JOULEBENCH_BUILT_AVX2 || JOULEBENCH_BUILT_NEON
#if JOULEBENCH_BUILT_AVX2
  if (!platform::cpu_features().avx2) return 0;
#endif
  const auto& topo = platform::topology();
  const std::size_t bytes = std::max(topo.l2_bytes / 2, 4 * topo.l1d_bytes) / 1024 * 1024;
  struct Free {
    void operator()(void* p) const { ::operator delete (p, std::align_val_t{64}); }
  };
  std::unique_ptr<void, Free> buffer(::operator new (bytes, std::align_val_t{64}));
  std::fill_n(static_cast<std::uint8_t*>(buffer.get()), bytes, std::uint8_t{1});
  detail::l2_read_per_second(buffer.get(), bytes, window_s / 4);  // warm: L2 holds it, TLB filled
  return detail::l2_read_per_second(buffer.get(), bytes, window_s);
#else
  return 0;
#endif
}

}  // namespace

const PipeRate* MachineRates::find(std::string_view instruction) const {
  for (const auto& p : pipes)
    if (p.instruction == instruction) return &p;
  return nullptr;
}

MachineRates measure_machine_rates(double window_s, int samples) {
  const auto list = probes();
  samples = std::max(1, samples);
  double clock = 0, l2 = 0;
  std::vector<double> independent(list.size(), 0), chained(list.size(), 0);
  for (int s = 0; s < samples; ++s) {
    clock = std::max(clock, platform::measure_core_clock(1, window_s).hz);
    for (std::size_t i = 0; i < list.size(); ++i) {
      independent[i] = std::max(independent[i], list[i].per_second(true, window_s));
      chained[i] = std::max(chained[i], list[i].per_second(false, window_s));
    }
    l2 = std::max(l2, l2_read_rate(window_s));
  }
  MachineRates r;
  r.clock_hz = clock;
  r.samples = samples;
  for (std::size_t i = 0; i < list.size(); ++i)
    r.pipes.push_back({list[i].instruction, list[i].width_bits, independent[i] / clock, clock / chained[i]});
  r.l2_read_bytes_per_cycle = l2 / clock;
  r.how = "calling thread, best of " + std::to_string(samples) + " interleaved rounds of " +
          std::to_string(static_cast<int>(window_s * 1e3 + 0.5)) +
          " ms windows against the dependent-add clock: 12-16 independent accumulators for the rate, "
          "one chain for the latency; L2 read in order over half of L2 with one wide load per instruction";
  return r;
}

const MachineRates& machine_rates() {
  static const MachineRates rates = measure_machine_rates();
  return rates;
}

}  // namespace joulebench::inference
