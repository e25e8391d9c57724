// `joulebench site`: inference in front, mining behind, one power budget. Three runs in one
// process on the same cores and the same request stream: the front alone, the back alone, and
// both together under the budget, with one PI controller steering the back first and the front
// only when the back is already stopped. Writes results.json (section `site`) and report.html.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "joulebench/power/meter.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::site {

struct SiteOptions {
  std::string front = "ffn";         ///< inference workload; its batch becomes max_batch
  std::string load = "poisson:50%";  ///< see parse_load
  int max_batch = 8;
  double batch_wait_ms = 2;
  double slo_ms = 50;
  std::optional<std::string> budget;    ///< "60W" or "70%"; none: the co-run is uncapped
  std::optional<std::string> schedule;  ///< CSV of time,budget
  std::optional<std::string> planner;   ///< a run's results directory: predict, then report the error
  bool quick = false;
  double phase_s = 0;  ///< seconds of each stream phase; 0: 12 (quick) or 60
  std::uint32_t seed = 1;
  std::filesystem::path out = "joulebench-site";
  power::SysfsRoot root;
  std::optional<std::filesystem::path> calibration;
  std::optional<std::string> meter;  ///< --meter URL: the primary energy source
  power::MeterOptions meter_options;
  std::size_t threads = 0;
  bool pin = true;
  bool back_priority = true;  ///< the back's workers at background priority (SCHED_IDLE)
  /// A budget the front alone exceeds: "budget" (the grid's obligation: throttle the front, report
  /// the SLO loss) or "slo" (keep the front whole, report the excess energy).
  std::string when_infeasible = "budget";
  bool progress = true;
};

/// Runs the site; 0, or 128 + the signal when interrupted (partial results written).
int run_site(const SiteOptions& options);

}  // namespace joulebench::site
