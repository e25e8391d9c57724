// The live progress line: stage, workload, elapsed, current rate and watts. Redrawn in place on a
// terminal; one line per stage otherwise (logs, CI).
#pragma once

#include <chrono>
#include <string>

namespace joulebench::suite {

class Progress {
 public:
  explicit Progress(bool enabled = true);
  /// Expected length of the whole run, for the "remaining" estimate.
  void set_plan(double total_seconds) { planned_s_ = total_seconds; }
  /// A new stage, planned to take `planned_s` (0: not in the plan). Time left is the plan's
  /// remaining stages scaled by how long the finished stages took against their plan.
  void set_stage(const std::string& stage, const std::string& workload, const std::string& unit,
                 double planned_s = 0);
  /// Seconds left: what the plan has not reached yet, scaled by actual/planned of the stages done.
  [[nodiscard]] double seconds_left() const;
  void set_rates(double rate, double watts, const std::string& energy_kind);
  /// The cap in force, shown on the line ("duty 30%"); an empty name clears it.
  void set_cap(const std::string& actuator, double level);
  /// Redraws at most 5 times a second.
  void draw();
  void finish();

 private:
  bool enabled_, tty_;
  std::string stage_, workload_, unit_, kind_, cap_;
  double rate_ = 0, watts_ = 0, planned_s_ = 0;
  double stage_planned_s_ = 0, done_planned_s_ = 0, done_actual_s_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_, stage_start_;
};

}  // namespace joulebench::suite
