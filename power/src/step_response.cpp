// analyze_step, rate_series, percentile.
#include "joulebench/power/step_response.hpp"

#include <algorithm>
#include <cmath>

namespace joulebench::power {

namespace {

// 1.4826 x median absolute deviation: a sigma that a few preempted samples cannot inflate.
double robust_sigma(const std::vector<double>& v, double median) {
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::fabs(x - median));
  return 1.4826 * percentile(dev, 50);
}

// Median of the samples in (t[i] - window, t[i]] for each i (window 0: the samples themselves).
std::vector<double> moving_median(const std::vector<double>& t, const std::vector<double>& v, double window) {
  if (window <= 0) return v;
  std::vector<double> out(v.size()), w;
  std::size_t first = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    while (t[first] <= t[i] - window) ++first;
    w.assign(v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    out[i] = percentile(w, 50);
  }
  return out;
}

}  // namespace

StepMetrics analyze_step(const std::vector<double>& t, const std::vector<double>& v, double t_cmd,
                         double t_end, const StepOptions& o) {
  StepMetrics m;
  std::vector<double> pre, tail;
  const double tail_start = t_end - o.tail_fraction * (t_end - t_cmd);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] >= t_cmd - o.pre_s && t[i] < t_cmd) pre.push_back(v[i]);
    if (t[i] >= tail_start && t[i] <= t_end) tail.push_back(v[i]);
  }
  if (pre.empty() || tail.empty()) return m;
  m.before = percentile(pre, 50);
  m.after = percentile(tail, 50);
  const double sigma = robust_sigma(tail, m.after);
  if (m.after != 0) m.noise_pct = 100.0 * sigma / std::fabs(m.after);
  std::vector<double> dev;
  for (double x : tail) dev.push_back(std::fabs(x - m.after));
  if (m.after != 0) m.ripple_pct = 100.0 * percentile(dev, 99) / std::fabs(m.after);
  const std::vector<double> smooth = moving_median(t, v, o.settle_median_s);
  const double change = m.after - m.before;
  m.upward = change > 0;
  if (std::fabs(change) <= 1e-12) return m;
  // A new level near zero (a pause) gets a band of 5% of the change, not of nothing.
  const double scale = std::fabs(m.after) < 0.05 * std::fabs(change) ? std::fabs(change) : std::fabs(m.after);
  const double band = std::max(o.band * scale, o.noise_sigmas * sigma);
  m.band_pct = 100.0 * band / scale;
  double extreme = m.after;
  std::optional<std::size_t> last_outside, last_in_hold;
  const std::pair<double, std::optional<double>*> crossings[] = {
      {0.1, &m.react_ms}, {0.5, &m.t50_ms}, {0.9, &m.t90_ms}};
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < t_cmd || t[i] > t_end) continue;
    last_in_hold = i;
    for (const auto& [fraction, result] : crossings) {
      const double level = m.before + fraction * change;
      const bool past = m.upward ? v[i] >= level : v[i] <= level;
      if (!*result && past) *result = (t[i] - t_cmd) * 1e3;
    }
    if (std::fabs(smooth[i] - m.after) > band) last_outside = i;
    extreme = m.upward ? std::max(extreme, v[i]) : std::min(extreme, v[i]);
  }
  m.overshoot_pct = 100.0 * std::fabs(extreme - m.after) / std::fabs(change);
  // Settled = the first sample after the last excursion, if the signal then stays in the band for
  // at least min_dwell of the hold (a signal merely passing through at the end has not settled).
  if (!last_outside) {
    m.settle_ms = 0.0;
  } else if (last_in_hold && *last_outside < *last_in_hold) {
    const double entered = t[*last_outside + 1];
    if (t_end - entered >= o.min_dwell * (t_end - t_cmd)) m.settle_ms = (entered - t_cmd) * 1e3;
  }
  return m;
}

void rate_series(const std::vector<double>& t, const std::vector<double>& counts, double window_s,
                 std::vector<double>& t_out, std::vector<double>& rate_out) {
  t_out.clear();
  rate_out.clear();
  // The count at exactly t - window is interpolated between its neighbours, so every rate spans
  // the same time (a window of whole duty periods then reads the same whatever the phase).
  std::size_t j = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double start = t[i] - window_s;
    if (start < t.front()) continue;
    while (j + 1 < i && t[j + 1] <= start) ++j;
    const double span = t[j + 1] - t[j];
    const double at_start =
        span > 0 ? counts[j] + (counts[j + 1] - counts[j]) * (start - t[j]) / span : counts[j];
    t_out.push_back(t[i]);
    rate_out.push_back((counts[i] - at_start) / window_s);
  }
}

}  // namespace joulebench::power
