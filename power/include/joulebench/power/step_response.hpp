// Step-response analysis of a sampled signal around a commanded change: reaction time (t10), t50,
// t90, settling time and overshoot (results/METHOD.md: react = command -> 10% of the change;
// settle = within a band of the new level, max(5%, 3 sigma of its own noise), and staying there).
#pragma once

#include <optional>
#include <vector>

#include "joulebench/platform/stats.hpp"

namespace joulebench::power {

struct StepMetrics {
  double before = 0;  ///< steady level before the command (median)
  double after = 0;   ///< new steady level (median of the last part of the hold)
  /// Command -> first sample past 10%, 50% and 90% of the change. react_ms is t10 (results/METHOD.md).
  std::optional<double> react_ms, t50_ms, t90_ms;
  /// Command -> entering the band around the new level for good (none: never settled).
  std::optional<double> settle_ms;
  double overshoot_pct = 0;  ///< beyond the new level, % of the change
  /// Robust noise of the signal at the new level: 1.4826 x the median absolute deviation of
  /// the tail, % of `after` (a sigma, for Gaussian noise).
  double noise_pct = 0;
  /// The settling band used, % of the new level: max(band floor, noise_sigmas x noise), so a
  /// noisy signal is judged against its own noise, not a fixed 5% it keeps leaving.
  double band_pct = 0;
  /// The raw signal's ripple around the new level: p99 of |v - after| over the tail, % of `after`.
  double ripple_pct = 0;
  bool upward = false;
};

struct StepOptions {
  double pre_s = 0.2;          ///< window before the command for `before`
  double tail_fraction = 0.3;  ///< last part of the hold used for `after` and the noise
  double band = 0.05;          ///< settling band floor, fraction of the new level
  double noise_sigmas = 3;     ///< the band is at least this many noise sigmas
  double min_dwell = 0.1;      ///< settled only if it then stays in the band this share of the hold
  /// Settling is judged on the moving median of the last `settle_median_s` (0: the raw signal), so
  /// the ripple of a noisy host does not decide when the level has settled; a few of the signal's
  /// own windows is enough (one window's ripple cannot move a median of three).
  double settle_median_s = 0;
};

/// t (s, ascending) and v; the command at t_cmd; the hold ends at t_end. Inverted (upward) steps
/// are handled symmetrically. A new level near zero uses a band of 5% of the change instead.
StepMetrics analyze_step(const std::vector<double>& t, const std::vector<double>& v, double t_cmd,
                         double t_end, const StepOptions& options = {});

/// Rate of a cumulative counter: (c(t) - c(t - window)) / window at each sample time >= window.
void rate_series(const std::vector<double>& t, const std::vector<double>& counts, double window_s,
                 std::vector<double>& t_out, std::vector<double>& rate_out);

using platform::percentile;

}  // namespace joulebench::power
