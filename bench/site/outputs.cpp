// Site files and screen summary.
#include "site/outputs.hpp"
#include "report/pages.hpp"

#include "results/si.hpp"

#include <cstdio>
#include <string>

#include "joulebench/power/sysfs.hpp"
#include "results/json_out.hpp"
#include "results/outputs.hpp"

namespace joulebench::site {
namespace {

using json = nlohmann::json;
using suite::field;

std::string num(const json& v, const char* format = "%.3g") {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v.get<double>());
  return buf;
}

std::string hash_rate(const json& v) { return v.is_number() ? cli::si(v.get<double>(), "H/s") : "-"; }

}  // namespace

void write_site_outputs(const std::filesystem::path& dir, const json& results) {
  power::write_file_atomically(dir / "report.html", suite::render_report(results, json::array()));
  suite::write_results_json(dir, results);
}

void print_site_summary(const json& results) {
  const json& site = field(results, "site");
  const json& front = field(site, "front");
  const json& back = field(site, "back");
  const json& power = field(site, "power");
  const std::string kind =
      field(results, "energy_kind").is_string() ? results["energy_kind"].get<std::string>() : "?";
  std::printf("\njoulebench site: %s in front, sha256d behind; power %s (%s)\n",
              field(front, "workload").is_string() ? front["workload"].get<std::string>().c_str() : "?",
              field(power, "signal").is_string() ? power["signal"].get<std::string>().c_str() : "?",
              kind == "measured" ? "measured" : "ESTIMATED from this process's running workers");
  const json& load = field(front, "load");
  std::printf("stream %s: %s requests at %s/s (%s%% of the front's %s/s capacity), SLO %s ms\n",
              field(load, "spec").is_string() ? load["spec"].get<std::string>().c_str() : "?",
              num(field(load, "requests"), "%.0f").c_str(), num(field(load, "mean_rate_per_s")).c_str(),
              num(json(100 * field(load, "share_of_capacity").get<double>()), "%.0f").c_str(),
              num(field(front, "capacity_per_s")).c_str(), num(field(front, "slo_ms"), "%.0f").c_str());
  std::printf("%-12s %9s %9s %9s %8s %14s %9s %9s\n", "", "p50 ms", "p99 ms", "p99.9 ms", "SLO met",
              "hashes/s", "W mean", "W std");
  const auto pct = [](const json& v) {
    return v.is_number() ? num(json(100 * v.get<double>()), "%.1f") + "%" : std::string("-");
  };
  for (const char* phase : {"front", "back", "co-run"}) {
    const std::string ph = phase;
    const json& l =
        ph == "back" ? json() : field(field(front, "latency_ms"), ph == "front" ? "alone" : "corun");
    const json& p = field(power, ph == "front" ? "front_alone" : ph == "back" ? "back_alone" : "corun");
    const json& h =
        ph == "front" ? json() : field(field(back, "units_per_s"), ph == "back" ? "alone" : "corun");
    std::printf("%-12s %9s %9s %9s %8s %14s %9s %9s\n", (ph + (ph == "co-run" ? "" : " alone")).c_str(),
                num(field(l, "p50")).c_str(), num(field(l, "p99")).c_str(), num(field(l, "p999")).c_str(),
                pct(field(l, "slo_attainment")).c_str(),
                h.is_number() ? cli::si(h.get<double>(), "H/s").c_str() : "-", num(field(p, "mean")).c_str(),
                num(field(p, "std")).c_str());
  }
  std::printf("front busy %s of the time alone, %s co-run; spare capacity %s, %s of it harvested as hashes\n",
              pct(field(field(front, "busy_fraction"), "alone")).c_str(),
              pct(field(field(front, "busy_fraction"), "corun")).c_str(),
              pct(field(back, "spare_capacity")).c_str(), pct(field(back, "spare_harvested")).c_str());
  const json& steady = field(field(power, "corun_steady"), "window_s");
  std::printf(
      "site power std %s W with the front alone, %s W with mining behind it (co-run, %s s before any budget "
      "change)\n",
      num(field(power, "std_without_back"), "%.3g").c_str(),
      num(field(power, "std_with_back"), "%.3g").c_str(),
      num(steady.is_array() && steady.size() == 2 ? steady[1] : json(), "%.0f").c_str());
  if (field(front, "throttled_seconds_corun").is_number() &&
      front["throttled_seconds_corun"].get<double>() > 0)
    std::printf("the budget left too little for the front with mining stopped: front throttled for %s s\n",
                num(field(front, "throttled_seconds_corun"), "%.1f").c_str());
  for (const auto& b : field(site, "budget_steps")) {
    std::printf(
        "budget %s W -> %s W at %s s: inside the new budget after %s ms (- never); back %s -> %s; "
        "front p99 %s -> %s ms\n",
        num(field(b, "from_watts")).c_str(), num(field(b, "to_watts")).c_str(), num(field(b, "t_s")).c_str(),
        num(field(b, "time_to_within_ms"), "%.0f").c_str(),
        hash_rate(field(b, "back_units_per_s_before")).c_str(),
        hash_rate(field(b, "back_units_per_s_after")).c_str(),
        num(field(field(b, "front_latency_before"), "p99")).c_str(),
        num(field(field(b, "front_latency_after"), "p99")).c_str());
  }
  const json& err = field(field(site, "plan"), "error_pct");
  if (err.is_object())
    std::printf("plan vs measured: front p99 %s%%, hashes/s %s%%, site W %s%%\n",
                num(field(err, "front_p99_ms"), "%+.1f").c_str(),
                num(field(err, "back_units_per_s"), "%+.1f").c_str(),
                num(field(err, "site_watts"), "%+.1f").c_str());
  const json& drift = field(field(site, "plan"), "machine_drift");
  if (drift.is_object())
    std::printf(
        "plan's inputs vs this site's phases alone (the machine's drift since the run): front busy %s%%, "
        "back hashes/s %s%%\n",
        num(field(field(drift, "front_busy_share_alone"), "error_pct"), "%+.1f").c_str(),
        num(field(drift, "back_units_per_s_alone_error_pct"), "%+.1f").c_str());
}

}  // namespace joulebench::site
