// `joulebench site` (inference in front, mining behind, one power budget) and `joulebench plan`
// (the allocation a planner derives from a run's curves).
#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/power_setup.hpp"
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
  const json& b = p["back"];
  std::printf("  back  %-14s duty %.1f%%, %.4g hashes/s, +%.1f W\n", b["workload"].get<std::string>().c_str(),
              100 * b["duty_level"].get<double>(), b["units_per_s"].get<double>(),
              b["watts_extra"].get<double>());
  std::printf("  site  %.1f W predicted (%s budget)\n", p["site"]["watts"].get<double>(),
              p["site"]["within_budget"].get<bool>() ? "within" : "OVER");
  if (p.contains("value_per_s")) std::printf("  value %.4g per second\n", p["value_per_s"].get<double>());
}

}  // namespace

int cmd_site(const std::vector<std::string>& argv) {
  const Args a(
      argv,
      {"front", "load", "max-batch", "batch-wait-ms", "slo-ms", "budget", "budget-schedule", "planner",
       "duration", "seed", "out", "sysfs-root", "calibration", "threads", "back-priority", "when-infeasible"},
      {"quick", "no-pin", "no-progress", "force"});
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
  const Args a(argv, {"results", "budget", "demand", "value-per-hash", "front", "max-batch", "batch-wait-ms"},
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
  json p;
  try {
    p = suite::plan(planner, r);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (a.flag("json"))
    print_json(p, 2);
  else
    print_plan(p);
  return 0;
}

}  // namespace joulebench::cli
