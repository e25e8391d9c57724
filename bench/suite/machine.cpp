// Machine and method disclosure for results.json.
#include "suite/machine.hpp"
#include "results/estimate.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "joulebench/inference/gemm.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/power/actuator.hpp"
#include "joulebench/power/ptd.hpp"
#include "runtime/build_info.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string cpuinfo_field(const power::SysfsRoot& root, const std::string& key) {
  std::ifstream in(root("/proc/cpuinfo"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0 && line.find(':') != std::string::npos)
      return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// Every limiter we can read: software throttles are per workload (listed in the curves); here
// the machine's own limits, whose values must be the same before and after.
json limiters(const power::SysfsRoot& root) {
  json out = json::array();
  power::CapJournal journal(power::CapJournal::default_path(root), root);
  std::vector<power::Probe> probes;
  (void)power::hardware_actuators(root, journal, probes, root.is_real());
  for (const auto& p : probes) {
    out.push_back({{"name", p.name},
                   {"unit", p.unit},
                   {"value", p.value ? json(*p.value) : json()},
                   {"readable", p.value.has_value()},
                   {"reason", p.reason}});
  }
  return out;
}

// A PTDaemon meter's analyzer and what it was told and answered while it was set up (the
// per-second Watts and Uncertainty polls are its readings, kept as samples, not listed here).
json ptd_json(const power::PtdAnalyzer& ptd) {
  json exchanges = json::array();
  for (const auto& e : ptd.exchanges())
    if (e.command != "Watts" && e.command != "Uncertainty")
      exchanges.push_back({{"command", e.command}, {"reply", e.reply}});
  return {{"protocol", "SPEC PTDaemon"},
          {"analyzer", ptd.identity()},
          {"ranges", "auto (the MLPerf ranging/testing workflow is `joulebench measure`'s)"},
          {"uncertainty_limit", power::kPtdUncertaintyLimit},
          {"exchanges", exchanges}};
}

}  // namespace

std::string energy_location(const power::SensorSet& sensors) {
  std::string where;
  for (const auto* s : sensors.primary) {
    if (where.empty()) where = s->location();
    if (s->location() != where) return "mixed";
  }
  return where.empty() ? "unknown" : where;
}

json disclosure(const power::SysfsRoot& root, const power::SensorSet& sensors) {
  utsname u{};
  ::uname(&u);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto& topo = platform::topology();
  json machine{{"hostname", power::printable(host)},
               {"cpu", platform::cpu_brand()},
               {"emulated", platform::emulation() ? json(*platform::emulation()) : json()},
               {"microcode", cpuinfo_field(root, "microcode")},
               {"kernel", std::string(u.sysname) + " " + u.release},
               {"governor", power::read_text(root("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"))
                                .value_or("none (no cpufreq)")},
               {"cores", topo.cores},
               {"pus", topo.pus},
               {"smt", topo.pus > topo.cores},
               {"topology", topo.summary},
               {"compiler", cli::kCompiler},
               {"build", cli::build_json()}};
  json sources = json::array();
  for (const auto& s : sensors.sensors) {
    const bool primary =
        std::find(sensors.primary.begin(), sensors.primary.end(), s.get()) != sensors.primary.end();
    sources.push_back(
        {{"name", s->name()},
         {"kind", std::string(power::to_string(s->provenance()))},
         {"domain", s->domain()},
         {"path", s->path()},
         {"update_interval_s", std::chrono::duration<double>(s->update_interval()).count()},
         {"location", s->location()},
         {"averaging_window_s", s->averaging_window_s() ? json(*s->averaging_window_s()) : json()},
         {"resolution", s->resolution() ? json(*s->resolution()) : json()},
         {"device_time_offset_s", s->device_time_offset_s() ? json(*s->device_time_offset_s()) : json()},
         {"primary", primary}});
    if (const power::PowerModel* model = s->model()) sources.back()["estimate"] = estimate_json(*model);
  }
  json unavailable = json::array();
  for (const auto& p : sensors.probes) {
    if (!p.available) unavailable.push_back({{"name", p.name}, {"reason", p.reason}});
  }
  const json kernels{{"sha256d", std::string(miner::default_kernel().name)},
                     {"gemm_fp32", std::string(inference::find_gemm_kernel(inference::DType::fp32).name)},
                     {"gemm_bf16", std::string(inference::find_gemm_kernel(inference::DType::bf16).name)},
                     {"gemm_int8", std::string(inference::find_gemm_kernel(inference::DType::int8).name)}};
  json out{{"tool", cli::tool_json()},
           {"started_at", now_iso()},
           {"machine", machine},
           {"kernels", kernels},
           {"power_source", sources},
           {"power_source_unavailable", unavailable},
           {"primary_rule", sensors.primary_rule},
           {"energy_location", energy_location(sensors)},
           {"limiters", {{"before", limiters(root)}}}};
  if (sensors.ptd) out["meter_protocol"] = ptd_json(*sensors.ptd);
  return out;
}

json results_skeleton(const RunOptions& o, const power::SensorSet& sensors, const std::string& energy_kind,
                      const std::string& energy_sensor) {
  const Timing t = o.quick ? Timing::quick() : Timing{};
  json method{
      {"quick", o.quick},
      {"idle_s", t.idle_s},
      {"warmup", "windows of " + std::to_string(t.warm_window_s) +
                     " s until the CV of throughput < 2% and of power < 5% over 4 windows, at most " +
                     std::to_string(t.warm_max_s) + " s"},
      {"measure_window_s", t.measure_window_s},
      {"repeats", t.repeats},
      {"level_window_s", t.level_window_s},
      {"step_hold_s", t.step_hold_s},
      {"step_repeats", t.step_repeats},
      {"sampler_period_ms_requested", 1.0},
      {"step_to", o.step_levels},
      {"throughput_signal",
       "work counters sampled at 1 kHz (achieved rate per workload under sampler.achieved_hz); step "
       "signals are rates over 20 ms windows for the duty cycle (two duty periods) and 5 ms for other "
       "actuators"},
      {"settling",
       "within max(5%, 3 sigma of the signal's own noise at the new level) of the new level "
       "and staying there; t10 (react), t50, t90 of the transition"},
      {"notes", o.quick ? "quick run: short windows, below results/METHOD.md's minimum durations"
                        : "measured time per workload below MLPerf's 60 s where repeats x window < "
                          "60 s; see measured_seconds"}};
  json r{{"schema", "joulebench/1"},
         {"complete", false},
         {"quick", o.quick},
         {"energy_kind", energy_kind},
         {"energy_sensor", energy_sensor},
         {"method", method},
         {"workloads", json::array()}};
  r.update(disclosure(o.root, sensors));
  return r;
}

void finish_results(json& results, const RunOptions& o, bool complete) {
  finish_results(results, o.root, complete);
}

void finish_results(json& results, const power::SysfsRoot& root, bool complete) {
  results["limiters"]["after"] = limiters(root);
  results["finished_at"] = now_iso();
  results["complete"] = complete;
  results["interrupted"] = !complete;
}

}  // namespace joulebench::suite
