// `joulebench run`, `joulebench compare`, `joulebench merge`.
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/model_vs_library.hpp"
#include "cli/power_setup.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/power/sysfs.hpp"
#include "report/pages.hpp"
#include "results/compare.hpp"
#include "results/fleet.hpp"
#include "results/json_out.hpp"
#include "results/outputs.hpp"
#include "results/planner.hpp"
#include "results/si.hpp"
#include "suite/run.hpp"
#include "suite/workloads.hpp"

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

// --kernel names a GEMM kernel every inference workload's dtype has and this CPU runs; checked now,
// not minutes into the run.
void check_gemm_kernel(const suite::RunOptions& o) {
  if (o.gemm_kernel.empty()) return;
  for (const auto& name : o.workloads.empty() ? suite::default_workloads() : o.workloads) {
    if (name == "sha256d") continue;
    try {
      (void)inference::find_gemm_kernel(suite::workload_spec(name).dtype, o.gemm_kernel);
    } catch (const std::invalid_argument& e) {
      throw UsageError("--kernel '" + o.gemm_kernel + "' for workload " + name + ": " + e.what());
    }
  }
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
      throw UsageError("--" + option + " item '" + item + "' is not a percentage in (0, 100]; write e.g. --" +
                       option + (option == "levels" ? " 100,70,40,10" : " 70,50,30,10"));
    }
    out.push_back(v / 100.0);
  }
  return out;
}

}  // namespace

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

int cmd_run(const std::vector<std::string>& argv) {
  const Args a(argv,
               with_meter_options({"workloads", "actuators", "levels", "step-to", "out", "sysfs-root",
                                   "calibration", "threads", "kernel"}),
               with_meter_flags({"quick", "allow-hw-caps", "no-pin", "no-progress", "force"}));
  suite::RunOptions o;
  o.workloads = workload_list(a.get_or("workloads", ""));
  o.actuators = split(a.get_or("actuators", ""));
  o.levels = levels_from(a.get_or("levels", ""), "levels");
  o.step_levels = levels_from(a.get_or("step-to", ""), "step-to");
  for (double l : o.step_levels) {
    if (l >= 1.0)
      throw UsageError("--step-to item '100' is no step; give depths below 100, e.g. --step-to 70,50,30,10");
  }
  o.quick = a.flag("quick");
  o.allow_hw_caps = a.flag("allow-hw-caps");
  o.out = a.get_or("out", "joulebench-results");
  read_run_options(a, o);
  o.kernel_vs_library = kernel_vs_library;
  o.gemm_kernel = a.get_or("kernel", "");
  check_gemm_kernel(o);
  make_room_for_results(o.out, a.flag("force"));
  try {
    const int code = suite::run_suite(o);
    std::printf(
        "results: %s/{results.json,curves.csv,steps.csv,steps_timeseries.csv,planner.json,report.html}\n",
        o.out.c_str());
    return code;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int cmd_compare(const std::vector<std::string>& argv) {
  const Args a(argv, {"threshold", "html"}, {"json", "force"}, 2);
  if (a.positionals().size() != 2)
    throw UsageError("compare needs two files: joulebench compare BASE.json NEW.json");
  const suite::CompareOptions o{a.positive("threshold", true).value_or(5.0), a.flag("force")};
  suite::CompareReport report;
  suite::CompareInputs in;
  try {
    in.base = suite::load_results(a.positionals()[0]);
    in.now = suite::load_results(a.positionals()[1]);
    report = suite::compare_results(in.base, in.now, o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 2;
  }
  if (a.has("html")) {
    in.base_name = a.positionals()[0];
    in.now_name = a.positionals()[1];
    in.base_timeseries = suite::load_timeseries(in.base_name);
    in.now_timeseries = suite::load_timeseries(in.now_name);
    try {
      power::write_file_atomically(a.get_or("html", ""), suite::render_compare(in, report, o));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "joulebench: error: %s\n", e.what());
      return 2;
    }
    if (!a.flag("json")) std::printf("wrote %s\n", a.get_or("html", "").c_str());
  }
  if (a.flag("json")) {
    print_json(report.to_json(o), 2);
    return report.exit_code(o);
  }
  for (const auto& why : report.not_comparable)
    std::fprintf(stderr, "joulebench compare: %s: %s\n", o.force ? "warning (forced)" : "not comparable",
                 why.c_str());
  if (!report.not_comparable.empty() && !o.force) {
    std::fprintf(stderr, "joulebench compare: refusing to compare (exit 2); --force compares anyway\n");
    return 2;
  }
  const auto cellv = [](const json& v) {
    char buf[32];
    if (!v.is_number()) return std::string("-");
    std::snprintf(buf, sizeof buf, "%.5g", v.get<double>());
    return std::string(buf);
  };
  std::printf("%-18s %-34s %12s %12s %9s %8s  %s\n", "workload", "metric", "base", "new", "change", "noise",
              "verdict");
  for (const auto& c : report.changes) {
    std::printf("%-18s %-34s %12s %12s %+8.2f%% %7.2f%%  %s\n", c.workload.c_str(), c.metric.c_str(),
                cellv(c.base).c_str(), cellv(c.now).c_str(), c.change_pct, c.noise_pct, c.verdict.c_str());
  }
  std::printf("threshold %.2f%%: %s\n", o.threshold_pct, report.regression ? "REGRESSION" : "no regression");
  return report.exit_code(o);
}

int cmd_report(const std::vector<std::string>& argv) {
  const Args a(argv, {}, {}, 1);
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
  // planner.json follows results.json's version of this tool (an older run's is rewritten).
  if (results.value("site", json()).is_null()) {
    power::write_file_atomically(dir / "planner.json",
                                 json_text(suite::planner_from_results(results), 2) + "\n");
    std::printf("wrote %s\n", (dir / "planner.json").c_str());
  }
  return 0;
}

int cmd_merge(const std::vector<std::string>& argv) {
  const Args a(argv, {"csv", "html"}, {"json"}, Args::kAnyPositionals);
  if (a.positionals().empty())
    throw UsageError("merge needs result directories: joulebench merge DIR [DIR...]");
  std::vector<std::filesystem::path> dirs(a.positionals().begin(), a.positionals().end());
  const suite::Fleet fleet = suite::load_fleet(dirs);
  if (a.flag("json")) {
    print_json(fleet.to_json(), 2);
  } else {
    std::printf("%-28s %-10s %-11s %-14s %11s %12s %10s  %s\n", "result directory", "host", "status",
                "workload", "throughput", "work per J", "energy", "note");
    for (const auto& n : fleet.nodes) {
      if (n.workloads.empty())
        std::printf("%-28s %-10s %-11s %-14s %11s %12s %10s  %s\n", n.dir.c_str(), n.host.c_str(),
                    n.status.c_str(), "-", "-", "-", "-", n.reason.c_str());
      for (const auto& w : n.workloads) {
        const std::string u = unit_symbol(w.unit);
        std::printf("%-28s %-10s %-11s %-14s %11s %12s %10s  %s\n", n.dir.c_str(), n.host.c_str(),
                    n.status.c_str(), w.name.c_str(), si(w.throughput, u + "/s").c_str(),
                    si(w.work_per_joule, u + "/J").c_str(), n.energy_kind.c_str(),
                    w.outlier ? ("OUTLIER: " + w.outlier_note).c_str() : n.reason.c_str());
      }
    }
  }
  for (const auto& s : fleet.skipped()) std::fprintf(stderr, "joulebench merge: failed %s\n", s.c_str());
  int code = fleet.skipped().empty() ? 0 : 1;
  const auto write = [&](const std::string& path, const std::string& text) {
    try {
      power::write_file_atomically(path, text);
      if (!a.flag("json")) std::printf("wrote %s\n", path.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "joulebench: error: %s\n", e.what());
      code = 1;
    }
  };
  write(a.get_or("csv", "merged.csv"), fleet.csv());
  if (a.has("html")) write(a.get_or("html", ""), suite::render_fleet(fleet));
  return code;
}

}  // namespace joulebench::cli
