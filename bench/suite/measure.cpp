// The measuring stages of `joulebench run`: idle baseline, warm-up, repeated windows, sampler
// overhead and the cap sweep with its binding check.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "joulebench/power/step_response.hpp"
#include "results/outputs.hpp"
#include "runtime/signals.hpp"
#include "suite/run_state.hpp"
#include "suite/workloads.hpp"

namespace joulebench::suite {
namespace {

// Throughput bins for the cap-binding check and its noise: long enough to hold many work units,
// short enough for a 2.5 s level window to give a distribution.
constexpr double kBinS = 0.1;

// Work rate in consecutive kBinS bins of [t0, t1].
std::vector<double> bin_rates(const Subject& s, double t0, double t1) {
  std::vector<double> out;
  for (double t = t0; t + kBinS <= t1 + 1e-9; t += kBinS) out.push_back(s.rate(t, t + kBinS));
  return out;
}

// 1.4826 x MAD relative to the median, in %: the spread of bins a few preemptions cannot inflate.
double robust_noise_pct(const std::vector<double>& v) {
  const double mid = power::percentile(v, 50);
  if (v.empty() || mid == 0) return 0;
  std::vector<double> dev;
  for (double x : v) dev.push_back(std::fabs(x - mid));
  return 100.0 * 1.4826 * power::percentile(dev, 50) / std::fabs(mid);
}

}  // namespace

json stats_json(const std::vector<double>& v) {
  return {{"median", power::percentile(v, 50)}, {"p5", power::percentile(v, 5)},
          {"p95", power::percentile(v, 95)},    {"min", power::percentile(v, 0)},
          {"max", power::percentile(v, 100)},   {"n", v.size()}};
}

double cv(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return mean != 0 ? std::sqrt(var / static_cast<double>(v.size())) / std::fabs(mean) : 0;
}

bool Run::wait(double seconds, const std::function<void()>& tick) {
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

void Run::save() const { write_results_json(o.out, results); }

power::WindowEnergy sensors_energy(const power::Sampler& s, std::size_t first, std::size_t last, double t0,
                                   double t1) {
  power::WindowEnergy total{last > first, t1 - t0, 0, 0};
  for (std::size_t i = first; i < last; ++i) {
    const auto w = power::energy_in_window(s.sensor_series(i, t0, t1), s.sensors()[i]->is_counter(), t0, t1);
    total.ok = total.ok && w.ok;
    total.joules += w.joules;
  }
  total.watts = total.joules / total.seconds;
  return total;
}

namespace {
// The primary sensors first (primary_energy reads 0..n-1), then those sampled beside a meter.
std::vector<power::Sensor*> sampled(const Run& run) {
  std::vector<power::Sensor*> all = run.sensors.primary;
  all.insert(all.end(), run.sensors.beside.begin(), run.sensors.beside.end());
  return all;
}
}  // namespace

Subject::Subject(Run& run, std::unique_ptr<platform::Workload> w)
    : workload(std::move(w)), sampler(sampled(run), {&workload->counters()}) {
  sampler.start();
  runner = std::jthread([this] { workload->run(stop.get_token()); });
}

Subject::~Subject() {
  stop.request_stop();
  workload->throttle().resume();
  if (runner.joinable()) runner.join();
  sampler.stop();
}

double Subject::rate(double t0, double t1) const {
  const auto counts = sampler.counter_series(0, t0, t1);
  return (power::value_at(counts, t1) - power::value_at(counts, t0)) / (t1 - t0) /
         workload->counts_per_unit();
}

Window Subject::window(const Run& run, double t0, double t1) const {
  sampler.wait_until_read(t1);  // a slow sensor's next reading closes the window
  Window w;
  w.seconds = t1 - t0;
  w.throughput = rate(t0, t1);
  w.units = w.throughput * w.seconds;
  const auto e = primary_energy(sampler, run.sensors.primary.size(), t0, t1);
  w.energy_ok = e.ok;
  w.watts = e.watts;
  w.joules = e.joules;
  if (w.units > 0) {
    w.jpu_gross = e.joules / w.units;
    w.jpu_net = (e.joules - run.idle_watts * w.seconds) / w.units;
  }
  w.latencies = latencies_ms(*workload, sampler.instant(t0), sampler.instant(t1));
  if (const auto b = sensors_energy(sampler, run.sensors.primary.size(), sampler.sensors().size(), t0, t1);
      b.ok)
    w.beside_watts = b.watts;
  return w;
}

json window_json(const Run& run, const Window& w) {
  const auto energy = [&](double v) { return w.energy_ok ? json(v) : json(); };
  json j{{"seconds", w.seconds},
         {"throughput_per_s", w.throughput},
         {"watts", energy(w.watts)},
         {"joules", energy(w.joules)},
         {"joules_per_unit", {{"gross", energy(w.jpu_gross)}, {"net", energy(w.jpu_net)}}},
         {"energy_kind", run.energy_kind},
         {"energy_ok", w.energy_ok}};
  if (!w.latencies.empty()) {
    j["latency_ms"] = {{"p50", power::percentile(w.latencies, 50)},
                       {"p99", power::percentile(w.latencies, 99)}};
  }
  return j;
}

void idle_baseline(Run& run) {
  run.progress.set_stage("idle baseline", "", "", run.timing.idle_s);
  power::Sampler s(run.sensors.primary, {});
  s.start();
  const auto load0 = load_snapshot(run.o.root);
  const double t0 = s.now();
  run.wait(run.timing.idle_s);
  const double t1 = s.now();
  const auto load1 = load_snapshot(run.o.root);
  s.wait_until_read(t1);  // a slow meter's next reading closes the window
  s.stop();
  const auto e = primary_energy(s, run.sensors.primary.size(), t0, t1);
  run.idle_watts = e.ok ? e.watts : 0;
  json intervals = json::object();
  for (std::size_t i = 0; i < run.sensors.primary.size(); ++i) {
    const auto observed = power::observed_update_interval(s.sensor_series(i));
    intervals[run.sensors.primary[i]->name()] = observed ? json(*observed * 1e3) : json();
  }
  run.results["idle"] = {{"watts", e.ok ? json(e.watts) : json()},
                         {"sensor_update_interval_ms_observed", intervals},
                         {"seconds", t1 - t0},
                         {"energy_kind", run.energy_kind},
                         {"sensor", run.energy_sensor},
                         {"ok", e.ok},
                         {"background", load_between(load0, load1)}};
}

// Windows until throughput and power are steady (CV over the last 4 below 2% / 5%).
json warm_up(Run& run, Subject& s) {
  run.progress.set_stage("warm-up", s.workload->name(), s.workload->unit(), run.timing.warmup_s());
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
  return {{"seconds", t - start},         {"steady", steady},
          {"windows", thr.size()},        {"cv_throughput", cv(last4(thr))},
          {"cv_watts", cv(last4(watts))}, {"energy_kind", run.energy_kind}};
}

void measure(Run& run, Subject& s, json& wj) {
  run.progress.set_stage("measure", s.workload->name(), s.workload->unit(), run.timing.measure_s());
  std::vector<double> thr, watts, gross, net, lat, bins, beside;
  json repeats = json::array(), load = json::array();
  bool energy_ok = true;
  for (int r = 0; r < run.timing.repeats; ++r) {
    const auto load0 = load_snapshot(run.o.root);
    const double t0 = s.sampler.now();
    if (!run.wait(run.timing.measure_window_s)) break;
    const double t1 = s.sampler.now();
    const Window w = s.window(run, t0, t1);
    load.push_back(load_between(load0, load_snapshot(run.o.root)));
    repeats.push_back(window_json(run, w));
    const auto b = bin_rates(s, t0, t1);
    bins.insert(bins.end(), b.begin(), b.end());
    thr.push_back(w.throughput);
    energy_ok = energy_ok && w.energy_ok;
    if (w.energy_ok) {
      watts.push_back(w.watts);
      gross.push_back(w.jpu_gross);
      net.push_back(w.jpu_net);
    }
    lat.insert(lat.end(), w.latencies.begin(), w.latencies.end());
    if (w.beside_watts) beside.push_back(*w.beside_watts);
    run.progress.set_rates(w.throughput, w.watts, run.energy_kind);
  }
  const auto median_or_null = [](const std::vector<double>& v) {
    return v.empty() ? json() : json(power::percentile(v, 50));
  };
  wj["repeats"] = repeats;
  wj["throughput_per_s"] = power::percentile(thr, 50);
  wj["watts"] = median_or_null(watts);
  wj["joules_per_unit"] = {{"gross", median_or_null(gross)},
                           {"net", median_or_null(net)},
                           {"energy_kind", run.energy_kind},
                           {"sensor", run.energy_sensor}};
  wj["energy_kind"] = run.energy_kind;
  wj["energy_ok"] = energy_ok && !thr.empty();
  wj["spread"] = {{"throughput_per_s", stats_json(thr)},
                  {"watts", stats_json(watts)},
                  {"joules_per_unit_gross", stats_json(gross)},
                  {"joules_per_unit_net", stats_json(net)},
                  {"energy_kind", run.energy_kind}};
  // The noise of 100 ms throughput bins at full speed: what tells a cap that binds from noise.
  wj["throughput_bin_noise_pct"] = robust_noise_pct(bins);
  if (!lat.empty())
    wj["latency_ms"] = {{"p50", power::percentile(lat, 50)}, {"p99", power::percentile(lat, 99)}};
  wj["measured_seconds"] = run.timing.measure_window_s * static_cast<double>(thr.size());
  if (!run.sensors.beside.empty()) {
    // The on-chip sensors the meter replaced as the energy source, over the same windows.
    json names = json::array();
    for (const auto* b : run.sensors.beside) names.push_back(b->name());
    wj["beside_meter"] = {{"sensors", names},
                          {"location", run.sensors.beside.front()->location()},
                          {"watts", median_or_null(beside)},
                          {"energy_kind", "measured"}};
  }
  wj["background"] = load_total(load);
}

// Throughput with the sampler stopped vs running, alternating windows in the same run.
json sampler_overhead(Run& run, Subject& s) {
  run.progress.set_stage("sampler overhead", s.workload->name(), s.workload->unit(), run.timing.overhead_s());
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
  const power::SamplerStats st = s.sampler.stats();
  return {{"throughput_without", a / s.workload->counts_per_unit()},
          {"throughput_with", b / s.workload->counts_per_unit()},
          {"overhead_pct", a > 0 ? 100.0 * (1.0 - b / a) : 0.0},
          {"pairs", without.size()},
          {"period_ms", 1.0},
          {"achieved_hz", st.achieved_hz},
          {"ticks", st.ticks},
          {"max_gap_ms", st.max_gap_ms},
          {"late_ticks", st.late_ticks},
          {"memory_bytes", st.bytes}};
}

namespace {

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

// Software caps: a 100 ms bin is bound when its rate is at or under what the level allows,
// within 3 sigma of the bins' measured noise. A level whose allowance cannot be told from full
// speed within that noise (and 100%, which is no cap) has no binding figure, and says why.
void software_binding(json& p, const std::vector<double>& bins, double full_rate, double noise_pct,
                      double level) {
  const double sigma = 3 * noise_pct / 100.0;
  p["achieved_level"] = full_rate > 0 ? json(power::percentile(bins, 50) / full_rate) : json();
  if (level >= 1.0 - 1e-9) {
    p["cap_binding_fraction"] = nullptr;
    p["cap_binding_note"] = "100% is no cap";
    return;
  }
  const double allowed = full_rate * level;
  if (allowed * (1 + sigma) >= full_rate * (1 - sigma)) {
    p["cap_binding_fraction"] = nullptr;
    p["cap_binding_note"] = "the level is within 3 sigma of the measured noise of full speed";
    return;
  }
  const auto bound =
      std::count_if(bins.begin(), bins.end(), [&](double r) { return r <= allowed * (1 + sigma); });
  p["cap_binding_fraction"] =
      bins.empty() ? json() : json(static_cast<double>(bound) / static_cast<double>(bins.size()));
}

// Watt caps: share of 100 ms power bins at or above 95% of the cap.
json power_binding(const Run& run, const Subject& s, double t0, double t1, double cap_watts) {
  int bins = 0, bound = 0;
  for (double t = t0; t + kBinS <= t1; t += kBinS) {
    const auto e = primary_energy(s.sampler, run.sensors.primary.size(), t, t + kBinS);
    if (!e.ok) return nullptr;
    ++bins;
    bound += e.watts >= 0.95 * cap_watts ? 1 : 0;
  }
  return bins > 0 ? json(static_cast<double>(bound) / bins) : json();
}

}  // namespace

void sweep(Run& run, Subject& s, power::Actuator& a, const json& full, json& curve) {
  const std::size_t levels =
      a.name() == "workers" ? std::min(run.o.levels.size(), platform::topology().cores) : run.o.levels.size();
  run.progress.set_stage("cap sweep " + a.name(), s.workload->name(), s.workload->unit(),
                         run.timing.sweep_s(levels));
  const double full_rate = full.value("throughput_per_s", 0.0);
  const double noise_pct = full.value("throughput_bin_noise_pct", 0.0);
  for (double setting : settings_for(a, run.o.levels)) {
    const power::CapResult cap = a.set(setting);
    run.progress.set_cap(a.name(), setting / a.max());
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
    p["cap"] = {{"requested", cap.requested}, {"in_force", cap.in_force}, {"warning", cap.warning}};
    // Spread of the level's 100 ms bins, for error bars and for planners.
    std::vector<double> watt_bins;
    for (double t = t0; t + kBinS <= t1 + 1e-9; t += kBinS) {
      const auto e = primary_energy(s.sampler, run.sensors.primary.size(), t, t + kBinS);
      if (e.ok) watt_bins.push_back(e.watts);
    }
    const auto thr_bins = bin_rates(s, t0, t1);
    p["spread"] = {{"throughput_per_s", stats_json(thr_bins)},
                   {"watts", w.energy_ok ? stats_json(watt_bins) : json()},
                   {"energy_kind", run.energy_kind}};
    if (a.unit() == "W") {
      p["cap_binding_fraction"] = w.energy_ok ? power_binding(run, s, t0, t1, setting) : json();
    } else if (a.hardware()) {
      p["cap_binding_fraction"] = nullptr;
      p["cap_binding_note"] = "a frequency cap: the running frequency is not sampled";
    } else {
      software_binding(p, thr_bins, full_rate, noise_pct, setting / a.max());
    }
    curve.push_back(p);
    run.progress.set_rates(w.throughput, w.watts, run.energy_kind);
  }
  a.restore();
  run.progress.set_cap("", 1.0);
}

}  // namespace joulebench::suite
