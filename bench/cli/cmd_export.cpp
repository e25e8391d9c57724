// `joulebench export`: a run's planner.json in the formats other tools read.
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "results/export.hpp"
#include "results/json_out.hpp"
#include "results/planner.hpp"
#include "site/budget.hpp"

namespace joulebench::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// An existing file is replaced only with --force.
void write_output(const fs::path& path, const std::string& text, bool force) {
  write_output_file(path, text, "--out", force, " exists; choose another --out or add --force to replace it");
  std::printf("wrote %s\n", path.c_str());
}

json plan_for(const json& planner, const Args& a) {
  if (!a.get("budget"))
    throw UsageError("--format geopm-policy needs --budget W (the cap comes from `plan`)");
  const site::Budget budget = site::parse_budget(*a.get("budget"));
  if (budget.share) throw UsageError("--budget for export is in watts, e.g. --budget 60W");
  suite::PlanRequest r;
  r.budget_watts = budget.value;
  r.demand_per_s = a.positive("demand", true).value_or(0.0);
  json p;
  try {
    p = suite::plan(planner, r);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!p["feasible"].get<bool>()) {
    std::string why;
    for (const auto& w : p["infeasible_because"]) why += "; " + w.get<std::string>();
    throw UsageError("no feasible plan to take a cap from" + why);
  }
  return p;
}

}  // namespace

int cmd_export(const std::vector<std::string>& argv) {
  const Args a(argv,
               {"results", "format", "out", "value-per-hash", "value-per-inference", "budget", "demand"},
               {"force"});
  if (!a.get("results")) throw UsageError("--results DIR is required (a `joulebench run` results directory)");
  if (!a.get("out")) throw UsageError("--out PATH is required (a file; a directory for --format pypsa)");
  const std::string format = a.get_or("format", "");
  json planner;
  try {
    planner = suite::load_planner(*a.get("results"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const fs::path out = *a.get("out");
  const bool force = a.flag("force");
  if (format == "specpower-csv") {
    write_output(out, suite::export_specpower_csv(planner), force);
  } else if (format == "openmetrics") {
    write_output(out, suite::export_openmetrics(planner), force);
  } else if (format == "pypsa") {
    std::error_code ec;
    if (fs::exists(out) && !fs::is_directory(out))
      throw UsageError(out.string() + " is a file; --format pypsa writes a network folder");
    fs::create_directories(out, ec);
    if (ec) throw UsageError("cannot create " + out.string() + ": " + ec.message());
    const double per_hash = a.positive("value-per-hash").value_or(1.0);
    const double per_inference = a.positive("value-per-inference").value_or(1.0);
    for (const auto& [name, text] : suite::export_pypsa(planner, per_hash, per_inference))
      write_output(out / name, text, force);
  } else if (format == "geopm-policy") {
    const json plan = plan_for(planner, a);
    write_output(out, json_text(suite::export_geopm_policy(plan), 2) + "\n", force);
    std::printf("cap %.1f W for the package(s): plan's site watts (%s energy)\n",
                suite::export_geopm_policy(plan)["POWER_PACKAGE_LIMIT_TOTAL"].get<double>(),
                plan.value("energy_kind", "unknown").c_str());
  } else {
    throw UsageError("--format '" + format +
                     "' is not one of specpower-csv, pypsa, openmetrics, geopm-policy");
  }
  return 0;
}

}  // namespace joulebench::cli
