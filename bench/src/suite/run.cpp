// The suite driver: stages in order, results.json rewritten (atomically) after each one.
#include "suite/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "joulebench/power/actuator.hpp"
#include "joulebench/power/controller.hpp"
#include "joulebench/power/sampler.hpp"
#include "joulebench/power/step_response.hpp"
#include "joulebench/power/topology.hpp"
#include "power_setup.hpp"
#include "signals.hpp"
#include "suite/machine.hpp"
#include "suite/outputs.hpp"
#include "suite/progress.hpp"
#include "suite/workloads.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Throughput for step analysis: the 1 kHz work counter's rate over a trailing 20 ms window, two
// duty periods, so a duty-cycled workload reads as its average rather than as on/off pulses.
constexpr double kRateWindowS = 0.02;

json stats_json(const std::vector<double>& v) {
  return {{"median", power::percentile(v, 50)}, {"p5", power::percentile(v, 5)},
          {"p95", power::percentile(v, 95)},    {"min", power::percentile(v, 0)},
          {"max", power::percentile(v, 100)},   {"n", v.size()}};
}

double cv(const std::vector<double>& v) {
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return mean != 0 ? std::sqrt(var / static_cast<double>(v.size())) / std::fabs(mean) : 0;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

// State of one run: options, sensors, the results document, progress.
struct Run {
  RunOptions o;  // a copy: defaults are filled in here
  Timing timing;
  power::SensorSet sensors;
  std::string energy_kind, energy_sensor;
  double idle_watts = 0;
  json results;
  json timeseries = json::array();
  Progress progress;
  bool stopped = false;
  std::unique_ptr<power::CapJournal> journal;
  std::vector<std::unique_ptr<power::Actuator>> hardware;  // only with --allow-hw-caps

  // Sleeps `seconds` in short steps, updating the progress line; false if interrupted.
  bool wait(double seconds, const std::function<void()>& tick = {}) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (cli::interrupted()) {
        stopped = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (tick) tick();
      progress.draw();
    }
    return true;
  }
  void save() { write_results_json(o.out, results); }
};

// Energy of the primary sensors (sensor indices 0..n-1 of the sampler) summed over a window.
power::WindowEnergy primary_energy(const power::Sampler& s, std::size_t n, double t0, double t1) {
  power::WindowEnergy total{true, t1 - t0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = power::energy_in_window(s.sensor_series(i, t0, t1), s.sensors()[i]->is_counter(), t0, t1);
    total.ok = total.ok && w.ok;
    total.joules += w.joules;
  }
  total.watts = total.joules / total.seconds;
  return total;
}

struct Window {
  double seconds = 0, units = 0, throughput = 0, watts = 0, joules = 0, jpu_gross = 0, jpu_net = 0;
  bool energy_ok = false;
  std::vector<double> latencies;
};

// One workload being characterised: the workload, its runner thread and its sampler.
struct Subject {
  Subject(Run& run, const std::string& name)
      : workload(make_workload(name, run.o.threads, run.o.pin)),
        sampler(run.sensors.primary, {&workload->counters()}) {
    sampler.start();
    runner = std::jthread([this] { workload->run(stop.get_token()); });
  }
  ~Subject() {
    stop.request_stop();
    workload->throttle().resume();
    if (runner.joinable()) runner.join();
    sampler.stop();
  }
  Window window(const Run& run, double t0, double t1) const {
    sampler.wait_until_read(t1);  // a slow sensor's next reading closes the window
    Window w;
    const auto counts = sampler.counter_series(0, t0, t1);
    w.seconds = t1 - t0;
    w.units = (power::value_at(counts, t1) - power::value_at(counts, t0)) / workload->counts_per_unit();
    w.throughput = w.units / w.seconds;
    const auto e = primary_energy(sampler, run.sensors.primary.size(), t0, t1);
    w.energy_ok = e.ok;
    w.watts = e.watts;
    w.joules = e.joules;
    if (w.units > 0) {
      w.jpu_gross = e.joules / w.units;
      w.jpu_net = (e.joules - run.idle_watts * w.seconds) / w.units;
    }
    w.latencies = latencies_ms(*workload, sampler.instant(t0), sampler.instant(t1));
    return w;
  }
  std::unique_ptr<power::Workload> workload;
  power::Sampler sampler;
  std::stop_source stop;
  std::jthread runner;
};

json window_json(const Run& run, const Window& w) {
  json j{{"seconds", w.seconds},
         {"throughput_per_s", w.throughput},
         {"watts", w.watts},
         {"joules", w.joules},
         {"joules_per_unit", {{"gross", w.jpu_gross}, {"net", w.jpu_net}}},
         {"energy_kind", run.energy_kind},
         {"energy_ok", w.energy_ok}};
  if (!w.latencies.empty()) {
    j["latency_ms"] = {{"p50", power::percentile(w.latencies, 50)},
                       {"p99", power::percentile(w.latencies, 99)}};
  }
  return j;
}

void idle_baseline(Run& run) {
  run.progress.set_stage("idle baseline", "", "");
  power::Sampler s(run.sensors.primary, {});
  s.start();
  const double t0 = s.now();
  run.wait(run.timing.idle_s);
  const double t1 = s.now();
  s.stop();
  const auto e = primary_energy(s, run.sensors.primary.size(), t0, t1);
  run.idle_watts = e.ok ? e.watts : 0;
  run.results["idle"] = {{"watts", run.idle_watts},
                         {"seconds", t1 - t0},
                         {"energy_kind", run.energy_kind},
                         {"sensor", run.energy_sensor},
                         {"ok", e.ok}};
}

// Windows until throughput and power are steady (CV over the last 4 below 2% / 5%).
json warm_up(Run& run, Subject& s) {
  run.progress.set_stage("warm-up", s.workload->name(), s.workload->unit());
  std::vector<double> thr, watts;
  double t = s.sampler.now();
  const double start = t;
  bool steady = false;
  while (!steady && t - start < run.timing.warm_max_s && run.wait(run.timing.warm_window_s)) {
    const double t1 = s.sampler.now();
    const Window w = s.window(run, t, t1);
    thr.push_back(w.throughput);
    watts.push_back(w.watts);
    run.progress.set_rates(w.throughput, w.watts, run.energy_kind);
    t = t1;
    if (thr.size() >= 4) {
      const std::vector<double> lt(thr.end() - 4, thr.end()), lw(watts.end() - 4, watts.end());
      steady = cv(lt) < 0.02 && cv(lw) < 0.05;
    }
  }
  const auto last4 = [](const std::vector<double>& v) {
    return std::vector<double>(v.end() - std::min<std::ptrdiff_t>(4, static_cast<std::ptrdiff_t>(v.size())),
                               v.end());
  };
  return {{"seconds", t - start},
          {"steady", steady},
          {"windows", thr.size()},
          {"cv_throughput", thr.empty() ? 0 : cv(last4(thr))},
          {"cv_watts", watts.empty() ? 0 : cv(last4(watts))},
          {"energy_kind", run.energy_kind}};
}

void measure(Run& run, Subject& s, json& wj) {
  run.progress.set_stage("measure", s.workload->name(), s.workload->unit());
  std::vector<double> thr, watts, gross, net, lat;
  json repeats = json::array();
  for (int r = 0; r < run.timing.repeats; ++r) {
    const double t0 = s.sampler.now();
    if (!run.wait(run.timing.measure_window_s)) break;
    const Window w = s.window(run, t0, s.sampler.now());
    repeats.push_back(window_json(run, w));
    thr.push_back(w.throughput);
    watts.push_back(w.watts);
    gross.push_back(w.jpu_gross);
    net.push_back(w.jpu_net);
    lat.insert(lat.end(), w.latencies.begin(), w.latencies.end());
    run.progress.set_rates(w.throughput, w.watts, run.energy_kind);
  }
  wj["repeats"] = repeats;
  wj["throughput_per_s"] = power::percentile(thr, 50);
  wj["watts"] = power::percentile(watts, 50);
  wj["joules_per_unit"] = {{"gross", power::percentile(gross, 50)},
                           {"net", power::percentile(net, 50)},
                           {"energy_kind", run.energy_kind},
                           {"sensor", run.energy_sensor}};
  wj["energy_kind"] = run.energy_kind;
  wj["spread"] = {{"throughput_per_s", stats_json(thr)},
                  {"watts", stats_json(watts)},
                  {"joules_per_unit_gross", stats_json(gross)},
                  {"joules_per_unit_net", stats_json(net)},
                  {"energy_kind", run.energy_kind}};
  if (!lat.empty())
    wj["latency_ms"] = {{"p50", power::percentile(lat, 50)}, {"p99", power::percentile(lat, 99)}};
  wj["measured_seconds"] = run.timing.measure_window_s * static_cast<double>(thr.size());
}

// Throughput with the sampler stopped vs running, alternating windows in the same run.
json sampler_overhead(Run& run, Subject& s) {
  run.progress.set_stage("sampler overhead", s.workload->name(), s.workload->unit());
  std::vector<double> without, with;
  const auto rate = [&](double seconds) {
    const double c0 = static_cast<double>(s.workload->counters().total());
    const auto t0 = std::chrono::steady_clock::now();
    run.wait(seconds);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return (static_cast<double>(s.workload->counters().total()) - c0) / dt;
  };
  for (int i = 0; i < run.timing.overhead_pairs && !run.stopped; ++i) {
    s.sampler.stop();
    without.push_back(rate(run.timing.overhead_window_s));
    s.sampler.start();
    with.push_back(rate(run.timing.overhead_window_s));
  }
  const double a = power::percentile(without, 50), b = power::percentile(with, 50);
  return {{"throughput_without", a / s.workload->counts_per_unit()},
          {"throughput_with", b / s.workload->counts_per_unit()},
          {"overhead_pct", a > 0 ? 100.0 * (1.0 - b / a) : 0.0},
          {"pairs", without.size()},
          {"period_ms", 1.0}};
}

// The actuators to sweep for one workload: its own software throttles, and the machine's
// hardware limits when allowed. `owned` keeps the software ones alive.
std::vector<power::Actuator*> actuators_for(Run& run, power::Workload& w,
                                            std::vector<std::unique_ptr<power::Actuator>>& owned) {
  std::vector<power::Actuator*> out;
  for (const std::string& name : run.o.actuators) {
    if (name == "duty") owned.push_back(power::make_duty_cycle_actuator(w.throttle()));
    if (name == "workers") owned.push_back(power::make_worker_count_actuator(w.throttle()));
    if (name == "duty" || name == "workers") {
      out.push_back(owned.back().get());
      continue;
    }
    for (auto& h : run.hardware) {
      if (h->name() == name) out.push_back(h.get());
    }
  }
  return out;
}

// Distinct actuator settings for the requested levels (workers round to whole counts).
std::vector<double> settings_for(const power::Actuator& a, const std::vector<double>& levels) {
  std::vector<double> out;
  for (double level : levels) {
    double v = std::clamp(level * a.max(), a.min(), a.max());
    if (a.unit() == "workers") v = std::clamp(std::round(v), a.min(), a.max());
    if (std::find_if(out.begin(), out.end(), [&](double x) { return std::fabs(x - v) < 1e-9; }) == out.end())
      out.push_back(v);
  }
  return out;
}

// Share of 100 ms bins whose throughput is at or under the level the cap allows.
double binding_fraction(const Subject& s, double t0, double t1, double allowed_rate) {
  const auto counts = s.sampler.counter_series(0, t0, t1);
  int bins = 0, bound = 0;
  for (double t = t0; t + 0.1 <= t1; t += 0.1) {
    const double rate =
        (power::value_at(counts, t + 0.1) - power::value_at(counts, t)) / 0.1 / s.workload->counts_per_unit();
    ++bins;
    bound += rate <= 1.05 * allowed_rate ? 1 : 0;
  }
  return bins > 0 ? static_cast<double>(bound) / bins : 0;
}

// Share of 100 ms power bins at or above 95% of a watt cap.
double power_binding_fraction(const Run& run, const Subject& s, double t0, double t1, double cap_watts) {
  int bins = 0, bound = 0;
  for (double t = t0; t + 0.1 <= t1; t += 0.1) {
    const auto e = primary_energy(s.sampler, run.sensors.primary.size(), t, t + 0.1);
    ++bins;
    bound += e.ok && e.watts >= 0.95 * cap_watts ? 1 : 0;
  }
  return bins > 0 ? static_cast<double>(bound) / bins : 0;
}

void sweep(Run& run, Subject& s, power::Actuator& a, double full_rate, json& curve) {
  run.progress.set_stage("cap sweep " + a.name(), s.workload->name(), s.workload->unit());
  for (double setting : settings_for(a, run.o.levels)) {
    a.set(setting);
    if (!run.wait(run.timing.level_settle_s)) break;
    const double t0 = s.sampler.now();
    if (!run.wait(run.timing.level_window_s)) break;
    const double t1 = s.sampler.now();
    const Window w = s.window(run, t0, t1);
    json p = window_json(run, w);
    p["actuator"] = a.name();
    p["unit"] = a.unit();
    p["setting"] = setting;
    p["level"] = setting / a.max();
    if (a.unit() == "W") {
      p["cap_binding_fraction"] = power_binding_fraction(run, s, t0, t1, setting);
    } else if (a.hardware()) {
      p["cap_binding_fraction"] = nullptr;  // a frequency cap: the running frequency is not sampled
    } else {
      p["cap_binding_fraction"] = binding_fraction(s, t0, t1, full_rate * setting / a.max());
    }
    curve.push_back(p);
    run.progress.set_rates(w.throughput, w.watts, run.energy_kind);
  }
  a.restore();
}

// Metrics of one step of one signal; `window` is the rate window for counters.
power::StepMetrics step_of(const power::Series& series, bool counter, double window, double t_cmd,
                           double t_end) {
  std::vector<double> t, v;
  if (counter) {
    power::rate_series(series.t, series.v, window, t, v);
  } else {
    t = series.t;
    v = series.v;
  }
  return power::analyze_step(t, v, t_cmd, t_end);
}

json aggregate_steps(const std::vector<power::StepMetrics>& ms, const std::string& prefix) {
  std::vector<double> react, settle, over, noise;
  int unsettled = 0;
  for (const auto& m : ms) {
    noise.push_back(m.noise_pct);
    if (m.react_ms) react.push_back(*m.react_ms);
    if (m.settle_ms)
      settle.push_back(*m.settle_ms);
    else
      ++unsettled;
    over.push_back(m.overshoot_pct);
  }
  json j;
  j[prefix + "react_ms"] = react.empty() ? json() : json(power::percentile(react, 50));
  j[prefix + "react_ms_p95"] = react.empty() ? json() : json(power::percentile(react, 95));
  j[prefix + "settle_ms"] = settle.empty() ? json() : json(power::percentile(settle, 50));
  j[prefix + "settle_ms_p95"] = settle.empty() ? json() : json(power::percentile(settle, 95));
  j[prefix + "overshoot_pct"] = power::percentile(over, 50);
  j[prefix + "overshoot_pct_p95"] = power::percentile(over, 95);
  j[prefix + "unsettled"] = unsettled;
  j[prefix + "noise_pct"] = power::percentile(noise, 50);
  return j;
}

// 100% -> low -> 100%, repeated; throughput from the 1 kHz work counter, power from the sensor.
void steps(Run& run, Subject& s, power::Actuator& a, json& out) {
  run.progress.set_stage("step response " + a.name(), s.workload->name(), s.workload->unit());
  const double full = a.max();
  double low = std::clamp(0.3 * full, a.min(), full);
  if (a.unit() == "workers") low = std::max(a.min(), std::round(low));
  if (low >= full) return;
  const double hold = run.timing.step_hold_s;
  const double sensor_window =
      run.sensors.primary.empty()
          ? 0.02
          : std::max(0.02,
                     2 * std::chrono::duration<double>(run.sensors.primary[0]->update_interval()).count());
  std::vector<power::StepMetrics> down, up, down_w, up_w;
  for (int r = 0; r < run.timing.step_repeats; ++r) {
    if (!run.wait(hold * 0.5)) break;
    const double t_down = s.sampler.now();
    a.set(low);
    if (!run.wait(hold)) break;
    const double t_up = s.sampler.now();
    a.set(full);
    if (!run.wait(hold)) break;
    const double t_end = s.sampler.now();
    const auto counts = s.sampler.counter_series(0, t_down - 0.5, t_end);
    power::Series units{counts.t, counts.v};
    for (double& c : units.v) c /= s.workload->counts_per_unit();
    down.push_back(step_of(units, true, kRateWindowS, t_down, t_up));
    up.push_back(step_of(units, true, kRateWindowS, t_up, t_end));
    const auto energy = s.sampler.sensor_series(0, t_down - 0.5, t_end);
    down_w.push_back(step_of(energy, true, sensor_window, t_down, t_up));
    up_w.push_back(step_of(energy, true, sensor_window, t_up, t_end));
    if (r == 0)
      record_step_series(run.timeseries, s.workload->name(), a.name(), units, energy, t_down, t_end,
                         sensor_window, run.energy_kind);
  }
  for (int dir = 0; dir < 2; ++dir) {
    const auto& m = dir == 0 ? down : up;
    if (m.empty()) continue;
    json j{{"actuator", a.name()},
           {"from", dir == 0 ? full : low},
           {"to", dir == 0 ? low : full},
           {"direction", dir == 0 ? "down" : "restore"},
           {"repeats", m.size()},
           {"signal", "throughput"},
           {"rate_window_ms", kRateWindowS * 1e3},
           {"sample_period_ms", 1.0}};
    j.update(aggregate_steps(m, ""));
    j.update(aggregate_steps(dir == 0 ? down_w : up_w, "power_"));
    j["energy_kind"] = run.energy_kind;
    j["power_sensor_interval_ms"] = sensor_window * 500;
    out.push_back(j);
  }
}

// Holds 60% of full power through the PI cap controller driving the duty cycle; the power
// signal's step metrics (only with a measured sensor: an estimate cannot close a loop honestly).
json watt_target_step(Run& run, Subject& s, power::Actuator& duty, double full_watts) {
  run.progress.set_stage("watt target (PI)", s.workload->name(), s.workload->unit());
  const double target = 0.6 * full_watts, hold = std::max(3.0, 3 * run.timing.step_hold_s);
  std::vector<std::size_t> primary(run.sensors.primary.size());
  std::iota(primary.begin(), primary.end(), 0);
  const power::PiConfig pi;
  power::CapController controller([&] { return power::recent_watts(s.sampler, primary, pi.period_s); }, duty,
                                  pi);
  const double t_cmd = s.sampler.now();
  controller.start(target);
  run.wait(hold);
  controller.stop();
  const double t_end = s.sampler.now();
  duty.restore();
  const auto m = step_of(s.sampler.sensor_series(0, t_cmd - 1.0, t_end), true, 0.05, t_cmd, t_end);
  return {{"actuator", "duty"},
          {"direction", "watt-target"},
          {"from", full_watts},
          {"to", target},
          {"repeats", 1},
          {"signal", "power"},
          {"react_ms", opt(m.react_ms)},
          {"settle_ms", opt(m.settle_ms)},
          {"overshoot_pct", m.overshoot_pct},
          {"steady_watts", m.after},
          {"energy_kind", run.energy_kind}};
}

void characterise(Run& run, const std::string& name) {
  json wj{{"name", name}, {"complete", false}};
  Subject s(run, name);
  wj["name"] = s.workload->name();
  wj["unit"] = s.workload->unit();
  wj["kernel"] = s.workload->kernel();
  wj["threads"] = s.workload->workers();
  wj["counts_per_unit"] = s.workload->counts_per_unit();
  wj["curve"] = json::array();
  wj["steps"] = json::array();
  const auto flush = [&] {
    run.results["workloads"].back() = wj;
    run.save();
  };
  run.results["workloads"].push_back(wj);
  wj["warmup"] = warm_up(run, s);
  if (!run.stopped) measure(run, s, wj);
  flush();
  if (!run.stopped) wj["sampler"] = sampler_overhead(run, s);
  std::vector<std::unique_ptr<power::Actuator>> owned;
  const auto acts = actuators_for(run, *s.workload, owned);
  const double full_rate = wj.value("throughput_per_s", 0.0);
  for (power::Actuator* a : acts) {
    if (!run.stopped) sweep(run, s, *a, full_rate, wj["curve"]);
    flush();
  }
  for (power::Actuator* a : acts) {
    if (!run.stopped && !a->hardware()) steps(run, s, *a, wj["steps"]);
    flush();
  }
  if (!run.stopped && run.energy_kind == "measured") {
    for (power::Actuator* a : acts) {
      if (a->name() == "duty") wj["steps"].push_back(watt_target_step(run, s, *a, wj.value("watts", 0.0)));
    }
    flush();
  }
  wj["complete"] = !run.stopped;
  flush();
}

// Expected run length: warm-up at its minimum (4 windows), everything else as scheduled.
double planned_seconds(const RunOptions& o, const Timing& t) {
  double per_workload =
      4 * t.warm_window_s + t.repeats * t.measure_window_s + 2 * t.overhead_pairs * t.overhead_window_s;
  for (const auto& a : o.actuators) {
    const double levels = static_cast<double>(
        a == "workers" ? std::min(o.levels.size(), power::topology().cores) : o.levels.size());
    per_workload += levels * (t.level_settle_s + t.level_window_s);
    if (a == "duty" || a == "workers") per_workload += t.step_repeats * 2.5 * t.step_hold_s;
  }
  return t.idle_s + per_workload * static_cast<double>(o.workloads.size());
}

}  // namespace

Timing Timing::quick() {
  Timing t;
  t.idle_s = 1;
  t.warm_window_s = 0.3;
  t.warm_max_s = 2.0;
  t.measure_window_s = 0.7;
  t.repeats = 3;
  t.level_settle_s = 0.1;
  t.level_window_s = 0.4;
  t.step_repeats = 2;
  t.step_hold_s = 0.3;
  t.overhead_window_s = 0.2;
  t.overhead_pairs = 2;
  return t;
}

int run_suite(const RunOptions& options) {
  RunOptions o = options;
  if (o.workloads.empty()) o.workloads = default_workloads();
  if (o.actuators.empty()) o.actuators = {"duty", "workers"};
  if (o.levels.empty())
    o.levels = o.quick ? std::vector<double>{1.0, 0.5, 0.1}
                       : std::vector<double>{1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
  for (const auto& w : o.workloads) validate_workload_name(w);
  Run run{o,
          o.quick ? Timing::quick() : Timing{},
          power::discover_sensors({o.root, o.calibration, o.root.is_real()}),
          {},
          {},
          0,
          {},
          json::array(),
          Progress(o.progress),
          false,
          nullptr,
          {}};
  run.energy_kind =
      std::string(power::to_string(run.sensors.primary.empty() ? power::Provenance::estimated
                                                               : run.sensors.primary.front()->provenance()));
  for (const auto* p : run.sensors.primary)
    run.energy_sensor += (run.energy_sensor.empty() ? "" : "+") + p->name();
  if (o.allow_hw_caps) {
    cli::restore_leftover_caps(o.root);
    run.journal = std::make_unique<power::CapJournal>(power::CapJournal::default_path(o.root), o.root);
    std::vector<power::Probe> probes;
    run.hardware = power::hardware_actuators(o.root, *run.journal, probes, o.root.is_real());
    if (options.actuators.empty()) {
      for (const auto& h : run.hardware) run.o.actuators.push_back(h->name());
    }
  }
  for (const auto& name : run.o.actuators) {
    const bool known = name == "duty" || name == "workers" ||
                       std::any_of(run.hardware.begin(), run.hardware.end(),
                                   [&](const auto& h) { return h->name() == name; });
    if (!known) {
      throw std::invalid_argument("actuator '" + name + "' is not available" +
                                  (o.allow_hw_caps ? "" : " (hardware limits need --allow-hw-caps)") +
                                  "; `joulebench sensors` lists them");
    }
  }
  // Hardware limits go back however this function ends (exceptions included); a crash leaves
  // them to the journal and `joulebench restore`.
  struct RestoreHardware {
    Run& run;
    ~RestoreHardware() {
      for (auto& h : run.hardware) {
        try {
          h->restore();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "joulebench: warning: %s\n", e.what());
        }
      }
    }
  } restore_hardware{run};
  // A second signal restores this process's journaled caps at once, then exits.
  std::optional<cli::EmergencyRestore> emergency;
  if (run.journal) emergency.emplace([&journal = *run.journal] { (void)journal.restore_own(); });
  run.progress.set_plan(planned_seconds(run.o, run.timing));
  fs::create_directories(o.out);
  run.results = results_skeleton(o, run.sensors, run.energy_kind, run.energy_sensor);
  run.save();
  idle_baseline(run);
  run.save();
  for (const std::string& name : o.workloads) {
    if (run.stopped) break;
    characterise(run, name);
  }
  finish_results(run.results, o, !run.stopped);
  write_outputs(o.out, run.results, run.timeseries);
  run.progress.finish();
  print_summary(run.results);
  return run.stopped ? cli::interrupted_exit_code() : 0;
}

}  // namespace joulebench::suite
