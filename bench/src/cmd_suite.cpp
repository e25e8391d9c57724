// `joulebench run`, `joulebench compare`, `joulebench merge`.
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "joulebench/power/sysfs.hpp"
#include "power_setup.hpp"
#include "suite/outputs.hpp"
#include "suite/run.hpp"

namespace joulebench::cli {
namespace {

using json = nlohmann::json;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Comma-separated workloads, where key=value items belong to the mlp: spec before them:
// "sha256d,mlp:256x256,layers=4,batch=2,ffn-b1" is three workloads.
std::vector<std::string> workload_list(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& item : split(text)) {
    if (item.find('=') != std::string::npos && !out.empty() && out.back().rfind("mlp:", 0) == 0)
      out.back() += "," + item;
    else
      out.push_back(item);
  }
  return out;
}

std::vector<double> levels_from(const std::string& text, const std::string& option) {
  std::vector<double> out;
  for (const auto& item : split(text)) {
    char* end = nullptr;
    std::string t = item;
    if (!t.empty() && t.back() == '%') t.pop_back();
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !(v > 0 && v <= 100)) {
      throw UsageError("--" + option + " item '" + item + "' is not a percentage in (0, 100]; write e.g. --" + option +
                       (option == "levels" ? " 100,70,40,10" : " 70,50,30,10"));
    }
    out.push_back(v / 100.0);
  }
  return out;
}

// One metric compared: relative change, the noise band from both runs' spreads, a verdict.
struct Change {
  std::string workload, metric;
  double base = 0, now = 0, change_pct = 0, noise_pct = 0;
  std::string verdict;
};

double half_spread_pct(const json& spread, const char* key) {
  if (!spread.contains(key)) return 0;
  const json& s = spread[key];
  const double mid = s.value("median", 0.0);
  if (mid == 0) return 0;
  return 50.0 * (s.value("p95", mid) - s.value("p5", mid)) / std::fabs(mid);
}

Change compare_metric(const json& b, const json& n, const std::string& metric, double base_v, double new_v,
                      const char* spread_key, bool higher_is_better, double threshold) {
  Change c{b["name"], metric, base_v, new_v, base_v != 0 ? 100.0 * (new_v - base_v) / std::fabs(base_v) : 0,
           0,         "ok"};
  c.noise_pct = std::max(half_spread_pct(b.value("spread", json::object()), spread_key),
                         half_spread_pct(n.value("spread", json::object()), spread_key));
  const double worse = higher_is_better ? -c.change_pct : c.change_pct;
  if (worse > threshold && worse > c.noise_pct)
    c.verdict = "REGRESSION";
  else if (-worse > threshold && -worse > c.noise_pct)
    c.verdict = "improvement";
  else if (std::fabs(c.change_pct) <= c.noise_pct)
    c.verdict = "noise";
  return c;
}

// The files a run writes; a directory holding any of them holds results.
constexpr const char* kResultFiles[] = {"results.json",         "curves.csv",  "steps.csv",
                                        "steps_timeseries.csv", "report.html", "planner.json"};

// Refuses to mix a new run's files with an earlier run's; with --force moves the old ones into
// DIR/previous-<UTC time>/ first (never deleted, never overwritten).
void make_room_for_results(const std::filesystem::path& dir, bool force) {
  std::vector<std::string> old;
  for (const char* f : kResultFiles) {
    std::error_code ec;
    if (std::filesystem::symlink_status(dir / f, ec).type() != std::filesystem::file_type::not_found)
      old.push_back(f);
  }
  if (old.empty()) return;
  std::string names;
  for (const auto& f : old) names += (names.empty() ? "" : ", ") + f;
  if (!force) {
    throw UsageError("--out " + dir.string() + " already holds results (" + names +
                     "); give a new directory, or add --force to move them into " + dir.string() +
                     "/previous-<time>/ first");
  }
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&now));
  std::filesystem::path aside = dir / ("previous-" + std::string(stamp));
  for (int i = 2; std::filesystem::exists(aside); ++i)
    aside = dir / ("previous-" + std::string(stamp) + "-" + std::to_string(i));
  std::filesystem::create_directory(aside);
  for (const auto& f : old) std::filesystem::rename(dir / f, aside / f);
  std::fprintf(stderr, "joulebench: moved the earlier results (%s) into %s\n", names.c_str(), aside.c_str());
}

}  // namespace

int cmd_run(const std::vector<std::string>& argv) {
  const Args a(argv, {"workloads", "actuators", "levels", "step-to", "out", "sysfs-root", "calibration", "threads"},
               {"quick", "allow-hw-caps", "no-pin", "no-progress", "force"});
  suite::RunOptions o;
  o.workloads = workload_list(a.get_or("workloads", ""));
  o.actuators = split(a.get_or("actuators", ""));
  o.levels = levels_from(a.get_or("levels", ""), "levels");
  o.step_levels = levels_from(a.get_or("step-to", ""), "step-to");
  for (double l : o.step_levels) {
    if (l >= 1.0) throw UsageError("--step-to item '100' is no step; give depths below 100, e.g. --step-to 70,50,30,10");
  }
  o.quick = a.flag("quick");
  o.allow_hw_caps = a.flag("allow-hw-caps");
  o.out = a.get_or("out", "joulebench-results");
  o.root = sysfs_root_from(a);
  if (const auto c = a.get("calibration")) o.calibration = *c;
  o.threads = a.uint("threads", 1, 4096).value_or(0);
  o.pin = !a.flag("no-pin");
  o.progress = !a.flag("no-progress");
  make_room_for_results(o.out, a.flag("force"));
  try {
    const int code = suite::run_suite(o);
    std::printf("results: %s/{results.json,curves.csv,steps.csv,steps_timeseries.csv,report.html}\n",
                o.out.c_str());
    return code;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int cmd_compare(const std::vector<std::string>& argv) {
  const Args a(argv, {"threshold"}, {"json"});
  if (a.positionals().size() != 2)
    throw UsageError("compare needs two files: joulebench compare BASE.json NEW.json");
  const double threshold = a.positive("threshold", true).value_or(5.0);
  json base, now;
  try {
    base = suite::load_results(a.positionals()[0]);
    now = suite::load_results(a.positionals()[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 2;
  }
  const bool energy_comparable = base.value("energy_kind", "") == now.value("energy_kind", "");
  std::vector<Change> changes;
  for (const auto& b : base["workloads"]) {
    const json* n = nullptr;
    for (const auto& x : now["workloads"]) n = x["name"] == b["name"] ? &x : n;
    if (n == nullptr || !b.contains("throughput_per_s") || !n->contains("throughput_per_s")) {
      changes.push_back({b["name"], "(missing in one file)", 0, 0, 0, 0, "missing"});
      continue;
    }
    changes.push_back(compare_metric(b, *n, "throughput_per_s", b["throughput_per_s"],
                                     (*n)["throughput_per_s"], "throughput_per_s", true, threshold));
    Change j = compare_metric(b, *n, "joules_per_unit.gross", b["joules_per_unit"]["gross"],
                              (*n)["joules_per_unit"]["gross"], "joules_per_unit_gross", false, threshold);
    if (!energy_comparable)
      j.verdict =
          "incomparable (" + base.value("energy_kind", "?") + " vs " + now.value("energy_kind", "?") + ")";
    changes.push_back(j);
  }
  bool regression = false;
  std::printf("%-18s %-24s %12s %12s %9s %8s  %s\n", "workload", "metric", "base", "new", "change", "noise",
              "verdict");
  for (const auto& c : changes) {
    regression = regression || c.verdict == "REGRESSION";
    std::printf("%-18s %-24s %12.5g %12.5g %+8.2f%% %7.2f%%  %s\n", c.workload.c_str(), c.metric.c_str(),
                c.base, c.now, c.change_pct, c.noise_pct, c.verdict.c_str());
  }
  std::printf("threshold %.2f%%: %s\n", threshold, regression ? "REGRESSION" : "no regression");
  return regression ? 1 : 0;
}

int cmd_report(const std::vector<std::string>& argv) {
  const Args a(argv, {}, {});
  if (a.positionals().size() != 1)
    throw UsageError("report needs one results directory: joulebench report DIR");
  const std::filesystem::path dir = a.positionals()[0];
  json results;
  try {
    results = suite::load_results(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 2;
  }
  power::write_file_atomically(dir / "report.html",
                               suite::render_report(results, suite::load_timeseries(dir)));
  std::printf("wrote %s\n", (dir / "report.html").c_str());
  return 0;
}

int cmd_merge(const std::vector<std::string>& argv) {
  const Args a(argv, {"csv"}, {});
  if (a.positionals().empty())
    throw UsageError("merge needs result directories: joulebench merge DIR [DIR...]");
  std::string csv =
      "host,workload,unit,kernel,threads,throughput_per_s,watts,joules_per_unit_gross,joules_per_unit_net,"
      "energy_kind,sensor,complete,quick\n";
  std::printf("%-16s %-18s %-10s %12s %9s %13s %-10s %s\n", "host", "workload", "unit", "units/s", "W",
              "J/unit gross", "energy", "complete");
  std::vector<std::string> skipped;
  for (const auto& dir : a.positionals()) {
    std::string rows;
    try {
      const json r = suite::load_results(dir);
      const std::string host = r.at("machine").value("hostname", dir);
      for (const auto& w : r.at("workloads")) {
        if (!w.contains("throughput_per_s")) continue;
        std::printf("%-16s %-18s %-10s %12.4g %9.2f %13.4g %-10s %s\n", host.c_str(),
                    w.at("name").get<std::string>().c_str(), w.at("unit").get<std::string>().c_str(),
                    w.at("throughput_per_s").get<double>(), w.at("watts").get<double>(),
                    w.at("joules_per_unit").at("gross").get<double>(), r.value("energy_kind", "?").c_str(),
                    r.value("complete", false) ? "yes" : "no");
        std::ostringstream line;
        line << host << "," << w.at("name").get<std::string>() << "," << w.at("unit").get<std::string>()
             << "," << w.at("kernel").get<std::string>() << "," << w.value("threads", 0) << ","
             << w.at("throughput_per_s").get<double>() << "," << w.at("watts").get<double>() << ","
             << w.at("joules_per_unit").at("gross").get<double>() << ","
             << w.at("joules_per_unit").at("net").get<double>() << "," << r.value("energy_kind", "?") << ","
             << r.value("energy_sensor", "?") << "," << r.value("complete", false) << ","
             << r.value("quick", false) << "\n";
        rows += line.str();
      }
    } catch (const std::exception& e) {
      // One bad input never costs the others: it is named and the merge goes on.
      skipped.push_back(dir + ": " + e.what());
      continue;
    }
    csv += rows;
  }
  for (const auto& s : skipped) std::fprintf(stderr, "joulebench merge: skipped %s\n", s.c_str());
  const std::string out = a.get_or("csv", "merged.csv");
  try {
    power::write_file_atomically(out, csv);
    std::printf("wrote %s\n", out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 1;
  }
  return skipped.empty() ? 0 : 1;
}

}  // namespace joulebench::cli
