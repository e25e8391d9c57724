// The sampler: one thread reading every selected sensor and work counter at a fixed period on
// the monotonic clock into a preallocated ring; and the accounting that turns windows of it
// into joules, watts and joules per unit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "joulebench/power/sensor.hpp"
#include "joulebench/power/work_counters.hpp"

namespace joulebench::power {

/// Points of one signal, times in seconds on the sampler's clock; gaps and unread ticks omitted.
struct Series {
  std::vector<double> t, v;
};

struct SamplerConfig {
  std::chrono::microseconds period{
      1000};                       ///< fast counters; a sensor is read no faster than its own interval
  std::size_t capacity = 1 << 20;  ///< samples kept (ring); ~17 min at 1 kHz
};

class Sampler {
 public:
  Sampler(std::vector<Sensor*> sensors, std::vector<const WorkCounters*> counters, SamplerConfig config = {});
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void start();
  void stop();
  /// Seconds since construction on the sampler's monotonic clock (what the series use).
  [[nodiscard]] double now() const;
  /// A steady_clock instant on the sampler's clock, and back.
  [[nodiscard]] double seconds_at(std::chrono::steady_clock::time_point t) const;
  [[nodiscard]] std::chrono::steady_clock::time_point instant(double seconds) const;

  [[nodiscard]] Series sensor_series(std::size_t sensor) const;
  [[nodiscard]] Series counter_series(std::size_t counter) const;
  [[nodiscard]] std::size_t gaps(std::size_t sensor) const;
  /// Blocks until every sensor has a reading at or after `t` (so a window ending at t is
  /// covered), at most two of the slowest sensor's intervals. False on timeout (gaps).
  bool wait_until_read(double t) const;
  [[nodiscard]] std::string last_error(std::size_t sensor) const;
  [[nodiscard]] std::size_t samples_taken() const { return taken_.load(); }
  [[nodiscard]] const std::vector<Sensor*>& sensors() const { return sensors_; }

 private:
  void loop(const std::stop_token& stop);
  /// One row; sensors are read only when their update interval has passed, unless all_sensors.
  void take_sample(bool all_sensors);

  std::vector<Sensor*> sensors_;
  std::vector<const WorkCounters*> counters_;
  SamplerConfig config_;
  std::chrono::steady_clock::time_point epoch_;
  // Ring of `capacity` rows: time, then one value per sensor (NaN: not read or gap), then counters.
  std::vector<double> ring_;
  std::size_t width_;
  std::atomic<std::size_t> taken_{0};
  std::vector<double> next_read_s_;
  std::vector<double> last_read_s_;
  std::vector<std::size_t> gaps_;
  std::vector<std::string> last_error_;
  std::vector<double> row_;
  mutable std::mutex mutex_;
  std::jthread thread_;
};

/// Energy over [t0, t1]: a counter's rise (interpolated at both edges) or the trapezoidal integral
/// of power. ok=false when the series does not cover the window.
struct WindowEnergy {
  bool ok = false;
  double seconds = 0, joules = 0, watts = 0;
};
WindowEnergy energy_in_window(const Series& s, bool counter, double t0, double t1);
/// Value of a monotonic series at t (linear interpolation, clamped to its ends).
double value_at(const Series& s, double t);

/// Efficiency of a window: energy from one sensor, work from one counter.
struct Efficiency {
  std::string sensor;
  Provenance provenance = Provenance::estimated;
  double seconds = 0, joules = 0, watts = 0;
  double idle_watts = 0;  ///< subtracted for the net figure
  double units = 0;       ///< work units in the window
  double throughput_per_s = 0;
  double joules_per_unit_gross = 0, joules_per_unit_net = 0;
};

Efficiency efficiency(const Sampler& sampler, std::size_t sensor, std::size_t counter, double counts_per_unit,
                      double t0, double t1, double idle_watts);

}  // namespace joulebench::power
