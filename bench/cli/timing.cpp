// interleaved_rates: contenders timed in alternating rounds.
#include "cli/timing.hpp"

#include "joulebench/power/step_response.hpp"

#include <algorithm>
#include <chrono>

namespace joulebench::cli {

std::vector<RateStats> interleaved_rates(const std::vector<std::function<void()>>& contenders,
                                         const std::vector<double>& work_per_call, int rounds,
                                         double min_round_s) {
  using clock = std::chrono::steady_clock;
  for (const auto& f : contenders) f();
  std::vector<RateStats> stats(contenders.size());
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < contenders.size(); ++i) {
      const auto t0 = clock::now();
      double elapsed = 0;
      long calls = 0;
      do {
        contenders[i]();
        ++calls;
        elapsed = std::chrono::duration<double>(clock::now() - t0).count();
      } while (elapsed < min_round_s);
      stats[i].rounds.push_back(work_per_call[i] * static_cast<double>(calls) / elapsed);
    }
  }
  for (auto& s : stats) {
    s.median = power::percentile(s.rounds, 50);
    s.min = *std::min_element(s.rounds.begin(), s.rounds.end());
    s.max = *std::max_element(s.rounds.begin(), s.rounds.end());
  }
  return stats;
}

}  // namespace joulebench::cli
