// Same-process comparisons: interleaved rounds of each contender, median and spread of rates.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "joulebench/power/step_response.hpp"

namespace joulebench::cli {

struct RateStats {
  double median = 0, min = 0, max = 0;  ///< work units per second over rounds
  std::vector<double> rounds;
};

/// Warms each contender once, then for `rounds` rounds runs each in turn, repeating it for at
/// least `min_round_s`; the rate of a round is work_per_call * calls / seconds. Interleaving
/// makes the shared, noisy cores hit all contenders alike.
std::vector<RateStats> interleaved_rates(const std::vector<std::function<void()>>& contenders,
                                         const std::vector<double>& work_per_call, int rounds,
                                         double min_round_s);

using power::percentile;

}  // namespace joulebench::cli
