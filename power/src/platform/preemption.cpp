// measure_preemption: pause, then poll the counters until they have been still for `settle`.
#include "joulebench/platform/preemption.hpp"

#include "joulebench/platform/stats.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace joulebench::platform {

PreemptionStats measure_preemption(Workload& workload, int trials, std::chrono::microseconds settle) {
  using clock = std::chrono::steady_clock;
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> gap_us(2000, 9000);
  PreemptionStats stats;
  for (int t = 0; t < trials; ++t) {
    std::this_thread::sleep_for(std::chrono::microseconds(gap_us(rng)));  // land at random phases
    const std::uint64_t before = workload.counters().total();
    const auto commanded = clock::now();
    workload.throttle().pause();
    auto last_move = commanded;
    std::uint64_t seen = before;
    while (clock::now() - last_move < settle) {
      const std::uint64_t now_total = workload.counters().total();
      if (now_total != seen) {
        seen = now_total;
        last_move = clock::now();
      }
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(last_move - commanded).count());
    workload.throttle().resume();
  }
  stats.p50_ms = percentile(stats.latencies_ms, 50);
  stats.p99_ms = percentile(stats.latencies_ms, 99);
  stats.max_ms = stats.latencies_ms.empty()
                     ? 0
                     : *std::max_element(stats.latencies_ms.begin(), stats.latencies_ms.end());
  return stats;
}

}  // namespace joulebench::platform
