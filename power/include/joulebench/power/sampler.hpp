// The sampler: one thread reading every selected sensor and work counter at a fixed period on
// the monotonic clock into series that grow in chunks with the run; and the accounting that
// turns windows of it into joules, watts and joules per unit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "joulebench/platform/work_counters.hpp"
#include "joulebench/power/sensor.hpp"

namespace joulebench::power {

/// Points of one signal, times in seconds on the sampler's clock; gaps and unread ticks omitted.
struct Series {
  std::vector<double> t, v;
};

/// An append-only (time, value) series stored in fixed-size chunks: memory follows the number
/// of points kept, and appending never moves what is already there.
class ChunkedSeries {
 public:
  static constexpr std::size_t kChunkPoints = 4096;  ///< 64 KiB per chunk
  void push(double t, double v);
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t bytes() const { return chunks_.size() * sizeof(Chunk); }
  /// Every point with t in [t0, t1], plus the last one before t0 and the first one after t1
  /// (so values at the edges can be interpolated).
  [[nodiscard]] Series slice(double t0, double t1) const;

 private:
  struct Chunk {
    double t[kChunkPoints];
    double v[kChunkPoints];
  };
  [[nodiscard]] double time_at(std::size_t i) const { return chunks_[i / kChunkPoints]->t[i % kChunkPoints]; }
  [[nodiscard]] std::size_t lower_bound(double t) const;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::size_t size_ = 0;
};

struct SamplerConfig {
  /// Tick period: work counters every tick; a sensor no faster than its own update interval.
  std::chrono::microseconds period{1000};
  /// Lower bound on any sensor's read interval (window-energy commands need no 1 kHz reads).
  std::chrono::microseconds min_sensor_interval{0};
};

/// How well the sampler kept its period: what a results file discloses.
struct SamplerStats {
  std::size_t ticks = 0;
  double seconds = 0;          ///< between the first and the last tick
  double achieved_hz = 0;      ///< ticks per second over that span
  double max_gap_ms = 0;       ///< longest interval between consecutive ticks
  std::size_t late_ticks = 0;  ///< intervals longer than twice the period
  std::size_t bytes = 0;       ///< memory held by all series
};

class Sampler {
 public:
  Sampler(std::vector<Sensor*> sensors, std::vector<const platform::WorkCounters*> counters,
          SamplerConfig config = {});
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// Takes a first sample of every signal at once, then one per period on the thread.
  void start();
  void stop();
  /// Seconds since construction on the sampler's monotonic clock (what the series use).
  [[nodiscard]] double now() const;
  /// A steady_clock instant on the sampler's clock, and back.
  [[nodiscard]] double seconds_at(std::chrono::steady_clock::time_point t) const;
  [[nodiscard]] std::chrono::steady_clock::time_point instant(double seconds) const;

  /// A sensor's readings (each stamped at the middle of its own read), whole or over [t0, t1]
  /// with one point either side.
  [[nodiscard]] Series sensor_series(std::size_t sensor) const;
  [[nodiscard]] Series sensor_series(std::size_t sensor, double t0, double t1) const;
  [[nodiscard]] Series counter_series(std::size_t counter) const;
  [[nodiscard]] Series counter_series(std::size_t counter, double t0, double t1) const;
  [[nodiscard]] std::size_t gaps(std::size_t sensor) const;
  /// Blocks until every sensor has a reading at or after `t` (so a window ending at t is
  /// covered), at most two of the slowest sensor's intervals. False on timeout (gaps).
  bool wait_until_read(double t) const;
  [[nodiscard]] std::string last_error(std::size_t sensor) const;
  [[nodiscard]] SamplerStats stats() const;
  [[nodiscard]] const std::vector<Sensor*>& sensors() const { return sensors_; }

 private:
  void loop(const std::stop_token& stop);
  /// One tick; sensors are read only when their interval has passed, unless all_sensors.
  void take_sample(bool all_sensors);

  std::vector<Sensor*> sensors_;
  std::vector<const platform::WorkCounters*> counters_;
  SamplerConfig config_;
  std::vector<double> interval_s_;
  std::chrono::steady_clock::time_point epoch_;
  std::vector<ChunkedSeries> sensor_points_, counter_points_;
  std::vector<double> next_read_s_;
  std::vector<double> last_read_s_;
  std::vector<std::size_t> gaps_;
  std::vector<std::string> last_error_;
  std::size_t ticks_ = 0, late_ticks_ = 0, intervals_ = 0;
  double last_tick_s_ = 0, max_gap_s_ = 0, active_s_ = 0;
  bool resumed_ = true;  // the next tick follows a start(): no interval to count
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

/// Watts of the summed `sensors` over the last `window_s` that all of them cover, from the
/// sampler's series (nullopt while any lacks readings): what a controller reads.
std::optional<double> recent_watts(const Sampler& sampler, const std::vector<std::size_t>& sensors,
                                   double window_s);

/// Median time between changes of a series' value (a counter's real update interval, as
/// observed), in seconds; nullopt with fewer than three changes.
std::optional<double> observed_update_interval(const Series& s);

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
