// Closed-loop cap control: a PI law with anti-windup and a rate limit (pure maths, no thread),
// and a controller thread that holds a watt target by driving any actuator from any sensor.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "joulebench/power/actuator.hpp"
#include "joulebench/power/sensor.hpp"

namespace joulebench::power {

/// Gains act on the normalised error (target - measured) / target and produce the actuator
/// position as a fraction of its range, so one set of defaults suits a 100 W CPU and a 700 W GPU.
struct PiConfig {
  // Defaults from a sweep over simulated plants (tests/power/controller_test.cpp): a RAPL-like
  // plant (lag 0.2 s, dead time 50 ms) settles in ~1.5 s with ~1% overshoot; a GPU-like one
  // (lag 1 s, dead time 0.2 s) in ~8 s with ~21% overshoot and no oscillation (ki 0.3: 6.5 s, 5%).
  double kp = 0.1;              ///< per unit of normalised error
  double ki = 1.0;              ///< per second per unit of normalised error
  double period_s = 0.05;       ///< control period
  double max_step_per_s = 2.0;  ///< rate limit, fraction of range per second
  /// Normalised errors within +-dead_band change nothing (output and integral held): set from the
  /// measured noise, so the loop does not chase it into a limit cycle. 0: none.
  double dead_band = 0;
};

/// Gains for a plant whose measured power lags the actuator by `lag_s` (its time constant plus
/// half the sensor's averaging window) and whose 100 ms power bins scatter by `noise_fraction` of
/// the target: the defaults, the integral slowed so that ki x lag stays at most 0.3 (the loop
/// cannot outrun what it sees), and a dead band at the noise.
PiConfig pi_for_plant(double lag_s, double noise_fraction);

class PiController {
 public:
  explicit PiController(PiConfig config, double initial_output = 1.0);
  /// One control step: returns the new output in [0, 1]. Integration stops while the output
  /// is pinned at a limit in the direction the error pushes (anti-windup).
  double update(double target, double measured, double dt);
  [[nodiscard]] double output() const { return output_; }
  void reset(double output);

 private:
  PiConfig config_;
  double integral_;
  double output_;
};

/// Watts over the most recent control period, or nullopt for a gap. The controller never reads a
/// sensor itself: the sampler is every sensor's one reader (two readers of one counter see its
/// reads out of order), and the controller reads the sampler's series (see recent_watts).
using PowerReader = std::function<std::optional<double>()>;

/// Holds `target_watts` by taking watts from `power` and setting `actuator` every period, on its
/// own thread. Records (time, watts, output) for analysis.
class CapController {
 public:
  struct Point {
    double t, watts, actuator_value;
  };
  CapController(PowerReader power, Actuator& actuator, PiConfig config);
  ~CapController();
  void start(double target_watts);
  void set_target(double target_watts);
  void stop();
  [[nodiscard]] std::vector<Point> history() const;

 private:
  void loop(const std::stop_token& stop);
  PowerReader power_;
  Actuator& actuator_;
  PiConfig config_;
  std::atomic<double> target_{0};
  mutable std::mutex mutex_;
  std::vector<Point> history_;
  std::jthread thread_;
};

}  // namespace joulebench::power
