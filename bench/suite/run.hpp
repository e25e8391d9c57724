// `joulebench run`: detect, idle baseline, per workload warm-up / measured repeats / cap sweep /
// throttle step responses, and the results directory.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/power/meter.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::inference {
class Model;
}

namespace joulebench::suite {

/// Our kernels against the best library built in, on one inference workload's model (threads,
/// quick): workloads[].kernel_vs_library. The CLI supplies it, since the libraries link only there.
using KernelVsLibrary = std::function<nlohmann::json(inference::Model&, int, bool)>;

/// Durations of each stage; `quick()` is the CI/smoke variant (whole run < 60 s on 2 cores).
struct Timing {
  double idle_s = 5;
  double warm_window_s = 1.0, warm_max_s = 20;  ///< steady = CV < thresholds over 4 windows
  double measure_window_s = 10;
  int repeats = 6;  ///< 60 s measured per workload: MLPerf Power's minimum
  double level_settle_s = 0.3, level_window_s = 2.5;
  int step_repeats = 4;
  double step_hold_s = 0.8;
  double overhead_window_s = 0.5;
  int overhead_pairs = 4;
  static Timing quick();
  // Planned stage lengths (warm-up at its minimum of 4 windows): the progress line's time left.
  [[nodiscard]] double warmup_s() const { return 4 * warm_window_s; }
  [[nodiscard]] double measure_s() const { return repeats * measure_window_s; }
  [[nodiscard]] double overhead_s() const { return 2 * overhead_pairs * overhead_window_s; }
  [[nodiscard]] double sweep_s(std::size_t levels) const {
    return static_cast<double>(levels) * (level_settle_s + level_window_s);
  }
  [[nodiscard]] double steps_s(std::size_t depths) const {
    return static_cast<double>(depths) * step_repeats * 2.5 * step_hold_s;
  }
};

struct RunOptions {
  std::vector<std::string> workloads;  ///< empty: default_workloads()
  std::vector<std::string> actuators;  ///< empty: duty, workers (+ hardware ones with allow_hw_caps)
  std::vector<double> levels;          ///< fractions of each actuator's max; empty: 1.0 .. 0.1
  std::vector<double> step_levels;     ///< step depths, fractions; empty: 0.7, 0.5, 0.3, 0.1
  bool quick = false;
  bool allow_hw_caps = false;
  std::filesystem::path out;
  power::SysfsRoot root;
  std::optional<std::filesystem::path> calibration;
  std::optional<std::string> meter;  ///< --meter URL: the primary energy source
  power::MeterOptions meter_options;
  std::size_t threads = 0;
  bool pin = true;
  bool progress = true;
  KernelVsLibrary kernel_vs_library;  ///< empty: no library built in (recorded as such)
  std::string gemm_kernel;            ///< --kernel: the inference workloads' GEMM kernel (ISA or name)
};

/// Runs the suite and writes `out/` (results.json kept valid and marked incomplete throughout,
/// complete at the end). Returns 0, or 128 + the signal when interrupted (partial results written).
int run_suite(const RunOptions& options);

}  // namespace joulebench::suite
