// What the stages of `joulebench run` share: the run's state, the workload under study with its
// sampler, a measured window, and the JSON helpers every stage writes with. Private to the suite.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "joulebench/platform/workload.hpp"
#include "joulebench/power/actuator.hpp"
#include "joulebench/power/sampler.hpp"
#include "suite/load.hpp"
#include "suite/progress.hpp"
#include "suite/run.hpp"

namespace joulebench::suite {

using json = nlohmann::json;

/// median, p5, p95, min, max and n of `v`.
json stats_json(const std::vector<double>& v);
/// Coefficient of variation (population), 0 for a zero mean.
double cv(const std::vector<double>& v);
inline json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

// State of one run: options, sensors, the results document, progress.
struct Run {
  RunOptions o;  // a copy: defaults are filled in here
  Timing timing;
  power::SensorSet sensors;
  std::string energy_kind, energy_sensor;
  double idle_watts = 0;
  json results;
  json timeseries = json::array();
  Progress progress{true};
  bool stopped = false;
  std::unique_ptr<power::CapJournal> journal;
  std::vector<std::unique_ptr<power::Actuator>> hardware;  // only with --allow-hw-caps

  /// Sleeps `seconds` in short steps, updating the progress line; false if interrupted.
  bool wait(double seconds, const std::function<void()>& tick = {});
  void save() const;
  [[nodiscard]] bool measured() const { return energy_kind == "measured"; }
};

/// One window of a workload: throughput, energy of the primary sensors, latencies, load beside it.
struct Window {
  double seconds = 0, units = 0, throughput = 0, watts = 0, joules = 0, jpu_gross = 0, jpu_net = 0;
  bool energy_ok = false;
  std::vector<double> latencies;
  std::optional<double> beside_watts;  ///< the on-chip sensors sampled beside a meter
};

/// Energy of sampler sensors first..last-1 summed over [t0, t1]; ok only when there are some and
/// every one covers the window.
power::WindowEnergy sensors_energy(const power::Sampler& s, std::size_t first, std::size_t last, double t0,
                                   double t1);
/// Energy of the primary sensors (sampler sensors 0..n-1) summed over [t0, t1].
inline power::WindowEnergy primary_energy(const power::Sampler& s, std::size_t n, double t0, double t1) {
  return sensors_energy(s, 0, n, t0, t1);
}

// One workload being characterised: the workload, its runner thread and its sampler.
struct Subject {
  /// Starts `workload` running under a sampler of the run's primary sensors.
  Subject(Run& run, std::unique_ptr<platform::Workload> workload);
  ~Subject();
  Subject(const Subject&) = delete;
  Subject& operator=(const Subject&) = delete;
  [[nodiscard]] Window window(const Run& run, double t0, double t1) const;
  /// Work units done by [t0, t1] per second, from the 1 kHz counter.
  [[nodiscard]] double rate(double t0, double t1) const;

  std::unique_ptr<platform::Workload> workload;
  power::Sampler sampler;
  std::stop_source stop;
  std::jthread runner;
};

/// A window as results.json stores it; energy figures are null (never 0) when not valid.
json window_json(const Run& run, const Window& w);

// The stages, in run order (measure.cpp, steps.cpp).
void idle_baseline(Run& run);
json warm_up(Run& run, Subject& s);
void measure(Run& run, Subject& s, json& wj);
json sampler_overhead(Run& run, Subject& s);
void sweep(Run& run, Subject& s, power::Actuator& a, const json& full, json& curve);
void steps(Run& run, Subject& s, power::Actuator& a, json& out);
json watt_target_step(Run& run, Subject& s, power::Actuator& duty, double full_watts);

}  // namespace joulebench::suite
