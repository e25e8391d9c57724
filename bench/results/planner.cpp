// planner.json from a run, and the allocation `plan` derives from it.
#include "results/planner.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <stdexcept>

#include "joulebench/platform/stats.hpp"
#include "joulebench/power/sysfs.hpp"
#include "results/milp.hpp"
#include "results/outputs.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

json level_json(const json& p) {
  json j{{"level", field(p, "level")},
         {"setting", field(p, "setting")},
         {"throughput_per_s", field(p, "throughput_per_s")},
         {"watts", field(p, "watts")},
         {"joules_per_unit", field(field(p, "joules_per_unit"), "gross")},
         {"throughput_p5", field(field(field(p, "spread"), "throughput_per_s"), "p5")},
         {"throughput_p95", field(field(field(p, "spread"), "throughput_per_s"), "p95")},
         {"watts_p5", field(field(field(p, "spread"), "watts"), "p5")},
         {"watts_p95", field(field(field(p, "spread"), "watts"), "p95")}};
  if (field(p, "latency_ms").is_object()) j["latency_ms"] = p["latency_ms"];
  return j;
}

json actuators_json(const json& w) {
  std::map<std::string, json> by_name;
  for (const auto& p : field(w, "curve")) {
    const std::string a = field(p, "actuator").is_string() ? p["actuator"].get<std::string>() : "?";
    if (!by_name.count(a))
      by_name[a] = {{"name", a},
                    {"unit", field(p, "unit")},
                    {"levels", json::array()},
                    {"time_to_throttle", json::array()}};
    by_name[a]["levels"].push_back(level_json(p));
  }
  for (const auto& s : field(w, "steps")) {
    const std::string a = field(s, "actuator").is_string() ? s["actuator"].get<std::string>() : "?";
    if (!by_name.count(a) || field(s, "direction") == "watt-target") continue;
    json& list = by_name[a]["time_to_throttle"];
    const std::string key = field(s, "direction") == "down" ? "" : "restore_";
    json* row = nullptr;
    for (auto& r : list) row = r["to_level"] == field(s, "to_level") ? &r : row;
    if (row == nullptr) {
      list.push_back({{"to_level", field(s, "to_level")}});
      row = &list.back();
    }
    for (const char* m : {"react_ms", "t90_ms", "settle_ms"}) (*row)[key + m] = field(s, m);
  }
  json out = json::array();
  for (auto& [name, a] : by_name) {
    std::sort(a["levels"].begin(), a["levels"].end(),
              [](const json& x, const json& y) { return x.value("level", 0.0) < y.value("level", 0.0); });
    out.push_back(a);
  }
  return out;
}

// The upper concave hull of (watts, units/s) over every level of every actuator, from idle (no
// work): for each wattage the most work any setting gives. Between two hull points the way to get
// there is to alternate them (duty-cycle), which is why the hull is concave, not the points alone.
json frontier_json(const json& actuators, double idle) {
  struct Point {
    double watts, rate;
    json from;
  };
  std::vector<Point> pts{{idle, 0.0, {{"actuator", "idle"}, {"setting", nullptr}, {"level", 0.0}}}};
  for (const auto& a : actuators) {
    for (const auto& l : field(a, "levels")) {
      if (!l["watts"].is_number() || !l["throughput_per_s"].is_number()) continue;
      pts.push_back({l["watts"].get<double>(),
                     l["throughput_per_s"].get<double>(),
                     {{"actuator", a["name"]}, {"setting", l["setting"]}, {"level", l["level"]}}});
    }
  }
  std::sort(pts.begin(), pts.end(), [](const Point& x, const Point& y) {
    return x.watts != y.watts ? x.watts < y.watts : x.rate > y.rate;
  });
  std::vector<Point> hull;
  for (const auto& p : pts) {
    if (!hull.empty() && p.rate <= hull.back().rate) continue;  // more watts, no more work
    // Drop the last point while it lies on or under the chord from the one before it to p.
    while (hull.size() >= 2) {
      const Point& a = hull[hull.size() - 2];
      const Point& b = hull.back();
      if ((b.rate - a.rate) * (p.watts - a.watts) > (p.rate - a.rate) * (b.watts - a.watts)) break;
      hull.pop_back();
    }
    hull.push_back(p);
  }
  json points = json::array();
  for (const auto& p : hull) {
    json j = p.from;
    j["watts"] = p.watts;
    j["throughput_per_s"] = p.rate;
    j["joules_per_unit"] = p.rate > 0 ? json(p.watts / p.rate) : json();
    points.push_back(j);
  }
  return {{"points", points},
          {"between_points",
           "alternate the two neighbouring points (duty-cycle between their settings); throughput and "
           "watts then mix linearly by the share of time at each"}};
}

// Step response in the terms grid operators register flexible loads with, per actuator and depth.
json dynamics_json(const json& actuator) {
  json out = json::array();
  const auto watts_at = [&](const json& level) -> json {
    for (const auto& l : field(actuator, "levels"))
      if (l["level"] == level) return l["watts"];
    return nullptr;
  };
  const auto seconds = [](const json& ms) { return ms.is_number() ? json(ms.get<double>() / 1e3) : json(); };
  for (const auto& s : field(actuator, "time_to_throttle")) {
    const json full = watts_at(1.0), to = watts_at(s["to_level"]);
    json ramp = nullptr;
    if (full.is_number() && to.is_number() && s.value("t90_ms", json()).is_number() &&
        s.value("react_ms", json()).is_number()) {
      const double moving_s = (s["t90_ms"].get<double>() - s["react_ms"].get<double>()) / 1e3;
      if (moving_s > 0) ramp = 0.8 * std::fabs(full.get<double>() - to.get<double>()) / moving_s;
    }
    out.push_back({{"to_level", s["to_level"]},
                   {"response_delay_s", seconds(s.value("react_ms", json()))},
                   {"full_response_s", seconds(s.value("t90_ms", json()))},
                   {"settle_s", seconds(s.value("settle_ms", json()))},
                   {"ramp_w_per_s", ramp},
                   {"restoration_s", seconds(s.value("restore_t90_ms", json()))},
                   {"min_on_s", nullptr},
                   {"min_off_s", nullptr}});
  }
  return out;
}

// Which meter the watts come from and where it sits.
json meter_json(const json& results) {
  for (const auto& s : field(results, "power_source")) {
    if (field(s, "primary") != true) continue;
    const std::string kind = field(s, "kind").is_string() ? s["kind"].get<std::string>() : "unknown";
    const std::string domain = field(s, "domain").is_string() ? s["domain"].get<std::string>() : "";
    const std::string location = field(s, "location").is_string() ? s["location"].get<std::string>() : "";
    const std::string placement = kind == "estimated" ? "model of the CPU's share of its server's wall power"
                                  : !location.empty() && location != "unknown" ? location
                                  : domain == "wall"                           ? "wall"
                                  : domain == "board"                          ? "board"
                                                                               : "package";
    return {{"name", field(s, "name")},
            {"kind", kind},
            {"domain", field(s, "domain")},
            {"placement", placement},
            {"sampling_interval_s", field(s, "update_interval_s")},
            {"averaging_window_s", field(s, "averaging_window_s")},
            {"path", field(s, "path")}};
  }
  return nullptr;
}

double number(const json& j, const std::string& what) {
  if (!j.is_number())
    throw std::invalid_argument("planner.json lacks " + what + " (a run without valid energy?)");
  return j.get<double>();
}

// "ffn-b8-fp32" -> "ffn--fp32": runs of one model that differ only in batch.
std::string model_family(const std::string& name) {
  static const std::regex batch_token("-b[0-9]+(?=-|$)");
  return std::regex_replace(name, batch_token, "-");
}

// By name; else a run of the same model at another batch (the batch model covers the rest).
const json& find_workload(const json& planner, const std::string& name, const char* unit, const char* role) {
  for (const auto& w : field(planner, "workloads")) {
    if (name.empty() ? field(w, "unit") == unit : field(w, "name") == name) return w;
  }
  for (const auto& w : field(planner, "workloads")) {
    if (!name.empty() && field(w, "unit") == unit && field(w, "name").is_string() &&
        model_family(w["name"]) == model_family(name))
      return w;
  }
  throw std::invalid_argument(std::string("planner.json has no ") + role + " workload" +
                              (name.empty() ? "" : " '" + name + "'") + "; run `joulebench run` with one");
}

// Least squares over (b, b / throughput) of the front's family; one point: all of t is per row.
BatchTime fitted_batch_time(const json& planner, const std::string& family) {
  std::vector<std::pair<double, double>> pts;
  BatchTime t;
  t.source = "fitted to back-to-back runs";
  for (const auto& w : field(planner, "workloads")) {
    if (field(w, "unit") != "inference" || !field(w, "name").is_string() || model_family(w["name"]) != family)
      continue;
    const json& thr = field(field(w, "full"), "throughput_per_s");
    if (!thr.is_number() || thr.get<double>() <= 0 || !field(w, "batch").is_number()) continue;
    pts.emplace_back(w["batch"].get<double>(), 1.0 / thr.get<double>());  // batches/s -> s per batch
    t.fitted_from.push_back(w["name"].get<std::string>());
  }
  if (pts.empty()) throw std::invalid_argument("planner.json has no throughput for the front " + family);
  double mb = 0, mt = 0;
  for (const auto& [b, s] : pts) mb += b / pts.size(), mt += s / pts.size();
  double sbb = 0, sbt = 0;
  for (const auto& [b, s] : pts) sbb += (b - mb) * (b - mb), sbt += (b - mb) * (s - mt);
  if (sbb <= 0) {
    t.per_row_s = mt / mb;
    return t;
  }
  t.per_row_s = std::max(0.0, sbt / sbb);
  t.fixed_s = std::max(0.0, mt - t.per_row_s * mb);
  return t;
}

BatchTime scaled(BatchTime t, double k) {
  t.fixed_s *= k, t.per_row_s *= k;
  for (auto& [gap, c] : t.measured)
    for (auto& p : c) p.second *= k;
  return t;
}

// The probe's cells' spread around their medians, pooled (mean ratio per knot, weighted by n):
// one cell's 40 batches put its max anywhere in the tail, the pool is steadier. Knots at the
// plotting positions of min (0.5/n) and max (1 - 0.5/n), p5, the median and p95.
std::vector<std::pair<double, double>> pooled_spread(const json& cells) {
  const char* const keys[] = {"min", "p5", "p95", "max"};
  double sum[4] = {}, weight = 0, n_mean = 0;
  for (const auto& c : cells.is_array() ? cells : json::array()) {
    const json& med = field(c, "median");
    const json& n = field(c, "n");
    if (!med.is_number() || med.get<double>() <= 0 || !n.is_number() || n.get<double>() < 20) continue;
    bool complete = true;
    for (const char* k : keys) complete &= field(c, k).is_number();
    if (!complete) continue;
    for (int i = 0; i < 4; ++i) sum[i] += n.get<double>() * c[keys[i]].get<double>() / med.get<double>();
    weight += n.get<double>();
    n_mean += n.get<double>() * n.get<double>();
  }
  if (weight <= 0) return {};
  n_mean /= weight;
  return {{0.5 / n_mean, sum[0] / weight},
          {0.05, sum[1] / weight},
          {0.5, 1.0},
          {0.95, sum[2] / weight},
          {1 - 0.5 / n_mean, sum[3] / weight}};
}

// The serving probe's curve for the front's model (beside the back when there is one), else the fit.
BatchTime batch_time(const json& planner, const json& front) {
  const std::string family =
      model_family(field(front, "name").is_string() ? front["name"].get<std::string>() : "");
  const json& serving = field(planner, "serving");
  if (field(serving, "workload").is_string() && model_family(serving["workload"]) == family) {
    const bool beside = field(field(serving, "beside_back"), "batch_ms").is_array();
    const json& curve =
        beside ? serving["beside_back"]["batch_ms"] : field(field(serving, "alone"), "batch_ms");
    BatchTime t;
    std::map<double, BatchTime::Curve> by_gap;  // a probe without gaps timed after 2 ms
    for (const auto& p : curve.is_array() ? curve : json::array()) {
      if (!field(p, "rows").is_number() || !field(p, "median").is_number()) continue;
      const double gap = field(p, "gap_ms").is_number() ? p["gap_ms"].get<double>() / 1e3 : 0.002;
      by_gap[gap].emplace_back(p["rows"].get<double>(), p["median"].get<double>() / 1e3);
    }
    t.spread = pooled_spread(curve);
    for (auto& [gap, c] : by_gap) {
      std::sort(c.begin(), c.end());
      t.measured.emplace_back(gap, c);
    }
    if (!t.measured.empty()) {
      t.source = beside ? "serving probe: after each idle gap, beside the yielding back"
                        : "serving probe: after each idle gap";
      t.fitted_from = {serving["workload"].get<std::string>()};
      return t;
    }
  }
  return fitted_batch_time(planner, family);
}

double along_rows(const BatchTime::Curve& c, double rows) {
  if (c.size() == 1) return c.front().second * std::max(1.0, rows) / c.front().first;
  std::size_t i = 1;
  while (i + 1 < c.size() && c[i].first < rows) ++i;
  const auto& [r0, s0] = c[i - 1];
  const auto& [r1, s1] = c[i];
  return std::max(0.0, s0 + (s1 - s0) * (rows - r0) / (r1 - r0));
}

}  // namespace

double BatchTime::at(double rows, double gap_s) const {
  if (measured.empty()) return fixed_s + per_row_s * rows;
  if (measured.size() == 1 || gap_s <= measured.front().first)
    return along_rows(measured.front().second, rows);
  if (gap_s >= measured.back().first) return along_rows(measured.back().second, rows);
  std::size_t i = 1;
  while (measured[i].first < gap_s) ++i;
  const double g0 = measured[i - 1].first, g1 = measured[i].first;
  const double t0 = along_rows(measured[i - 1].second, rows), t1 = along_rows(measured[i].second, rows);
  return t0 + (t1 - t0) * (gap_s - g0) / (g1 - g0);
}

double BatchTime::spread_at(double u) const {
  if (spread.empty()) return 1.0;
  if (u <= spread.front().first) return spread.front().second;
  for (std::size_t i = 1; i < spread.size(); ++i) {
    const auto& [q0, r0] = spread[i - 1];
    const auto& [q1, r1] = spread[i];
    if (u <= q1) return r0 + (r1 - r0) * (u - q0) / (q1 - q0);
  }
  return spread.back().second;
}

FrontLoad front_load(const BatchTime& t, double rate, int max_batch, double wait_s) {
  FrontLoad f;
  const std::size_t cap = static_cast<std::size_t>(std::max(1, max_batch));
  if (!(rate > 0) || rate * t.at(static_cast<double>(cap)) / static_cast<double>(cap) >= 1.0) {
    f.overloaded = rate > 0;
    f.busy_share = f.overloaded ? 1.0 : 0.0;
    f.mean_batch = static_cast<double>(cap);
    return f;
  }
  // A fixed seed: the same planner and request give the same plan. 60 s of requests (at least
  // 20,000) put the 99th percentile on 200+ samples.
  std::mt19937_64 rng(20261207);
  std::exponential_distribution<double> gap(rate);
  std::uniform_real_distribution<double> quantile(0.0, 1.0);
  std::vector<double> arrivals(std::clamp<std::size_t>(static_cast<std::size_t>(rate * 60), 20000, 400000));
  double now = 0;
  for (auto& a : arrivals) a = now += gap(rng);
  std::vector<double> latency;
  latency.reserve(arrivals.size());
  double free_at = 0, busy = 0, batches = 0, wakes = 0;
  for (std::size_t next = 0; next < arrivals.size();) {
    const std::size_t fill = next + cap - 1;
    const double full_at = fill < arrivals.size() ? arrivals[fill] : INFINITY;
    const double ready = std::min(arrivals[next] + wait_s, full_at);
    const double start = std::max(free_at, ready);
    std::size_t last = next;
    while (last < arrivals.size() && last - next < cap && arrivals[last] <= start) ++last;
    if (free_at < ready) {
      // Free before the batch is ready: it slept, and wakes at the first request (unless it came
      // while the front was busy), at each later one and at the deadline if the batch is not full.
      const double awake_from = std::max(free_at, arrivals[next]);
      wakes += free_at < arrivals[next] ? 1 : 0;
      for (std::size_t i = next + 1; i < last; ++i) wakes += arrivals[i] > awake_from ? 1 : 0;
      wakes += ready < full_at && awake_from < ready ? 1 : 0;
    }
    // Each batch draws its time from the measured spread: the tail, not the median, sets p99.
    const double run = t.at(static_cast<double>(last - next), start - free_at) * t.spread_at(quantile(rng));
    for (std::size_t i = next; i < last; ++i) latency.push_back(start + run - arrivals[i]);
    busy += run, batches += 1, free_at = start + run, next = last;
  }
  const double span = std::max(free_at, arrivals.back());
  f.mean_batch = static_cast<double>(arrivals.size()) / batches;
  f.busy_share = busy / span;
  f.batches_per_s = batches / span;
  f.wakes_per_s = wakes / span;
  f.p99_ms = 1e3 * platform::percentile(std::move(latency), 99);
  f.simulated_requests = arrivals.size();
  return f;
}

void label_energy(json& j, const std::string& energy_kind) {
  if (j.is_array()) {
    for (auto& e : j) label_energy(e, energy_kind);
    return;
  }
  if (!j.is_object()) return;
  bool energy = false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    energy |= it.key().find("watts") != std::string::npos || it.key().find("joules") != std::string::npos;
    label_energy(it.value(), energy_kind);
  }
  if (energy && !j.contains("energy_kind") && !j.contains("kind")) j["energy_kind"] = energy_kind;
}

json load_planner(const std::string& dir) {
  const std::filesystem::path p = std::filesystem::is_directory(dir)
                                      ? std::filesystem::path(dir) / "planner.json"
                                      : std::filesystem::path(dir);
  power::FileError e;
  const auto text = power::read_text(p, &e, 64u << 20);
  if (!text)
    throw std::invalid_argument(e.message +
                                "; give a results directory of `joulebench run` (it writes planner.json)");
  json j = json::parse(*text, nullptr, false);
  if (!j.is_discarded() && field(j, "schema") == "joulebench-planner/1") {
    throw std::invalid_argument(p.string() +
                                " is a joulebench-planner/1 document (no frontier); rewrite it " +
                                "with `joulebench report " + p.parent_path().string() +
                                "`, which rebuilds planner.json from results.json");
  }
  if (j.is_discarded() || field(j, "schema") != kPlannerSchema)
    throw std::invalid_argument(p.string() + " is not a " + std::string(kPlannerSchema) +
                                " document; re-run `joulebench run` with this version");
  return j;
}

json planner_from_results(const json& results) {
  const json& idle = field(field(results, "idle"), "watts");
  json workloads = json::array();
  for (const auto& w : field(results, "workloads")) {
    json actuators = actuators_json(w);
    json dynamics = json::object();
    for (const auto& a : actuators) dynamics[a["name"].get<std::string>()] = dynamics_json(a);
    workloads.push_back(
        {{"name", field(w, "name")},
         {"unit", field(w, "unit")},
         {"kernel", field(w, "kernel")},
         {"batch", field(field(w, "inputs"), "batch")},
         {"full",
          {{"throughput_per_s", field(w, "throughput_per_s")},
           {"watts", field(w, "watts")},
           {"joules_per_unit", field(field(w, "joules_per_unit"), "gross")},
           {"latency_ms", field(w, "latency_ms")},
           {"throughput_p5", field(field(field(w, "spread"), "throughput_per_s"), "p5")},
           {"throughput_p95", field(field(field(w, "spread"), "throughput_per_s"), "p95")}}},
         {"frontier", idle.is_number() ? frontier_json(actuators, idle.get<double>()) : json()},
         {"dynamics", dynamics},
         {"actuators", actuators}});
  }
  return {{"schema", kPlannerSchema},
          {"units",
           {{"watts", "W"},
            {"throughput_per_s", "units/s: hashes/s for unit hash; batches/s for unit inference"},
            {"joules_per_unit", "J per unit (gross: idle included)"},
            {"latency_ms", "ms"},
            {"_s", "every field ending _s is in seconds"},
            {"_ms", "every field ending _ms is in milliseconds"},
            {"ramp_w_per_s", "W/s"}}},
          {"tool", field(results, "tool")},
          {"machine",
           {{"cpu", field(field(results, "machine"), "cpu")},
            {"cores", field(field(results, "machine"), "cores")}}},
          {"quick", field(results, "quick")},
          {"complete", field(results, "complete")},
          {"verdict", field(field(results, "validity"), "verdict")},
          {"energy_kind", field(results, "energy_kind")},
          {"meter", meter_json(results)},
          {"idle_watts", idle},
          {"serving", field(results, "serving")},
          {"dynamics_note",
           "response_delay_s: the step's react time (throughput leaves its noise band, about t10); "
           "full_response_s: t90; ramp_w_per_s: 80% of the watts between full and the step's level over "
           "t90 - react; restoration_s: t90 of the restore step; min_on_s / min_off_s: not measured (null)"},
          {"workloads", workloads}};
}

namespace {

// One operating point of the back: its extra watts above idle and its rate while it runs.
struct BackPoint {
  double level = 0, setting = 0, extra_watts = 0, rate = 0;
};

std::vector<BackPoint> back_points(const json& back, const std::string& actuator, double idle) {
  std::vector<BackPoint> pts;
  for (const auto& a : field(back, "actuators")) {
    if (field(a, "name") != actuator) continue;
    for (const auto& l : field(a, "levels")) {
      if (!l["watts"].is_number() || !l["throughput_per_s"].is_number() || !l["level"].is_number()) continue;
      pts.push_back(
          {l["level"].get<double>(),
           l.value("setting", json()).is_number() ? l["setting"].get<double>() : l["level"].get<double>(),
           std::max(0.0, l["watts"].get<double>() - idle), l["throughput_per_s"].get<double>()});
    }
  }
  std::sort(pts.begin(), pts.end(), [](const BackPoint& a, const BackPoint& b) { return a.level < b.level; });
  return pts;
}

// The front's part of the problem, fixed by the demand: it runs at full speed for its busy share.
struct FrontNeed {
  bool present = false;
  double share = 0, extra_watts = 0, capacity = 0, demand = 0, p99_ms = 0;
  double back_share = 1;  ///< the time the back runs: the front's idle time less what each yield costs
  bool overloaded = false;
  std::optional<double> slo_ms;
};

// Variables: front_on (fixed 1: the demand and the SLO must be met), lam_i on the duty points (point 0 is
// the back off), seg_i binaries choosing one duty segment, wk_i binaries choosing one worker
// count instead, back_on. Objective: hashes/s (x value per hash) over the back's share of time.
struct PlanModel {
  Milp m;
  int front = -1;
  std::vector<int> lam, workers;  // variable indices
};

PlanModel plan_model(const FrontNeed& f, const std::vector<BackPoint>& duty,
                     const std::vector<BackPoint>& workers, double budget_left, double value) {
  PlanModel pm;
  Milp& m = pm.m;
  m.title =
      "joulebench plan: maximise the back's hashes per second (x value per hash) within the site budget";
  const double back_share = f.back_share;
  std::vector<std::pair<int, double>> site, convex, one, on;
  if (f.present) {
    pm.front = m.add_var("front_on", 1, 1, true);
    m.add_row("front_demand", {{pm.front, f.capacity}}, 'G', f.demand);
    if (f.slo_ms) m.add_row("front_p99_ms", {{pm.front, f.p99_ms}}, 'L', *f.slo_ms);
    site.emplace_back(pm.front, f.share * f.extra_watts);
  }
  std::vector<int>& lam = pm.lam;
  std::vector<int> seg;
  for (std::size_t i = 0; i < duty.size(); ++i) {
    lam.push_back(m.add_var("lam" + std::to_string(i), 0, 1, false, value * back_share * duty[i].rate));
    if (i > 0) seg.push_back(m.add_var("seg" + std::to_string(i), 0, 1, true));
  }
  for (std::size_t i = 0; i < duty.size(); ++i) {
    if (duty[i].extra_watts != 0) site.emplace_back(lam[i], back_share * duty[i].extra_watts);
    convex.emplace_back(lam[i], 1);
    if (i > 0) on.emplace_back(lam[i], 1);
    std::vector<std::pair<int, double>> adj{{lam[i], 1}};
    if (i > 0) adj.emplace_back(seg[i - 1], -1);
    if (i + 1 < duty.size()) adj.emplace_back(seg[i], -1);
    m.add_row("adjacent" + std::to_string(i), adj, 'L', 0);
  }
  for (const int s : seg) one.emplace_back(s, 1);
  for (const auto& w : workers) {
    char name[32];
    std::snprintf(name, sizeof name, "wk%g", w.setting);
    const int v = m.add_var(name, 0, 1, true, value * back_share * w.rate);
    pm.workers.push_back(v);
    site.emplace_back(v, back_share * w.extra_watts);
    convex.emplace_back(v, 1);
    one.emplace_back(v, 1);
    on.emplace_back(v, 1);
  }
  const int back_on = m.add_var("back_on", 0, 1, true);
  on.emplace_back(back_on, -1);
  m.add_row("site_watts", site, 'L', budget_left);
  m.add_row("convex", convex, 'E', 1);
  m.add_row("one_choice", one, 'E', 1);
  m.add_row("back_on_off", on, 'L', 0);
  return pm;
}

// The back the serving probe ran beside the front (null when it did not).
const json& probed_back(const json& planner) {
  return field(field(field(planner, "serving"), "beside_back"), "back");
}
// A cost the probe measured in ms (each yield beyond the front's batch, each further wake of the
// front's thread), in seconds; 0 unmeasured or negative (noise).
double probe_cost_s(const json& ms) { return ms.is_number() ? std::max(0.0, ms.get<double>() / 1e3) : 0.0; }

json batch_time_json(const BatchTime& t, int max_batch) {
  json j{{"source", t.source}, {"fitted_from", t.fitted_from}};
  if (t.measured.empty()) return j.update({{"fixed", 1e3 * t.fixed_s}, {"per_row", 1e3 * t.per_row_s}}), j;
  json at = json::array();
  for (const auto& [gap, curve] : t.measured)
    for (int b = 1; b <= max_batch; b = b < max_batch && 2 * b > max_batch ? max_batch : 2 * b)
      at.push_back({{"rows", b}, {"gap_ms", 1e3 * gap}, {"ms", 1e3 * t.at(b, gap)}});
  j["at"] = at;
  json spread = json::array();
  for (const auto& [q, ratio] : t.spread) spread.push_back({{"quantile", q}, {"of_median", ratio}});
  j["spread"] = spread;
  return j;
}

}  // namespace

json plan(const json& planner, const PlanRequest& r, std::string* lp_text) {
  if (field(planner, "schema") != kPlannerSchema)
    throw std::invalid_argument("not a " + std::string(kPlannerSchema) + " document");
  const double idle = number(field(planner, "idle_watts"), "idle_watts");
  json out{{"budget_watts", r.budget_watts},
           {"demand_per_s", r.demand_per_s},
           {"energy_kind", field(planner, "energy_kind")}};
  FrontNeed need;
  double front_scale = 1;
  json why = json::array();
  if (r.demand_per_s > 0) {
    const json& f = find_workload(planner, r.front, "inference", "inference (front)");
    BatchTime t = batch_time(planner, f);
    const int max_batch =
        r.max_batch > 0 ? r.max_batch : (field(f, "batch").is_number() ? f["batch"].get<int>() : 1);
    if (r.front_capacity_per_s && *r.front_capacity_per_s > 0) {
      const std::string family = model_family(field(f, "name").get<std::string>());
      const double planner_capacity = max_batch / fitted_batch_time(planner, family).at(max_batch);
      front_scale = planner_capacity / *r.front_capacity_per_s;
      t = scaled(t, front_scale);
    }
    const FrontLoad load = front_load(t, r.demand_per_s, max_batch, r.batch_wait_s);
    const json& back = probed_back(planner);
    const double lost_s = probe_cost_s(field(back, "lost_ms_per_yield"));
    const double wake_s = probe_cost_s(field(field(back, "wake"), "lost_ms_per_wake"));
    need.present = true;
    need.share = load.busy_share;
    need.extra_watts = number(field(field(f, "full"), "watts"), "the front's watts") - idle;
    need.capacity = max_batch / t.at(max_batch);
    need.demand = r.demand_per_s;
    need.p99_ms = load.p99_ms;
    // The probe's yield cost includes the one wake it makes per batch; the batcher makes more
    // while a batch fills (or none when the next batch is ready as the last one ends).
    need.back_share = std::max(0.0, 1.0 - load.busy_share - load.batches_per_s * lost_s -
                                        (load.wakes_per_s - load.batches_per_s) * wake_s);
    need.overloaded = load.overloaded;
    need.slo_ms = r.slo_ms;
    const double front_watts = idle + need.share * need.extra_watts;
    if (load.overloaded)
      why.push_back("the demand (" + std::to_string(r.demand_per_s) +
                    "/s) is at or above the front's capacity (" + std::to_string(need.capacity) +
                    "/s in full batches of " + std::to_string(max_batch) + ")");
    if (!load.overloaded && r.slo_ms && load.p99_ms > *r.slo_ms)
      why.push_back("the front's predicted p99 (" + std::to_string(load.p99_ms) + " ms) exceeds the SLO (" +
                    std::to_string(*r.slo_ms) + " ms)");
    if (front_watts > r.budget_watts + 1e-9)
      why.push_back("the front alone needs " + std::to_string(front_watts) +
                    " W at this demand; the budget is " + std::to_string(r.budget_watts) + " W");
    const double extra_full = need.extra_watts;
    const double allowed = extra_full > 0 ? std::clamp((r.budget_watts - idle) / extra_full, 0.0, 1.0) : 1.0;
    const double served = std::min(load.busy_share, allowed);
    const bool throttled = served < load.busy_share - 1e-9;
    out["front"] = {{"workload", field(f, "name")},
                    {"batch_time_ms", batch_time_json(t, max_batch)},
                    {"max_batch", max_batch},
                    {"capacity_per_s", need.capacity},
                    {"mean_batch", load.mean_batch},
                    {"batches_per_s", load.batches_per_s},
                    {"simulated_requests", load.simulated_requests},
                    {"share", load.busy_share},
                    {"back_share", need.back_share},
                    {"yield_cost_ms", 1e3 * lost_s},
                    {"wakes_per_batch", load.batches_per_s > 0 ? load.wakes_per_s / load.batches_per_s : 0.0},
                    {"wake_cost_ms", 1e3 * wake_s},
                    {"served_share", served},
                    {"meets_demand", !throttled && !load.overloaded},
                    {"watts", idle + served * extra_full},
                    {"predicted_p99_ms", throttled || load.overloaded ? json() : json(load.p99_ms)},
                    {"slo_ms", r.slo_ms ? json(*r.slo_ms) : json()},
                    {"throttled", throttled}};
  }
  const json& b = find_workload(planner, r.back, "hash", "mining (back)");
  std::vector<BackPoint> duty = back_points(b, "duty", idle);
  if (duty.empty()) throw std::invalid_argument("planner.json has no duty curve for " + r.back);
  duty.insert(duty.begin(), BackPoint{});  // level 0: the back off
  std::vector<BackPoint> workers = back_points(b, "workers", idle);
  double back_scale = 1;
  if (r.back_units_per_s && *r.back_units_per_s > 0 && duty.back().rate > 0) {
    back_scale = *r.back_units_per_s / duty.back().rate;
    for (auto* pts : {&duty, &workers})
      for (auto& p : *pts) p.rate *= back_scale;
  }
  out["calibration"] = {
      {"front_batch_time_scale", front_scale},
      {"back_rate_scale", back_scale},
      {"note",
       front_scale == 1 && back_scale == 1
           ? "the planner's curves as measured"
           : "the planner's curves scaled to the machine's speed now: batch times by planner capacity / "
             "capacity measured now, the back's rates by its rate now / the planner's full rate"}};
  const double value = r.value_per_hash.value_or(1.0);
  const PlanModel pm = plan_model(need, duty, workers, r.budget_watts - idle, value);
  if (lp_text != nullptr) *lp_text = pm.m.lp_text();
  const MilpSolution sol = solve_with_cbc(pm.m);
  out["solver"] = sol.solver;
  out["objective_units"] =
      r.value_per_hash ? "value per second (hashes/s x --value-per-hash)" : "hashes per second";
  out["feasible"] = sol.optimal && why.empty();
  if (!out["feasible"].get<bool>()) {
    if (why.empty()) why.push_back("the solver: " + sol.status);
    out["infeasible_because"] = why;
    out["objective"] = nullptr;
    out["back"] = {{"workload", field(b, "name")},
                   {"operating_point", nullptr},
                   {"duty_level", 0.0},
                   {"units_per_s", 0.0},
                   {"watts_extra", 0.0}};
    const double front_w = out.contains("front") ? out["front"]["watts"].get<double>() : idle;
    out["site"] = {{"watts", front_w}, {"within_budget", front_w <= r.budget_watts + 1e-6}};
    label_energy(out, out["energy_kind"].is_string() ? out["energy_kind"].get<std::string>() : "unknown");
    return out;
  }
  out["objective"] = sol.objective;
  // Read the chosen point back: a duty segment (two neighbouring lam) or one worker count.
  const double share = need.share;
  double rate = 0, extra = 0, level = 0;
  json point;
  for (std::size_t i = 0; i < duty.size(); ++i) {
    const double l = sol.x[pm.lam[i]];
    rate += l * duty[i].rate, extra += l * duty[i].extra_watts, level += l * duty[i].level;
  }
  bool by_workers = false;
  for (std::size_t k = 0; k < workers.size(); ++k) {
    if (sol.x[pm.workers[k]] > 0.5) {
      by_workers = true;
      rate = workers[k].rate, extra = workers[k].extra_watts;
      point = {{"actuator", "workers"}, {"setting", workers[k].setting}, {"level", workers[k].level}};
    }
  }
  if (!by_workers) point = {{"actuator", level > 0 ? "duty" : "off"}, {"level", level}};
  out["back"] = {{"workload", field(b, "name")},
                 {"operating_point", point},
                 {"duty_level", by_workers ? json() : json(level)},
                 {"units_per_s", need.back_share * rate},
                 {"watts_extra", need.back_share * extra}};
  const double site = idle + share * need.extra_watts + need.back_share * extra;
  out["site"] = {{"watts", site}, {"within_budget", site <= r.budget_watts + 1e-6}};
  if (r.value_per_hash) out["value_per_s"] = need.back_share * rate * *r.value_per_hash;
  label_energy(out, out["energy_kind"].is_string() ? out["energy_kind"].get<std::string>() : "unknown");
  return out;
}

}  // namespace joulebench::suite
