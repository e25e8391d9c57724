// Latency, power and budget figures of the site.
#include "site/analysis.hpp"

#include <algorithm>
#include <cmath>

#include "joulebench/platform/stats.hpp"

namespace joulebench::site {

using json = nlohmann::json;

json latency_json(const std::vector<Request>& requests, double slo_ms, double t0, double t1) {
  std::vector<double> ms;
  std::size_t total = 0, unserved = 0, within = 0;
  for (const auto& r : requests) {
    if (r.arrival < t0 || r.arrival >= t1) continue;
    ++total;
    if (!r.served()) {
      ++unserved;
      continue;
    }
    ms.push_back(r.latency_ms());
    within += r.latency_ms() <= slo_ms ? 1 : 0;
  }
  const auto p = [&](double q) { return ms.empty() ? json() : json(platform::percentile(ms, q)); };
  return {
      {"p50", p(50)},
      {"p99", p(99)},
      {"p999", p(99.9)},
      {"slo_ms", slo_ms},
      {"slo_attainment", total > 0 ? json(static_cast<double>(within) / static_cast<double>(total)) : json()},
      {"requests", total},
      {"unserved", unserved}};
}

std::vector<double> power_bins(const power::Sampler& sampler, std::size_t n, double t0, double t1,
                               double bin_s) {
  std::vector<double> out;
  for (double t = t0; t + bin_s <= t1 + 1e-9; t += bin_s) {
    double joules = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i) {
      const auto w = power::energy_in_window(sampler.sensor_series(i, t, t + bin_s),
                                             sampler.sensors()[i]->is_counter(), t, t + bin_s);
      ok = ok && w.ok;
      joules += w.joules;
    }
    out.push_back(ok ? joules / bin_s : NAN);
  }
  return out;
}

std::vector<double> rate_bins(const power::Series& counter, double t0, double t1, double bin_s) {
  std::vector<double> out;
  for (double t = t0; t + bin_s <= t1 + 1e-9; t += bin_s)
    out.push_back((power::value_at(counter, t + bin_s) - power::value_at(counter, t)) / bin_s);
  return out;
}

json power_stats(const std::vector<double>& watts, const std::vector<double>& budget, double bin_s) {
  std::vector<double> w;
  double over_bins = 0, over_joules = 0, n = 0;
  for (std::size_t i = 0; i < watts.size(); ++i) {
    if (std::isnan(watts[i])) continue;
    w.push_back(watts[i]);
    ++n;
    if (i < budget.size() && watts[i] > budget[i]) {
      ++over_bins;
      over_joules += (watts[i] - budget[i]) * bin_s;
    }
  }
  if (w.empty()) return {{"mean", nullptr}, {"std", nullptr}, {"peak", nullptr}};
  double mean = 0, var = 0;
  for (double x : w) mean += x;
  mean /= n;
  for (double x : w) var += (x - mean) * (x - mean);
  json j{{"mean", mean},
         {"std", std::sqrt(var / n)},
         {"peak", *std::max_element(w.begin(), w.end())},
         {"bin_ms", bin_s * 1e3}};
  if (!budget.empty()) {
    j["over_budget_fraction"] = over_bins / n;
    j["over_budget_joules"] = over_joules;
  }
  return j;
}

std::optional<double> time_to_within_ms(const power::Sampler& sampler, std::size_t n, double t_change,
                                        double t_end, double budget, double window_s, double tolerance) {
  // Power over the window starting at every 5 ms: the last start that is over is what settles.
  // A forward window: a trailing one would charge the window's length to the site.
  std::optional<double> last_over;
  bool any = false;
  for (double t = t_change; t + window_s <= t_end + 1e-9; t += 0.005) {
    const auto bins = power_bins(sampler, n, t, t + window_s, window_s);
    if (bins.empty() || std::isnan(bins.front())) continue;
    any = true;
    if (bins.front() > budget * (1 + tolerance)) last_over = t;
  }
  if (!any) return std::nullopt;
  if (!last_over) return 0.0;
  if (t_end - window_s - *last_over < 0.2) return std::nullopt;  // still over at the end of the segment
  return (*last_over + 0.005 - t_change) * 1e3;
}

}  // namespace joulebench::site
