// Throttle step responses: 100% -> depth -> 100% for each depth of --step-to, repeated, from the
// 1 kHz work counters (and the power sensor when it is measured); and the PI watt target.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "joulebench/platform/throttle.hpp"
#include "joulebench/power/controller.hpp"
#include "joulebench/power/step_response.hpp"
#include "results/outputs.hpp"
#include "suite/run_state.hpp"

namespace joulebench::suite {
namespace {

// The throughput signal's window. A duty-cycled workload is on/off within each period, so its
// rate is read over two whole periods; every other actuator changes the rate itself, which 5 ms
// windows of the 1 kHz counters resolve (tens of mining batches or GEMM tile steps each).
double signal_window_s(const power::Actuator& a) {
  if (a.name() == "duty")
    return 2 * std::chrono::duration<double>(platform::ThrottleState::kDefaultDutyPeriod).count();
  return 0.005;
}

// Settling is judged on a moving median of three signal windows: the level, not its ripple.
power::StepMetrics step_of(const power::Series& series, double window, double t_cmd, double t_end) {
  std::vector<double> t, v;
  power::rate_series(series.t, series.v, window, t, v);
  power::StepOptions o;
  o.settle_median_s = 3 * window;
  return power::analyze_step(t, v, t_cmd, t_end, o);
}

// Median and p95 of a metric over the repeats; null when no repeat has it.
void aggregate(json& j, const std::string& key, const std::vector<std::optional<double>>& values) {
  std::vector<double> have;
  for (const auto& v : values) {
    if (v) have.push_back(*v);
  }
  j[key] = have.empty() ? json() : json(power::percentile(have, 50));
  j[key + "_p95"] = have.empty() ? json() : json(power::percentile(have, 95));
}

json aggregate_steps(const std::vector<power::StepMetrics>& ms, const std::string& prefix) {
  std::vector<std::optional<double>> react, t50, t90, settle, over;
  std::vector<double> noise, band, ripple, settled;
  int unsettled = 0;
  for (const auto& m : ms) {
    react.push_back(m.react_ms);
    t50.push_back(m.t50_ms);
    t90.push_back(m.t90_ms);
    settle.push_back(m.settle_ms);
    unsettled += m.settle_ms ? 0 : 1;
    over.push_back(m.overshoot_pct);
    noise.push_back(m.noise_pct);
    band.push_back(m.band_pct);
    ripple.push_back(m.ripple_pct);
    if (m.settle_ms) settled.push_back(*m.settle_ms);
  }
  json j;
  aggregate(j, prefix + "react_ms", react);
  aggregate(j, prefix + "t50_ms", t50);
  aggregate(j, prefix + "t90_ms", t90);
  aggregate(j, prefix + "settle_ms", settle);
  aggregate(j, prefix + "overshoot_pct", over);
  j[prefix + "unsettled"] = unsettled;
  j[prefix + "noise_pct"] = ms.empty() ? json() : json(power::percentile(noise, 50));
  j[prefix + "band_pct"] = ms.empty() ? json() : json(power::percentile(band, 50));
  j[prefix + "ripple_pct"] = ms.empty() ? json() : json(power::percentile(ripple, 50));
  // Do the repeats agree? The settle times' range, and how many times the slowest the fastest is
  // (a zero settle is counted as one sample period, so the ratio stays finite).
  if (settled.empty()) {
    j[prefix + "settle_ms_range"] = nullptr;
    j[prefix + "settle_spread_x"] = nullptr;
  } else {
    const auto [lo, hi] = std::minmax_element(settled.begin(), settled.end());
    j[prefix + "settle_ms_range"] = {*lo, *hi};
    j[prefix + "settle_spread_x"] = std::max(*hi, 1.0) / std::max(*lo, 1.0);
  }
  return j;
}

// Distinct settings below full for the requested depths (worker counts rounded).
std::vector<double> depths_for(const power::Actuator& a, const std::vector<double>& levels) {
  std::vector<double> out;
  for (double level : levels) {
    double v = std::clamp(level * a.max(), a.min(), a.max());
    if (a.unit() == "workers") v = std::clamp(std::round(v), a.min(), a.max());
    if (v < a.max() - 1e-9 &&
        std::none_of(out.begin(), out.end(), [&](double x) { return std::fabs(x - v) < 1e-9; }))
      out.push_back(v);
  }
  return out;
}

// Why the primary power sensor cannot time a throttle step: it updates (or averages) over more
// than a tenth of the step's hold. Empty when it can.
std::string slow_meter_reason(const Run& run) {
  const double limit = run.timing.step_hold_s / 10;
  for (const auto* sensor : run.sensors.primary) {
    const double every = std::max(std::chrono::duration<double>(sensor->update_interval()).count(),
                                  sensor->averaging_window_s().value_or(0.0));
    if (every > limit) {
      char text[256];
      std::snprintf(
          text, sizeof text,
          "no power step: %s updates every %.3g s, slower than a tenth of the %.3g s step hold, so it "
          "cannot time how fast power follows a throttle (the throughput step stands)",
          sensor->name().c_str(), every, run.timing.step_hold_s);
      return text;
    }
  }
  return {};
}

struct Repeats {
  std::vector<power::StepMetrics> down, up, down_w, up_w;
};

// One 100% -> low -> 100% cycle; false when interrupted.
bool one_step(Run& run, Subject& s, power::Actuator& a, double low, double window, Repeats& r, bool record) {
  const double full = a.max(), hold = run.timing.step_hold_s;
  if (!run.wait(hold * 0.5)) return false;
  const double t_down = s.sampler.now();
  a.set(low);
  run.progress.set_cap(a.name(), low / full);
  if (!run.wait(hold)) return false;
  const double t_up = s.sampler.now();
  a.set(full);
  run.progress.set_cap(a.name(), 1.0);
  if (!run.wait(hold)) return false;
  const double t_end = s.sampler.now();
  auto units = s.sampler.counter_series(0, t_down - 0.5, t_end);
  for (double& c : units.v) c /= s.workload->counts_per_unit();
  r.down.push_back(step_of(units, window, t_down, t_up));
  r.up.push_back(step_of(units, window, t_up, t_end));
  power::Series energy;
  double power_window = 0;
  if (run.measured() && slow_meter_reason(run).empty()) {
    // Power steps only from a measured sensor, over two of its observed update intervals.
    energy = s.sampler.sensor_series(0, t_down - 0.5, t_end);
    power_window = std::max(0.02, 2 * power::observed_update_interval(energy).value_or(0.01));
    r.down_w.push_back(step_of(energy, power_window, t_down, t_up));
    r.up_w.push_back(step_of(energy, power_window, t_up, t_end));
  }
  if (record)
    record_step_series(run.timeseries, s.workload->name(), a.name(), low / full, units, energy, t_down, t_end,
                       window, power_window, run.energy_kind);
  return true;
}

}  // namespace

void steps(Run& run, Subject& s, power::Actuator& a, json& out) {
  run.progress.set_stage("step response " + a.name(), s.workload->name(), s.workload->unit(),
                         run.timing.steps_s(depths_for(a, run.o.step_levels).size()));
  const double full = a.max(), window = signal_window_s(a);
  const power::SamplerStats st = s.sampler.stats();
  for (double low : depths_for(a, run.o.step_levels)) {
    Repeats r;
    for (int i = 0; i < run.timing.step_repeats && !run.stopped; ++i) {
      if (!one_step(run, s, a, low, window, r, i == 0)) break;
    }
    for (int dir = 0; dir < 2; ++dir) {
      const auto& m = dir == 0 ? r.down : r.up;
      if (m.empty()) continue;
      json j{{"actuator", a.name()},
             {"from", dir == 0 ? full : low},
             {"to", dir == 0 ? low : full},
             {"to_level", low / full},
             {"direction", dir == 0 ? "down" : "restore"},
             {"repeats", m.size()},
             {"signal", "throughput"},
             {"signal_window_ms", window * 1e3},
             {"sample_period_ms", st.achieved_hz > 0 ? 1e3 / st.achieved_hz : 1.0}};
      j.update(aggregate_steps(m, ""));
      const std::string slow = slow_meter_reason(run);
      if (run.measured() && slow.empty()) {
        j.update(aggregate_steps(dir == 0 ? r.down_w : r.up_w, "power_"));
        const auto interval =
            power::observed_update_interval(s.sampler.sensor_series(0, s.sampler.now() - 5, INFINITY));
        j["power_sensor_interval_ms"] = interval ? json(*interval * 1e3) : json();
      } else {
        for (const char* k : {"power_react_ms", "power_settle_ms", "power_sensor_interval_ms"})
          j[k] = nullptr;
        j["power_note"] = !slow.empty()
                              ? slow
                              : "no power step: energy is estimated from /proc/stat ticks, which say "
                                "nothing of how fast power follows a cap";
      }
      j["energy_kind"] = run.energy_kind;
      out.push_back(j);
    }
  }
}

// Holds 60% of full power through the PI cap controller driving the duty cycle; the power
// signal's step metrics (only with a measured sensor: an estimate cannot close a loop honestly).
json watt_target_step(Run& run, Subject& s, power::Actuator& duty, double full_watts) {
  run.progress.set_stage("watt target (PI)", s.workload->name(), s.workload->unit());
  const double target = 0.6 * full_watts, hold = std::max(3.0, 3 * run.timing.step_hold_s);
  if (const std::string slow = slow_meter_reason(run); !slow.empty()) {
    return {{"actuator", "duty"},
            {"direction", "watt-target"},
            {"from", full_watts},
            {"to", target},
            {"repeats", 0},
            {"signal", "power"},
            {"react_ms", nullptr},
            {"settle_ms", nullptr},
            {"band_pct", nullptr},
            {"power_note", slow},
            {"energy_kind", run.energy_kind}};
  }
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
  const auto m = step_of(s.sampler.sensor_series(0, t_cmd - 1.0, t_end), 0.05, t_cmd, t_end);
  return {{"actuator", "duty"},
          {"direction", "watt-target"},
          {"from", full_watts},
          {"to", target},
          {"repeats", 1},
          {"signal", "power"},
          {"react_ms", opt(m.react_ms)},
          {"t50_ms", opt(m.t50_ms)},
          {"t90_ms", opt(m.t90_ms)},
          {"settle_ms", opt(m.settle_ms)},
          {"band_pct", m.band_pct},
          {"overshoot_pct", m.overshoot_pct},
          {"steady_watts", m.after},
          {"energy_kind", run.energy_kind}};
}

}  // namespace joulebench::suite
