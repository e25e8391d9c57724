// `joulebench site` (inference in front, mining behind, one power budget) and `joulebench plan`
// (the allocation a planner derives from a run's curves).
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/power_setup.hpp"
#include "joulebench/power/sysfs.hpp"
#include "results/json_out.hpp"
#include "results/outputs.hpp"
#include "results/planner.hpp"
#include "site/budget.hpp"
#include "site/site.hpp"
#include "site/stream.hpp"
#include "suite/workloads.hpp"

namespace joulebench::cli {
namespace {

using json = nlohmann::json;

std::string ms_text(const json& v) {
  if (!v.is_number()) return "- (unbounded: the queue grows)";
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v.get<double>());
  return b;
}

void print_plan(const json& p) {
  std::printf("budget %.1f W (%s energy), demand %.1f requests/s\n", p["budget_watts"].get<double>(),
              p.value("energy_kind", "?").c_str(), p["demand_per_s"].get<double>());
  if (p.contains("front")) {
    const json& f = p["front"];
    std::printf(
        "  front %-14s busy %.1f%% of the time (mean batch %.1f of %d; capacity %.0f requests/s), %.1f W, "
        "predicted p99 %s ms%s\n",
        f["workload"].get<std::string>().c_str(), 100 * f["share"].get<double>(),
        f["mean_batch"].get<double>(), f["max_batch"].get<int>(), f["capacity_per_s"].get<double>(),
        f["watts"].get<double>(), ms_text(f["predicted_p99_ms"]).c_str(),
        f["throttled"].get<bool>() ? " (THROTTLED: the budget cannot serve the demand)" : "");
  }
  if (!p.value("feasible", true)) {
    std::printf("  INFEASIBLE:\n");
    for (const auto& why : p["infeasible_because"]) std::printf("    - %s\n", why.get<std::string>().c_str());
    return;
  }
  const json& b = p["back"];
  const json& point = b["operating_point"];
  const std::string where =
      point["actuator"] == "workers"
          ? "workers " + std::to_string(point["setting"].get<int>())
          : "duty " + std::to_string(static_cast<int>(100 * point["level"].get<double>() + 0.5)) + "%";
  std::printf("  back  %-14s %s, %.4g hashes/s, +%.1f W\n", b["workload"].get<std::string>().c_str(),
              where.c_str(), b["units_per_s"].get<double>(), b["watts_extra"].get<double>());
  std::printf("  site  %.1f W predicted (%s budget)\n", p["site"]["watts"].get<double>(),
              p["site"]["within_budget"].get<bool>() ? "within" : "OVER");
  if (p.contains("value_per_s")) std::printf("  value %.4g per second\n", p["value_per_s"].get<double>());
  std::printf("  objective %.10g %s (%s)\n", p["objective"].get<double>(),
              p["objective_units"].get<std::string>().c_str(), p["solver"].get<std::string>().c_str());
}

// plan.lp beside the planner.json read (or --lp FILE): replaced only when it is one plan wrote.
std::filesystem::path write_lp(const Args& a, const std::string& lp) {
  namespace fs = std::filesystem;
  const fs::path results = *a.get("results");
  const fs::path path = a.get("lp")
                            ? fs::path(*a.get("lp"))
                            : (fs::is_directory(results) ? results : results.parent_path()) / "plan.lp";
  const bool ours =
      power::read_text(path, nullptr, 1u << 20).value_or("").rfind("\\* joulebench plan", 0) == 0;
  write_output_file(path, lp, "--lp", ours,
                    " exists and is not a plan.lp written by joulebench; give --lp FILE");
  return path;
}

}  // namespace

int cmd_site(const std::vector<std::string>& argv) {
  const Args a(argv,
               with_meter_options({"front", "load", "max-batch", "batch-wait-ms", "slo-ms", "budget",
                                   "budget-schedule", "planner", "duration", "seed", "out", "sysfs-root",
                                   "calibration", "threads", "back-priority", "when-infeasible"}),
               with_meter_flags({"quick", "no-pin", "no-progress", "force"}));
  site::SiteOptions o;
  o.front = a.get_or("front", o.front);
  o.load = a.get_or("load", o.load);
  o.max_batch = static_cast<int>(a.uint("max-batch", 1, 4096).value_or(8));
  o.batch_wait_ms = a.positive("batch-wait-ms", true).value_or(2.0);
  o.slo_ms = a.positive("slo-ms").value_or(50.0);
  o.budget = a.get("budget");
  o.schedule = a.get("budget-schedule");
  o.planner = a.get("planner");
  o.quick = a.flag("quick");
  o.phase_s = a.positive("duration").value_or(0.0);
  o.seed = static_cast<std::uint32_t>(a.uint("seed", 0, 0xffffffffu).value_or(1));
  o.out = a.get_or("out", "joulebench-site");
  read_run_options(a, o);
  const std::string priority = a.get_or("back-priority", "background");
  if (priority != "background" && priority != "normal")
    throw UsageError("--back-priority '" + priority + "' is not one of background, normal");
  o.back_priority = priority == "background";
  o.when_infeasible = a.get_or("when-infeasible", "budget");
  if (o.when_infeasible != "budget" && o.when_infeasible != "slo")
    throw UsageError(
        "--when-infeasible '" + o.when_infeasible +
        "' is not one of budget (throttle the front to hold the budget), slo (keep the front whole)");
  try {
    // Everything the user typed is checked before the long set-up starts.
    (void)site::parse_load(o.load);
    if (o.budget) (void)site::parse_budget(*o.budget);
    if (o.schedule) (void)site::BudgetSchedule::read(*o.schedule);
    if (o.planner) (void)suite::load_planner(*o.planner);
    suite::validate_workload_name(o.front);
    if (o.front == "sha256d")
      throw std::invalid_argument("--front 'sha256d' is the back; give an inference preset such as ffn");
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  make_room_for_results(o.out, a.flag("force"));
  const int code = site::run_site(o);
  std::printf("results: %s/{results.json,report.html}\n", o.out.c_str());
  return code;
}

int cmd_plan(const std::vector<std::string>& argv) {
  const Args a(argv,
               {"results", "budget", "demand", "value-per-hash", "front", "max-batch", "batch-wait-ms",
                "slo-ms", "lp"},
               {"json"});
  if (!a.get("results")) throw UsageError("--results DIR is required (a `joulebench run` results directory)");
  if (!a.get("budget")) throw UsageError("--budget W is required, e.g. --budget 60W");
  json planner;
  try {
    planner = suite::load_planner(*a.get("results"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const site::Budget budget = site::parse_budget(*a.get("budget"));
  if (budget.share)
    throw UsageError("--budget for plan is in watts (a share needs the full-load power of a site run)");
  suite::PlanRequest r;
  r.budget_watts = budget.value;
  r.demand_per_s = a.positive("demand", true).value_or(0.0);
  r.value_per_hash = a.positive("value-per-hash", true);
  r.front = a.get_or("front", "");
  r.max_batch = static_cast<int>(a.uint("max-batch", 1, 4096).value_or(0));
  r.batch_wait_s = a.positive("batch-wait-ms", true).value_or(0.0) / 1e3;
  r.slo_ms = a.positive("slo-ms");
  json p;
  std::string lp;
  try {
    p = suite::plan(planner, r, &lp);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  p["lp_file"] = write_lp(a, lp).string();
  if (a.flag("json"))
    print_json(p, 2);
  else
    print_plan(p);
  return p["feasible"].get<bool>() ? 0 : 1;
}

}  // namespace joulebench::cli
