// compare_results: comparability checks, then per-workload metrics against the runs' spreads.
#include "results/compare.hpp"

#include <cmath>
#include <stdexcept>

#include "results/outputs.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

std::string text(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "?" : v.dump();
}

// Half the p5..p95 range of a metric's repeats, % of its median: the noise of one run.
double half_spread_pct(const json& w, const char* key) {
  const json& s = field(field(w, "spread"), key);
  const json& mid = field(s, "median");
  if (!mid.is_number() || mid.get<double>() == 0 || !field(s, "p5").is_number() ||
      !field(s, "p95").is_number())
    return 0;
  return 50.0 * (s["p95"].get<double>() - s["p5"].get<double>()) / std::fabs(mid.get<double>());
}

// Reasons two runs cannot be compared like with like.
std::vector<std::string> comparability(const json& base, const json& now) {
  std::vector<std::string> why;
  for (const auto* r : {&base, &now}) {
    const std::string which = r == &base ? "the base run" : "the new run";
    if (field(*r, "complete") != true) why.push_back(which + " is incomplete (interrupted)");
    if (field(*r, "workloads").empty()) why.push_back(which + " has no workloads");
  }
  if (field(base, "quick") != field(now, "quick"))
    why.push_back("one run is --quick and the other is not (different windows and repeats)");
  if (text(field(base, "machine"), "cpu") != text(field(now, "machine"), "cpu"))
    why.push_back("different CPU models: " + text(field(base, "machine"), "cpu") + " vs " +
                  text(field(now, "machine"), "cpu"));
  for (const auto& b : field(base, "workloads")) {
    for (const auto& n : field(now, "workloads")) {
      if (field(b, "name") != field(n, "name")) continue;
      for (const char* key : {"kernel", "threads"}) {
        if (field(b, key) != field(n, key))
          why.push_back(text(b, "name") + ": different " + key + " (" + text(b, key) + " vs " + text(n, key) +
                        ")");
      }
    }
  }
  return why;
}

MetricChange change(const json& b, const json& n, const std::string& metric, const json& base_v,
                    const json& now_v, const char* spread_key, bool higher_is_better, double threshold) {
  MetricChange c{text(b, "name"), metric, base_v, now_v, 0, 0, "ok"};
  if (!base_v.is_number() || !now_v.is_number()) {
    c.verdict = "incomparable";
    return c;
  }
  const double bv = base_v.get<double>(), nv = now_v.get<double>();
  c.change_pct = bv != 0 ? 100.0 * (nv - bv) / std::fabs(bv) : 0;
  c.noise_pct = std::max(half_spread_pct(b, spread_key), half_spread_pct(n, spread_key));
  const double worse = higher_is_better ? -c.change_pct : c.change_pct;
  if (worse > threshold && worse > c.noise_pct)
    c.verdict = "REGRESSION";
  else if (-worse > threshold && -worse > c.noise_pct)
    c.verdict = "improvement";
  else if (std::fabs(c.change_pct) <= c.noise_pct)
    c.verdict = "noise";
  return c;
}

void compare_workload(const json& base, const json& now, const json& b, const CompareOptions& o,
                      CompareReport& r) {
  const json* n = nullptr;
  for (const auto& x : field(now, "workloads")) n = field(x, "name") == field(b, "name") ? &x : n;
  if (n == nullptr) {
    r.changes.push_back(
        {text(b, "name"), "(workload missing in the new run)", nullptr, nullptr, 0, 0, "missing"});
    r.regression = true;  // a workload that no longer runs is the worst regression
    return;
  }
  r.changes.push_back(change(b, *n, "throughput_per_s", field(b, "throughput_per_s"),
                             field(*n, "throughput_per_s"), "throughput_per_s", true, o.threshold_pct));
  MetricChange j =
      change(b, *n, "joules_per_unit.gross", field(field(b, "joules_per_unit"), "gross"),
             field(field(*n, "joules_per_unit"), "gross"), "joules_per_unit_gross", false, o.threshold_pct);
  if (field(base, "energy_kind") != field(now, "energy_kind"))
    j.verdict = "incomparable (" + text(base, "energy_kind") + " vs " + text(now, "energy_kind") + " energy)";
  r.changes.push_back(j);
  if (field(field(b, "latency_ms"), "p99").is_number())
    r.changes.push_back(change(b, *n, "latency_ms.p99", field(field(b, "latency_ms"), "p99"),
                               field(field(*n, "latency_ms"), "p99"), "latency_ms_p99", false,
                               o.threshold_pct));
  for (const auto& c : r.changes) r.regression = r.regression || c.verdict == "REGRESSION";
}

}  // namespace

int CompareReport::exit_code(const CompareOptions& o) const {
  if (!not_comparable.empty() && !o.force) return 2;
  return regression ? 1 : 0;
}

json CompareReport::to_json(const CompareOptions& o) const {
  json list = json::array();
  for (const auto& c : changes)
    list.push_back({{"workload", c.workload},
                    {"metric", c.metric},
                    {"base", c.base},
                    {"new", c.now},
                    {"change_pct", c.change_pct},
                    {"noise_pct", c.noise_pct},
                    {"verdict", c.verdict}});
  return {{"comparable", not_comparable.empty()},
          {"not_comparable", not_comparable},
          {"forced", o.force},
          {"threshold_pct", o.threshold_pct},
          {"changes", list},
          {"regression", regression},
          {"exit_code", exit_code(o)}};
}

CompareReport compare_results(const json& base, const json& now, const CompareOptions& o) {
  CompareReport r;
  r.not_comparable = comparability(base, now);
  try {
    for (const auto& b : field(base, "workloads")) compare_workload(base, now, b, o, r);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed field: ") + e.what());
  }
  return r;
}

}  // namespace joulebench::suite
