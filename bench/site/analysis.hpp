// What the site report is made of: latency percentiles and SLO attainment of requests, power
// statistics against a budget, and the time the site took to get inside a new budget.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "joulebench/power/sampler.hpp"
#include "site/front.hpp"

namespace joulebench::site {

/// {p50, p99, p999, slo_attainment, requests, unserved} of the requests that arrived in [t0, t1);
/// an unserved request counts as an SLO miss.
nlohmann::json latency_json(const std::vector<Request>& requests, double slo_ms, double t0 = -1e300,
                            double t1 = 1e300);

/// Average watts of the summed sensors 0..n-1 in consecutive bins of [t0, t1].
std::vector<double> power_bins(const power::Sampler& sampler, std::size_t n, double t0, double t1,
                               double bin_s);

/// Rate of a counter in consecutive bins of [t0, t1], counts per second.
std::vector<double> rate_bins(const power::Series& counter, double t0, double t1, double bin_s);

/// {mean, std, peak, over_budget_fraction, over_budget_joules} of power bins; `budget` per bin
/// (empty: no budget, and no over-budget figures).
nlohmann::json power_stats(const std::vector<double>& watts, const std::vector<double>& budget, double bin_s);

/// From `t_change`, the time until site power, averaged over every `window_s` from then on, is at
/// or under `budget` x (1 + `tolerance`) until `t_end`; nullopt if it never gets there. The
/// window is the budget's averaging interval: a budget bounds mean power, not each millisecond.
std::optional<double> time_to_within_ms(const power::Sampler& sampler, std::size_t n, double t_change,
                                        double t_end, double budget, double window_s = 0.5,
                                        double tolerance = 0.02);

}  // namespace joulebench::site
