// The site run: set-up, the three phases on one sampler clock, and the site section.
#include "site/site.hpp"
#include "results/estimate.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "joulebench/inference/model.hpp"
#include "joulebench/miner/miner.hpp"
#include "joulebench/platform/stats.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/power/controller.hpp"
#include "joulebench/power/sampler.hpp"
#include "joulebench/power/step_response.hpp"
#include "results/outputs.hpp"
#include "results/planner.hpp"
#include "results/validity.hpp"
#include "runtime/signals.hpp"
#include "site/analysis.hpp"
#include "site/budget.hpp"
#include "site/front.hpp"
#include "site/outputs.hpp"
#include "site/stream.hpp"
#include "suite/load.hpp"
#include "suite/machine.hpp"
#include "suite/progress.hpp"
#include "suite/workloads.hpp"

namespace joulebench::site {
namespace {

using json = nlohmann::json;
using clock = std::chrono::steady_clock;

constexpr double kBinS = 0.1;           // power, hash rate and budget series
constexpr double kWithinWindowS = 0.5;  // a budget bounds mean power over this, not each millisecond
constexpr double kIdleGapS = 1e-4;      // a batch after a longer idle gap counts as "after idle"

struct Durations {
  double capacity_s, full_load_s, stream_s, back_s, grace_s;
};

Durations durations(const SiteOptions& o) {
  const double stream = o.phase_s > 0 ? o.phase_s : (o.quick ? 12 : 60);
  return {o.quick ? 2.0 : 5.0, o.quick ? 2.0 : 5.0, stream, std::max(3.0, stream / 2), 2.0};
}

// Everything the site run holds: the two workloads, the power signal, one sampler, the results.
struct Site {
  Site(const SiteOptions& options, Durations durations)
      : o(options), d(durations), progress(options.progress) {}
  SiteOptions o;
  Durations d;
  suite::Progress progress;
  std::unique_ptr<inference::InferenceWorkload> front_workload;
  std::unique_ptr<platform::Workload> back;
  std::unique_ptr<FrontServer> front;
  power::SensorSet sensors;
  std::unique_ptr<power::Sensor> activity;  // the worker-activity model when nothing is measured
  std::vector<power::Sensor*> signal;
  std::string energy_kind, signal_name;
  std::unique_ptr<power::Sampler> sampler;
  std::atomic<bool> back_running{false};
  std::stop_source back_stop;
  std::jthread back_runner;
  json results;
  double control_margin = 0;  ///< watts the controller holds below the budget (2 sigma of the noise)

  [[nodiscard]] double back_busy() const {
    if (!back_running.load()) return 0;
    const auto& t = back->throttle();
    return static_cast<double>(back->workers() - std::min(back->workers(), t.parked()));
  }
  void start_back() {
    back_stop = std::stop_source();
    back_running = true;
    back_runner = std::jthread([this] {
      back->run(back_stop.get_token());
      back_running = false;
    });
  }
  void stop_back() {
    back_stop.request_stop();
    back->throttle().resume();
    if (back_runner.joinable()) back_runner.join();
  }
  // Sleeps until `seconds` from now or a signal; false when interrupted.
  bool wait(double seconds) {
    const auto until = clock::now() + std::chrono::duration<double>(seconds);
    while (clock::now() < until) {
      if (cli::interrupted()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      progress.draw();
    }
    return true;
  }
  [[nodiscard]] double watts(double t0, double t1) const {
    sampler->wait_until_read(t1);
    const auto b = power_bins(*sampler, signal.size(), t0, t1, t1 - t0);
    return b.empty() ? NAN : b.front();
  }
};

void set_up(Site& s) {
  const std::size_t threads = s.o.threads == 0 ? platform::topology().cores : s.o.threads;
  inference::ModelSpec spec = suite::workload_spec(s.o.front);
  spec.batch = s.o.max_batch;
  s.front_workload =
      std::make_unique<inference::InferenceWorkload>(spec, nullptr, threads, s.o.pin, cli::interrupt_token());
  // 1024 nonces is ~0.1 ms on one core: the back yields that soon to a batch arriving in front;
  // at background priority its threads never delay the front's threads waking on a shared core.
  s.back =
      suite::make_workload("sha256d", threads, s.o.pin, {suite::kBackMiningBatch, s.o.back_priority, ""});
  s.front =
      std::make_unique<FrontServer>(*s.front_workload, FrontOptions{s.o.max_batch, s.o.batch_wait_ms / 1e3});
  s.sensors = power::discover_sensors({s.o.root, s.o.calibration, s.o.root.is_real(), false});
  if (s.o.meter) power::add_meter(s.sensors, *s.o.meter, s.o.meter_options);
  const bool measured =
      !s.sensors.primary.empty() && s.sensors.primary.front()->provenance() == power::Provenance::measured;
  if (measured) {
    s.signal = s.sensors.primary;
  } else {
    // No sensor: the process's own 1 kHz knowledge of which workers run, not /proc/stat's ticks.
    // The model discovery built for estimated:cpu (coefficient row or calibration): the same row.
    s.activity = power::worker_activity_sensor(
        s.sensors.estimated_model, {[&s] { return s.front->busy_workers(); }, [&s] { return s.back_busy(); }},
        platform::topology().cores);
    s.signal = {s.activity.get()};
  }
  s.energy_kind = measured ? "measured" : "estimated";
  for (const auto* p : s.signal) s.signal_name += (s.signal_name.empty() ? "" : "+") + p->name();
  s.sampler = std::make_unique<power::Sampler>(
      s.signal, std::vector<const platform::WorkCounters*>{&s.back->counters()});
  s.sampler->start();
}

// Back-to-back full batches: what the front can serve, and with the back mining beside it the
// full-load power a percentage budget refers to.
void capacity_and_full_load(Site& s, json& site) {
  s.progress.set_stage("front capacity", s.o.front, "request");
  const double capacity = s.front->capacity(s.d.capacity_s, cli::interrupt_token());
  s.progress.set_stage("full-load power", "front + back", "");
  s.start_back();
  const double t0 = s.sampler->now();
  std::stop_source stop;
  std::jthread front_loop([&] {
    while (!stop.stop_requested()) {
      s.back->throttle().pause();
      s.front->capacity(0.05, stop.get_token());
      s.back->throttle().resume();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  s.wait(s.d.full_load_s);
  stop.request_stop();
  front_loop.join();
  const double t1 = s.sampler->now();
  s.stop_back();
  site["front"]["capacity_per_s"] = capacity;
  site["power"]["full_load_watts"] = s.watts(t0, t1);
}

struct Phase {
  double t0 = 0, t1 = 0;
  std::vector<Request> requests;
  double busy_s = 0;
};

// Serves the stream for the phase; the co-run also mines and steers to the budget schedule.
Phase stream_phase(Site& s, const std::vector<double>& arrivals, bool with_back, const BudgetSchedule* budget,
                   double full_load, SiteActuator* actuator, const power::PiConfig& pi, json& history) {
  Phase p;
  if (with_back) s.start_back();
  std::optional<power::CapController> controller;
  if (budget != nullptr) {
    std::vector<std::size_t> all(s.signal.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    controller.emplace([&s, all, pi] { return power::recent_watts(*s.sampler, all, pi.period_s); }, *actuator,
                       pi);
  }
  std::stop_source stop;
  p.t0 = s.sampler->now();
  const auto start = clock::now();
  const double busy0 = s.front->busy_seconds();
  if (controller) controller->start(budget->watts_at(0, full_load) - s.control_margin);
  // The budget follows its schedule; the run ends at the phase length plus a grace for the last batch.
  std::jthread timer([&](std::stop_token done) {
    while (!done.stop_requested()) {
      const double t = std::chrono::duration<double>(clock::now() - start).count();
      if (controller) {
        controller->set_target(budget->watts_at(t, full_load) - s.control_margin);
        history.push_back(
            {t, budget->watts_at(t, full_load), actuator->back_level(), actuator->front_duty()});
      }
      if (t > s.d.stream_s + s.d.grace_s || cli::interrupted()) stop.request_stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const Yield yield{[&s, with_back] {
                      if (with_back) s.back->throttle().pause();
                    },
                    [&s, with_back] {
                      if (with_back) s.back->throttle().resume();
                    }};
  p.requests = s.front->serve(arrivals, start, yield, stop.get_token());
  // Mining goes on to the end of the phase even when the stream is served early.
  while (!stop.stop_requested() && std::chrono::duration<double>(clock::now() - start).count() < s.d.stream_s)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  p.t1 = s.sampler->now();
  timer.request_stop();
  timer.join();
  if (controller) controller->stop();
  if (actuator != nullptr) actuator->restore();
  p.busy_s = s.front->busy_seconds() - busy0;
  if (with_back) s.stop_back();
  s.sampler->wait_until_read(p.t1);  // the phase's last readings are in before anything is computed
  return p;
}

// Requests per batch, averaged over requests' batches (each batch counted once).
json mean_batch(const std::vector<Request>& requests) {
  double rows = 0, batches = 0;
  for (const auto& r : requests)
    if (r.served() && r.batch > 0) rows += 1.0, batches += 1.0 / r.batch;
  return batches > 0 ? json(rows / batches) : json();
}

// The front's measured service per batch: how long batches of each size took, and whether a
// batch that started after the server sat idle took longer than one that followed another at
// once (the wake-up cost a planner's batch-time curve, measured back to back, does not hold).
json service_json(const std::vector<Request>& requests) {
  struct Batch {
    double rows, seconds, gap;
  };
  std::vector<Batch> batches;
  double prev_end = -1, prev_start = -1;
  for (const auto& r : requests) {
    if (!r.served() || r.start == prev_start) continue;
    batches.push_back(
        {static_cast<double>(r.batch), r.end - r.start, prev_end < 0 ? 1.0 : r.start - prev_end});
    prev_start = r.start, prev_end = r.end;
  }
  if (batches.size() < 2) return json();
  double n = 0, mr = 0, ms = 0;
  for (const auto& b : batches) n += 1, mr += b.rows, ms += b.seconds;
  mr /= n, ms /= n;
  double srr = 0, srs = 0;
  for (const auto& b : batches) srr += (b.rows - mr) * (b.rows - mr), srs += (b.rows - mr) * (b.seconds - ms);
  const double per_row = srr > 0 ? srs / srr : 0.0;
  const auto group = [&](bool after_idle) {
    double k = 0, rows = 0, sec = 0;
    for (const auto& b : batches)
      if ((b.gap > kIdleGapS) == after_idle) k += 1, rows += b.rows, sec += b.seconds;
    return k > 0 ? json{{"batches", k}, {"mean_rows", rows / k}, {"mean_ms", 1e3 * sec / k}} : json();
  };
  return {{"batches", batches.size()},
          {"mean_rows", mr},
          {"mean_ms", 1e3 * ms},
          {"fit_ms", {{"fixed", 1e3 * (ms - per_row * mr)}, {"per_row", 1e3 * per_row}}},
          {"after_idle", group(true)},
          {"back_to_back", group(false)},
          {"idle_gap_ms", 1e3 * kIdleGapS}};
}

// The site position's upper half moves only the back's share of power (full load minus the
// front alone); scaling the gains by that span keeps the loop as fast as the defaults are on an
// actuator spanning the whole range (at most 10x, for a front that leaves almost nothing).
power::PiConfig site_gains(double full_load, double front_alone) {
  power::PiConfig pi;
  if (!(full_load > 0) || !(front_alone > 0)) return pi;
  const double span = std::clamp(2.0 * (full_load - front_alone) / full_load, 0.1, 1.0);
  pi.kp /= span;
  pi.ki /= span;
  return pi;
}

json series_json(const Site& s, const Phase& p, const BudgetSchedule* budget, double full_load) {
  const auto watts = power_bins(*s.sampler, s.signal.size(), p.t0, p.t1, kBinS);
  const auto hashes = rate_bins(s.sampler->counter_series(0, p.t0 - 1, p.t1 + 1), p.t0, p.t1, kBinS);
  json t = json::array(), w = json::array(), h = json::array(), b = json::array(), lat = json::array();
  for (std::size_t i = 0; i < watts.size(); ++i) {
    const double at = (static_cast<double>(i) + 0.5) * kBinS;
    t.push_back(at);
    w.push_back(std::isnan(watts[i]) ? json() : json(watts[i]));
    h.push_back(i < hashes.size() ? hashes[i] : 0.0);
    if (budget != nullptr) b.push_back(budget->watts_at(at, full_load));
  }
  for (const auto& r : p.requests) lat.push_back({r.arrival, r.served() ? json(r.latency_ms()) : json()});
  return {{"t_s", t},          {"watts", w},        {"hashes_per_s", h},
          {"budget_watts", b}, {"latency_ms", lat}, {"energy_kind", s.energy_kind}};
}

// For every budget change: how long the site took to get inside it, and what each side gave up.
// A budget change as a step of site power, like a throttle step: 50 ms bins from a second before
// the change to the next one, t10/t50/t90 of the change and settling of their moving median (150
// ms) into the band (max(5%, 3 sigma of the new level's own noise)), with that band and ripple.
json budget_power_step(const Site& s, const Phase& co, double tc, double te) {
  constexpr double kStepBinS = 0.05;
  const double t0 = co.t0 + std::max(0.0, tc - 1.0), t1 = co.t0 + te;
  const auto bins = power_bins(*s.sampler, s.signal.size(), t0, t1, kStepBinS);
  std::vector<double> t, v;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (std::isnan(bins[i])) continue;
    t.push_back(t0 + (static_cast<double>(i) + 1) * kStepBinS);  // a bin counts from its end
    v.push_back(bins[i]);
  }
  power::StepOptions o;
  o.settle_median_s = 3 * kStepBinS;
  const power::StepMetrics m = power::analyze_step(t, v, co.t0 + tc, t1, o);
  const auto ms = [](const std::optional<double>& x) { return x ? json(*x) : json(); };
  return {{"react_ms", ms(m.react_ms)},   {"t50_ms", ms(m.t50_ms)},   {"t90_ms", ms(m.t90_ms)},
          {"settle_ms", ms(m.settle_ms)}, {"band_pct", m.band_pct},   {"ripple_pct", m.ripple_pct},
          {"bin_ms", kStepBinS * 1e3},    {"before_watts", m.before}, {"after_watts", m.after},
          {"energy_kind", s.energy_kind}};
}

json budget_steps(const Site& s, const Phase& co, const Phase& alone, const BudgetSchedule& budget,
                  double full_load, double slo_ms) {
  json steps = json::array();
  // The front's own swings over the budget's window (front alone, nothing to steer) bound how
  // close any controller can hold the site: the band is 3 sigma of them, at least 2%.
  std::vector<double> w;
  for (double x : power_bins(*s.sampler, s.signal.size(), alone.t0, alone.t1, kWithinWindowS))
    if (!std::isnan(x)) w.push_back(x);
  const double noise_w = w.size() > 2 ? platform::sample_std(w) : 0.0;
  const auto& changes = budget.changes();
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const double tc = changes[i].first, te = i + 1 < changes.size() ? changes[i + 1].first : co.t1 - co.t0;
    if (tc >= co.t1 - co.t0) break;
    const double before = budget.watts_at(tc - 1e-6, full_load), after = budget.watts_at(tc, full_load);
    const double band = std::max(0.02, 3 * noise_w / after);
    const auto within =
        time_to_within_ms(*s.sampler, s.signal.size(), co.t0 + tc, co.t0 + te, after, kWithinWindowS, band);
    const auto hashes = s.sampler->counter_series(0, co.t0 + tc - 3, co.t0 + te + 1);
    const auto rate = [&](double a, double b) {
      return b > a ? (power::value_at(hashes, co.t0 + b) - power::value_at(hashes, co.t0 + a)) / (b - a)
                   : 0.0;
    };
    const double pre = std::max(0.0, tc - 2.0);
    steps.push_back({{"t_s", tc},
                     {"from_watts", before},
                     {"to_watts", after},
                     {"time_to_within_ms", within ? json(*within) : json()},
                     {"within_window_ms", kWithinWindowS * 1e3},
                     {"within_band_pct", 100 * band},
                     {"power_step", budget_power_step(s, co, tc, te)},
                     {"back_units_per_s_before", rate(pre, tc)},
                     {"back_units_per_s_after", rate(tc + (within ? *within / 1e3 : 0), te)},
                     {"front_latency_before", latency_json(co.requests, slo_ms, pre, tc)},
                     {"front_latency_after", latency_json(co.requests, slo_ms, tc, te)},
                     {"energy_kind", s.energy_kind}});
  }
  return steps;
}

// The figures `plan` predicts, from one of its answers.
json predicted_figures(const json& plan) {
  return {{"front_p99_ms", plan.contains("front") ? plan["front"]["predicted_p99_ms"] : json()},
          {"back_units_per_s", plan["back"]["units_per_s"]},
          {"site_watts", plan["site"]["watts"]}};
}

json error_pct(const json& predicted, const json& measured) {
  json e = json::object();
  for (const char* k : {"front_p99_ms", "back_units_per_s", "site_watts"}) {
    const json &p = predicted[k], &m = measured[k];
    e[k] = p.is_number() && m.is_number() && m.get<double>() != 0
               ? json(100.0 * (p.get<double>() - m.get<double>()) / m.get<double>())
               : json();
  }
  return e;
}

// How far the machine itself moved between the run and this site, from the phases without the
// other workload: the front alone on this stream (busy share predicted from the probe's batch
// times alone against the site's front-alone phase) and the back alone (the planner's full rate
// against the site's back-alone phase). A co-run prediction cannot be closer than these: on the
// 2-core VM the front's busy share moved 0.67-1.18x between the site's own front-alone and co-run
// phases 12 s apart, and the back's share of the time is what the front leaves (at 50% load a 5%
// busier front takes 13% of the back's hashes).
json machine_drift(json planner, const suite::PlanRequest& asked, const json& predicted, const json& scaled,
                   const json& site) {
  const json& measured_busy = site["front"]["busy_fraction"]["alone"];
  json front = nullptr;
  if (predicted.contains("front") && measured_busy.is_number() && measured_busy.get<double>() > 0) {
    // The probe's batch times with no back beside them (without a probe both use the fit).
    if (planner.contains("serving") && planner["serving"].is_object())
      planner["serving"]["beside_back"] = nullptr;
    const double busy = suite::plan(planner, asked)["front"]["share"].get<double>();
    front = {{"predicted", busy},
             {"measured", measured_busy},
             {"error_pct", 100 * (busy - measured_busy.get<double>()) / measured_busy.get<double>()}};
  }
  const json& scale = scaled["calibration"]["back_rate_scale"];
  return {{"front_busy_share_alone", front},
          {"back_units_per_s_alone_error_pct",
           scale.is_number() ? json(100 * (1 / scale.get<double>() - 1)) : json()},
          {"note",
           "the plan's inputs against this site's phases without the other workload: how far the machine's "
           "speed moved since the run; the co-run's errors include these"}};
}

// What `plan` predicted for this site's stream and start budget from a run's curves, against what
// the co-run measured before the first budget change: the test that the curves are fit for
// planning. Beside it, the same plan scaled to the machine's speed now (the front's capacity and
// the back's rate alone, both measured before the co-run).
json plan_check(const Site& s, const json& planner, const Phase& co, const BudgetSchedule* budget,
                double full_load, const json& site) {
  suite::PlanRequest r;
  r.budget_watts = budget != nullptr ? budget->watts_at(0, full_load) : full_load;
  r.demand_per_s = site["front"]["load"]["mean_rate_per_s"].get<double>();
  r.front = s.front_workload->name();
  r.max_batch = s.o.max_batch;
  r.batch_wait_s = s.o.batch_wait_ms / 1e3;
  const json predicted = suite::plan(planner, r);
  const suite::PlanRequest asked = r;
  r.front_capacity_per_s = site["front"]["capacity_per_s"].get<double>();
  r.back_units_per_s = site["back"]["units_per_s"]["alone"].get<double>();
  const json scaled = suite::plan(planner, r);
  const double end = budget != nullptr && !budget->changes().empty()
                         ? std::min(budget->changes().front().first, co.t1 - co.t0)
                         : co.t1 - co.t0;
  const auto hashes = s.sampler->counter_series(0, co.t0 - 1, co.t0 + end + 1);
  const json lat = latency_json(co.requests, s.o.slo_ms, 0, end);
  const json drift = machine_drift(planner, asked, predicted, scaled, site);
  const json measured{
      {"front_p99_ms", lat["p99"]},
      {"back_units_per_s", (power::value_at(hashes, co.t0 + end) - power::value_at(hashes, co.t0)) / end},
      {"site_watts", s.watts(co.t0, co.t0 + end)},
      {"window_s", end}};
  return {{"request",
           {{"budget_watts", r.budget_watts},
            {"demand_per_s", r.demand_per_s},
            {"front_capacity_per_s", *r.front_capacity_per_s},
            {"back_units_per_s", *r.back_units_per_s}}},
          {"predicted", predicted},
          {"measured", measured},
          {"error_pct", error_pct(predicted_figures(predicted), measured)},
          {"machine_drift", drift},
          {"calibrated",
           {{"note",
             "the planner's curves scaled to the machine's speed now (front capacity and back rate measured "
             "by this site before its co-run)"},
            {"calibration", scaled["calibration"]},
            {"predicted", predicted_figures(scaled)},
            {"error_pct", error_pct(predicted_figures(scaled), measured)}}},
          {"energy_kind", s.energy_kind}};
}

std::optional<BudgetSchedule> budget_from(const SiteOptions& o) {
  if (!o.budget && !o.schedule) return std::nullopt;
  const Budget base = o.budget ? parse_budget(*o.budget) : Budget{1.0, true};
  return BudgetSchedule(
      base, o.schedule ? BudgetSchedule::read(*o.schedule) : std::vector<std::pair<double, Budget>>{});
}

json results_skeleton(const Site& s) {
  json r{{"schema", "joulebench/1"},
         {"tool", nullptr},
         {"complete", false},
         {"quick", s.o.quick},
         {"energy_kind", s.energy_kind},
         {"energy_sensor", s.signal_name},
         {"method",
          {{"quick", s.o.quick},
           {"phases", "front alone, back alone and co-run on one seeded request stream"},
           {"power_bins_s", 0.1},
           {"notes", "results/METHOD.md, \"The site (joulebench site)\""}}},
         {"workloads", json::array()}};
  r.update(suite::disclosure(s.o.root, s.sensors));
  return r;
}

json site_skeleton(const Site& s) {
  json site{{"front",
             {{"workload", s.front_workload->name()},
              {"max_batch", s.o.max_batch},
              {"batch_wait_ms", s.o.batch_wait_ms},
              {"slo_ms", s.o.slo_ms}}},
            {"back",
             {{"workload", "sha256d"},
              {"kernel", s.back->kernel()},
              {"nonces_per_yield_check", suite::kBackMiningBatch},
              {"priority", s.o.back_priority ? "background (SCHED_IDLE)" : "normal"}}},
            {"power", {{"signal", s.signal_name}, {"energy_kind", s.energy_kind}}},
            {"phases_s", {{"stream", s.d.stream_s}, {"back_alone", s.d.back_s}}}};
  // Without a sensor the site signal is the coefficient model over its own workers: the same row.
  if (s.activity && s.activity->model())
    site["power"]["estimate"] = suite::estimate_json(*s.activity->model());
  return site;
}

/// Before the co-run: can each phase of the budget be held with the front whole? The front alone
/// at the offered load (plus the controller's margin, 2 sigma of its 100 ms bins) against the
/// budget; printed, and recorded with the policy that applies when it cannot.
json feasibility(const Site& s, const BudgetSchedule& budget, double full_load, double front_alone,
                 double sigma) {
  json phases = json::array();
  bool all = true;
  for (const double t : budget.phase_starts()) {
    const double w = budget.watts_at(t, full_load);
    const bool ok = front_alone + 2 * sigma <= w;
    all = all && ok;
    phases.push_back({{"from_s", t}, {"budget_watts", w}, {"feasible", ok}});
  }
  const double start_w = budget.watts_at(0, full_load);
  if (!all) {
    std::printf(
        "site: a budget phase is below what the front alone draws at this load (%.3g W + %.2g W margin):"
        " infeasible without touching the front; policy %s: %s\n",
        front_alone, 2 * sigma, s.o.when_infeasible.c_str(),
        s.o.when_infeasible == "slo" ? "the front stays whole and the excess energy is reported"
                                     : "the front is throttled to hold the budget and the SLO loss reported");
  }
  return {{"front_alone_watts", front_alone},
          {"noise_watts", sigma},
          {"margin_watts", 2 * sigma},
          {"budget_watts", start_w},
          {"feasible", all},
          {"policy", s.o.when_infeasible},
          {"phases", phases},
          {"energy_kind", s.energy_kind}};
}

/// The three phases on one stream: front alone, back alone, then both under the budget.
struct Phases {
  Phase alone, co;
  double back_t0 = 0, back_t1 = 0;
  json background = json::object();  ///< other processes and VM steal beside each phase
  power::PiConfig pi;
  json history = json::array();
};

Phases run_phases(Site& s, const std::vector<double>& arrivals, const BudgetSchedule* budget,
                  double full_load, json& site) {
  Phases p;
  json unused = json::array();
  s.progress.set_stage("front alone", s.front_workload->name(), "request");
  suite::LoadSnapshot before = suite::load_snapshot(s.o.root);
  p.alone = stream_phase(s, arrivals, false, nullptr, full_load, nullptr, {}, unused);
  p.background["front_alone"] = suite::load_between(before, suite::load_snapshot(s.o.root));
  s.progress.set_stage("back alone", "sha256d", "hash");
  p.back_t0 = s.sampler->now();
  s.start_back();
  before = suite::load_snapshot(s.o.root);
  s.wait(s.d.back_s);
  p.background["back_alone"] = suite::load_between(before, suite::load_snapshot(s.o.root));
  p.back_t1 = s.sampler->now();
  s.stop_back();
  site["power"]["back_alone"] =
      power_stats(power_bins(*s.sampler, s.signal.size(), p.back_t0, p.back_t1, kBinS), {}, kBinS);
  const json noise =
      power_stats(power_bins(*s.sampler, s.signal.size(), p.alone.t0, p.alone.t1, kBinS), {}, kBinS);
  const double front_alone = s.watts(p.alone.t0, p.alone.t1);
  const double sigma = noise["std"].is_number() ? noise["std"].get<double>() : 0.0;
  s.control_margin = 2 * sigma;
  if (budget) site["feasibility"] = feasibility(s, *budget, full_load, front_alone, sigma);
  SiteActuator actuator(s.back->throttle(), s.front_workload->throttle(), s.o.when_infeasible == "slo");
  s.progress.set_stage(budget ? "co-run under budget" : "co-run", "front + back", "");
  p.pi = site_gains(full_load, front_alone);
  // Errors inside the noise of a 100 ms bin are noise: the loop holds instead of chasing them; and
  // the integral is no faster than the slowest sensor in the signal lets it see (pi_for_plant).
  if (budget) {
    double lag = 0;
    for (const auto* sensor : s.signal)
      lag = std::max(lag, std::chrono::duration<double>(sensor->update_interval()).count());
    const power::PiConfig plant =
        power::pi_for_plant(lag, sigma / std::max(1e-9, budget->watts_at(0, full_load)));
    p.pi.ki = std::min(p.pi.ki, plant.ki);
    p.pi.dead_band = plant.dead_band;
  }
  before = suite::load_snapshot(s.o.root);
  p.co = stream_phase(s, arrivals, true, budget, full_load, &actuator, p.pi, p.history);
  p.background["corun"] = suite::load_between(before, suite::load_snapshot(s.o.root));
  s.progress.finish();
  return p;
}

void record_front_and_back(const Site& s, const Phases& p, json& site) {
  const auto hashes = s.sampler->counter_series(0);
  const auto rate = [&](double t0, double t1) {
    return (power::value_at(hashes, t1) - power::value_at(hashes, t0)) / (t1 - t0);
  };
  const Phase &alone = p.alone, &co = p.co;
  const double alone_rate = rate(p.back_t0, p.back_t1), co_rate = rate(co.t0, co.t1);
  const double spare_alone = 1.0 - alone.busy_s / (alone.t1 - alone.t0);
  const double spare = 1.0 - co.busy_s / (co.t1 - co.t0);  // the idle time the back could fill
  site["front"]["latency_ms"] = {{"alone", latency_json(alone.requests, s.o.slo_ms)},
                                 {"corun", latency_json(co.requests, s.o.slo_ms)}};
  site["front"]["busy_fraction"] = {{"alone", 1.0 - spare_alone}, {"corun", 1.0 - spare}};
  site["front"]["mean_batch"] = {{"alone", mean_batch(alone.requests)}, {"corun", mean_batch(co.requests)}};
  site["front"]["service"] = {{"alone", service_json(alone.requests)}, {"corun", service_json(co.requests)}};
  site["back"]["units_per_s"] = {{"alone", alone_rate}, {"corun", co_rate}};
  site["background"] = p.background;
  site["back"]["spare_capacity"] = spare;
  // Hashes per second co-run over what the back alone does in the front's idle share of the co-run.
  // It can pass 1 slightly: after each yield the back finishes the mining batch it holds.
  site["back"]["spare_harvested"] =
      alone_rate > 0 && spare > 0 ? json(co_rate / (alone_rate * spare)) : json();
}

/// Adherence per phase of the budget schedule (a run without one is one phase): the share of
/// 100 ms bins over the budget, the joules over it, and the band the controller held below it.
json budget_phases(const Site& s, const std::vector<double>& watts, const std::vector<double>& budget_w,
                   const BudgetSchedule& budget) {
  const std::vector<double> starts = budget.phase_starts();
  json phases = json::array();
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const double from = starts[k], to = k + 1 < starts.size() ? starts[k + 1] : INFINITY;
    std::vector<double> w, b;  // the phase's bins, judged as the whole co-run is (power_stats)
    for (std::size_t i = 0; i < watts.size() && i < budget_w.size(); ++i) {
      const double t = (static_cast<double>(i) + 0.5) * kBinS;
      if (t >= from && t < to) w.push_back(watts[i]), b.push_back(budget_w[i]);
    }
    const json stats = power_stats(w, b, kBinS);
    phases.push_back(
        {{"from_s", from},
         {"to_s", std::isfinite(to) ? json(to) : json(static_cast<double>(watts.size()) * kBinS)},
         {"budget_watts", b.empty() ? json() : json(b.front())},
         {"bins", w.size()},
         {"mean_watts", stats["mean"]},
         {"over_budget_fraction", stats.value("over_budget_fraction", json())},
         {"over_budget_joules", stats.value("over_budget_joules", json(0.0))},
         {"band_watts", s.control_margin},
         {"energy_kind", s.energy_kind}});
  }
  return phases;
}

void record_power(const Site& s, const Phases& p, const BudgetSchedule* budget, double full_load,
                  json& site) {
  const Phase &alone = p.alone, &co = p.co;
  std::vector<double> co_budget;
  const auto co_watts = power_bins(*s.sampler, s.signal.size(), co.t0, co.t1, kBinS);
  for (std::size_t i = 0; i < co_watts.size() && budget; ++i)
    co_budget.push_back(budget->watts_at((i + 0.5) * kBinS, full_load));
  site["power"]["corun"] = power_stats(co_watts, co_budget, kBinS);
  if (budget) site["power"]["phases"] = budget_phases(s, co_watts, co_budget, *budget);
  site["power"]["front_alone"] =
      power_stats(power_bins(*s.sampler, s.signal.size(), alone.t0, alone.t1, kBinS), {}, kBinS);
  // With a schedule, the budget's own steps are not the site's swings: std before the first change.
  const double steady_end = budget && !budget->changes().empty()
                                ? std::min(budget->changes().front().first, co.t1 - co.t0)
                                : co.t1 - co.t0;
  const json steady =
      power_stats(power_bins(*s.sampler, s.signal.size(), co.t0, co.t0 + steady_end, kBinS), {}, kBinS);
  site["power"]["corun_steady"] = steady;
  site["power"]["corun_steady"]["window_s"] = {0.0, steady_end};
  site["power"]["std_with_back"] = steady["std"];
  site["power"]["std_without_back"] = site["power"]["front_alone"]["std"];
  site["power"]["energy_kind"] = s.energy_kind;
  site["series"] = {{"alone", series_json(s, alone, nullptr, full_load)},
                    {"corun", series_json(s, co, budget, full_load)}};
}

/// The largest spread (std) of the site position (back level plus front duty, 0..2) over the
/// second half of any budget phase: the amplitude of a limit cycle once the loop has settled.
double settled_position_std(const json& history) {
  double worst = 0;
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= history.size(); ++i) {
    if (i < history.size() && history[i][1] == history[begin][1]) continue;  // same budget: same phase
    std::vector<double> pos;
    for (std::size_t k = begin + (i - begin) / 2; k < i; ++k)
      pos.push_back(history[k][2].get<double>() + history[k][3].get<double>());
    worst = std::max(worst, platform::sample_std(pos));
    begin = i;
  }
  return worst;
}

void record_budget(Site& s, const Phases& p, const BudgetSchedule& budget, double full_load, json& site) {
  site["power"]["budget"] = {{"base", s.o.budget.value_or("100%")},
                             {"schedule", s.o.schedule.value_or("")},
                             {"start_watts", budget.watts_at(0, full_load)},
                             {"energy_kind", s.energy_kind}};
  site["budget_steps"] = budget_steps(s, p.co, p.alone, budget, full_load, s.o.slo_ms);
  site["controller"] = {
      {"law", "PI on one site position: the back's duty first, the front's only with the back stopped"},
      {"kp", p.pi.kp},
      {"ki", p.pi.ki},
      {"period_s", p.pi.period_s},
      {"dead_band", p.pi.dead_band},
      {"target_margin_watts", s.control_margin},
      {"settled_position_std", settled_position_std(p.history)},
      {"target_note",
       "the controller holds budget - 2 sigma of the front-alone 100 ms bins and ignores errors within "
       "1 sigma (dead band), so noise neither pushes bins over the budget nor drives a limit cycle"},
      {"gain_note",
       "the PI defaults (tuned for an actuator spanning the whole power range) scaled by "
       "full-load / (the back's span x 2): the back moves only the power the front leaves"},
      {"history", p.history}};
  double front_throttled = 0;
  for (const auto& h : p.history) front_throttled += h[3].get<double>() < 1.0 ? 0.05 : 0.0;
  site["front"]["throttled_seconds_corun"] = front_throttled;
}

}  // namespace

int run_site(const SiteOptions& options) {
  Site s(options, durations(options));
  const LoadSpec load = parse_load(s.o.load);
  const std::optional<BudgetSchedule> budget = budget_from(s.o);
  const BudgetSchedule* budget_ptr = budget ? &*budget : nullptr;
  std::optional<json> planner;
  if (s.o.planner) planner = suite::load_planner(*s.o.planner);
  set_up(s);
  std::filesystem::create_directories(s.o.out);
  s.results = results_skeleton(s);
  json site = site_skeleton(s);
  const auto finish = [&](bool complete) {
    suite::label_energy(site, s.energy_kind);  // the plan's predictions carry the planner's own kind
    s.results["site"] = site;
    suite::finish_results(s.results, s.o.root, complete);
    s.results["validity"] = suite::validity(s.results);
    write_site_outputs(s.o.out, s.results);
  };
  capacity_and_full_load(s, site);
  const double capacity = site["front"]["capacity_per_s"].get<double>();
  const double full_load =
      site["power"]["full_load_watts"].is_number() ? site["power"]["full_load_watts"].get<double>() : NAN;
  const auto arrivals = site::arrivals(load, capacity, s.d.stream_s, s.o.seed);
  site["front"]["load"] = {{"spec", s.o.load},
                           {"seed", s.o.seed},
                           {"requests", arrivals.size()},
                           {"mean_rate_per_s", mean_rate(load, capacity, s.d.stream_s)},
                           {"share_of_capacity", mean_rate(load, capacity, s.d.stream_s) / capacity}};
  if (cli::interrupted()) return finish(false), cli::interrupted_exit_code();

  const Phases p = run_phases(s, arrivals, budget_ptr, full_load, site);
  record_front_and_back(s, p, site);
  record_power(s, p, budget_ptr, full_load, site);
  if (budget) record_budget(s, p, *budget, full_load, site);
  if (planner) site["plan"] = plan_check(s, *planner, p.co, budget_ptr, full_load, site);
  finish(!cli::interrupted());
  print_site_summary(s.results);
  std::printf("%s\n", suite::verdict_line(s.results["validity"]).c_str());
  return cli::interrupted() ? cli::interrupted_exit_code() : 0;
}

}  // namespace joulebench::site
