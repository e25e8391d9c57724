// The site's power budget and the one knob the site controller turns: a budget in watts or as a
// share of the full-load power measured at the start, optionally moved by a schedule (demand
// response), and a site actuator that gives up the back (mining) first and the front only when
// the back is already stopped.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "joulebench/platform/throttle.hpp"
#include "joulebench/power/actuator.hpp"

namespace joulebench::site {

/// "60W" or "70%" (of full-load power). Throws std::invalid_argument naming the text.
struct Budget {
  double value = 0;
  bool share = false;
  [[nodiscard]] double watts(double full_load_watts) const { return share ? value * full_load_watts : value; }
};
Budget parse_budget(const std::string& text, const std::string& what = "--budget");

/// Budget over time: (seconds from the co-run's start, budget) pairs, ascending; before the
/// first entry the base budget holds.
class BudgetSchedule {
 public:
  BudgetSchedule(Budget base, std::vector<std::pair<double, Budget>> changes);
  /// Reads a CSV of `time,budget` lines (seconds, and watts or "NN%"); a header line is allowed.
  static std::vector<std::pair<double, Budget>> read(const std::string& file);
  [[nodiscard]] double watts_at(double t, double full_load_watts) const;
  [[nodiscard]] const std::vector<std::pair<double, Budget>>& changes() const { return changes_; }
  /// Where each phase of constant budget starts: 0, then every change.
  [[nodiscard]] std::vector<double> phase_starts() const;
  [[nodiscard]] Budget base() const { return base_; }

 private:
  Budget base_;
  std::vector<std::pair<double, Budget>> changes_;
};

/// One position for the whole site, 0..1: from 1 down to 0.5 the back's duty goes from full to
/// stopped with the front untouched; below 0.5 the back stays stopped and the front's duty
/// cycle goes down to 5%. A PI law on this one actuator steers both workloads. The front is
/// throttled only once the position falls below 0.5 - kFrontHysteresis and released at 0.5, so
/// noise around the hand-over does not chatter between the two; with `protect_front` (the
/// `slo` policy) it is never throttled.
class SiteActuator final : public power::Actuator {
 public:
  static constexpr double kFrontHysteresis = 0.05;
  SiteActuator(platform::ThrottleState& back, platform::ThrottleState& front, bool protect_front = false);
  [[nodiscard]] std::string name() const override { return "site"; }
  [[nodiscard]] std::string unit() const override { return "fraction"; }
  [[nodiscard]] bool hardware() const override { return false; }
  [[nodiscard]] double min() const override { return 0; }
  [[nodiscard]] double max() const override { return 1; }
  [[nodiscard]] double value() const override;
  power::CapResult set(double position) override;
  void restore() override;
  /// The back's level (0 stopped .. 1 full) and the front's duty now.
  [[nodiscard]] double back_level() const;
  [[nodiscard]] double front_duty() const;

 private:
  platform::ThrottleState& back_;
  platform::ThrottleState& front_;
  bool protect_front_;
  mutable std::mutex mutex_;
  double position_ = 1;
  bool front_engaged_ = false;  ///< the front's duty follows the position (below the hand-over)
};

}  // namespace joulebench::site
