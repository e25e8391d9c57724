// Step-response analysis of a sampled signal around a commanded change: reaction time, settling
// time, overshoot (METHOD.md: react = command -> 10% of the change; settle = within +/-5% of the
// new steady level and staying there).
#pragma once

#include <optional>
#include <vector>

namespace joulebench::power {

struct StepMetrics {
  double before = 0;                ///< steady level before the command (median)
  double after = 0;                 ///< new steady level (median of the last part of the hold)
  std::optional<double> react_ms;   ///< command -> first sample past 10% of the change
  std::optional<double> settle_ms;  ///< command -> entering the band for good (none: never settled)
  double overshoot_pct = 0;         ///< beyond the new level, % of the change
  double noise_pct = 0;             ///< half the p5..p95 range at the new level, % of `after`:
                                    ///< when it nears the 5% band, settling is noise-limited
  bool upward = false;
};

struct StepOptions {
  double pre_s = 0.2;          ///< window before the command for `before`
  double tail_fraction = 0.3;  ///< last part of the hold used for `after`
  double band = 0.05;          ///< settling band, fraction of the new level
  double react_fraction = 0.1;
  double min_dwell = 0.1;  ///< settled only if it then stays in the band this share of the hold
};

/// t (s, ascending) and v; the command at t_cmd; the hold ends at t_end. Inverted (upward) steps
/// are handled symmetrically. A new level near zero uses a band of 5% of the change instead.
StepMetrics analyze_step(const std::vector<double>& t, const std::vector<double>& v, double t_cmd,
                         double t_end, const StepOptions& options = {});

/// Rate of a cumulative counter: (c(t) - c(t - window)) / window at each sample time >= window.
void rate_series(const std::vector<double>& t, const std::vector<double>& counts, double window_s,
                 std::vector<double>& t_out, std::vector<double>& rate_out);

/// p-th percentile (0..100), linear interpolation; 0 for an empty input.
double percentile(std::vector<double> values, double p);

}  // namespace joulebench::power
