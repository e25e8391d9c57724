// The suite driver: stages in order, results.json rewritten (atomically) after each one.
#include "suite/run.hpp"
#include "report/pages.hpp"

#include "joulebench/platform/suggest.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "joulebench/inference/model.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/power/actuator.hpp"
#include "results/outputs.hpp"
#include "results/validity.hpp"
#include "runtime/caps.hpp"
#include "runtime/signals.hpp"
#include "suite/machine.hpp"
#include "suite/run_state.hpp"
#include "suite/serving.hpp"
#include "suite/workloads.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// The actuators to sweep for one workload: its own software throttles, and the machine's
// hardware limits when allowed. `owned` keeps the software ones alive.
std::vector<power::Actuator*> actuators_for(Run& run, platform::Workload& w,
                                            std::vector<std::unique_ptr<power::Actuator>>& owned) {
  std::vector<power::Actuator*> out;
  for (const std::string& name : run.o.actuators) {
    if (name == "duty") owned.push_back(power::make_duty_cycle_actuator(w.throttle()));
    if (name == "workers") owned.push_back(power::make_worker_count_actuator(w.throttle()));
    if (name == "duty" || name == "workers") {
      out.push_back(owned.back().get());
      continue;
    }
    for (auto& h : run.hardware) {
      if (h->name() == name) out.push_back(h.get());
    }
  }
  return out;
}

/// For an inference workload, our kernels against the best library on its own model, before its
/// stages start (nothing else runs): null for sha256d, ratio null with the reason when nothing
/// can be compared.
json kernel_vs_library(Run& run, platform::Workload& w) {
  auto* inf = dynamic_cast<inference::InferenceWorkload*>(&w);
  if (inf == nullptr) return nullptr;
  if (!run.o.kernel_vs_library)
    return {{"library", nullptr},
            {"implementation", nullptr},
            {"ratio", nullptr},
            {"reason", "no comparison library built in (oneDNN was not found when joulebench was built)"}};
  run.progress.set_stage("kernel vs library", inf->name(), inf->unit(), 0);
  return run.o.kernel_vs_library(inf->model(), static_cast<int>(inf->workers()), run.o.quick);
}

void characterise(Run& run, const std::string& name) {
  // One workload: compared with the library on its own model first, then run by the stages.
  auto workload = make_workload(name, run.o.threads, run.o.pin, {.gemm_kernel = run.o.gemm_kernel});
  const json library = kernel_vs_library(run, *workload);
  json wj{{"name", name}, {"complete", false}};
  Subject s(run, std::move(workload));
  wj["name"] = s.workload->name();
  wj["unit"] = s.workload->unit();
  wj["kernel"] = s.workload->kernel();
  wj["threads"] = s.workload->workers();
  wj["counts_per_unit"] = s.workload->counts_per_unit();
  wj["inputs"] = workload_inputs(name);
  if (!library.is_null()) wj["kernel_vs_library"] = library;
  wj["curve"] = json::array();
  wj["steps"] = json::array();
  const auto flush = [&] {
    run.results["workloads"].back() = wj;
    run.save();
  };
  run.results["workloads"].push_back(wj);
  wj["warmup"] = warm_up(run, s);
  if (!run.stopped) measure(run, s, wj);
  flush();
  if (!run.stopped) wj["sampler"] = sampler_overhead(run, s);
  std::vector<std::unique_ptr<power::Actuator>> owned;
  const auto acts = actuators_for(run, *s.workload, owned);
  for (power::Actuator* a : acts) {
    if (!run.stopped) sweep(run, s, *a, wj, wj["curve"]);
    flush();
  }
  for (power::Actuator* a : acts) {
    if (!run.stopped && !a->hardware()) steps(run, s, *a, wj["steps"]);
    flush();
  }
  if (!run.stopped && run.measured() && wj["watts"].is_number()) {
    for (power::Actuator* a : acts) {
      if (a->name() == "duty") wj["steps"].push_back(watt_target_step(run, s, *a, wj["watts"].get<double>()));
    }
    flush();
  }
  wj["complete"] = !run.stopped;
  flush();
}

// Expected run length: the sum of the planned stages.
double planned_seconds(const RunOptions& o, const Timing& t) {
  double per_workload = t.warmup_s() + t.measure_s() + t.overhead_s();
  for (const auto& a : o.actuators) {
    const std::size_t cores = platform::topology().cores;
    per_workload += t.sweep_s(a == "workers" ? std::min(o.levels.size(), cores) : o.levels.size());
    if (a == "duty" || a == "workers")
      per_workload +=
          t.steps_s(a == "workers" ? std::min(o.step_levels.size(), cores - 1) : o.step_levels.size());
  }
  const double serving_s = o.quick ? 8 : 30;  // the serving probe, about
  return t.idle_s + per_workload * static_cast<double>(o.workloads.size()) + serving_s;
}

}  // namespace

Timing Timing::quick() {
  Timing t;
  t.idle_s = 1;
  t.warm_window_s = 0.3;
  t.warm_max_s = 2.0;
  t.measure_window_s = 0.7;
  t.repeats = 3;
  t.level_settle_s = 0.1;
  t.level_window_s = 0.4;
  t.step_repeats = 2;
  t.step_hold_s = 0.3;
  t.overhead_window_s = 0.2;
  t.overhead_pairs = 2;
  return t;
}

namespace {

/// The defaults of every option left empty.
RunOptions with_defaults(RunOptions o) {
  if (o.workloads.empty()) o.workloads = default_workloads();
  if (o.actuators.empty()) o.actuators = {"duty", "workers"};
  if (o.levels.empty())
    o.levels = o.quick ? std::vector<double>{1.0, 0.5, 0.1}
                       : std::vector<double>{1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
  if (o.step_levels.empty())
    o.step_levels = o.quick ? std::vector<double>{0.5, 0.1} : std::vector<double>{0.7, 0.5, 0.3, 0.1};
  return o;
}

/// Every actuator asked for exists (software, or a hardware limit found with --allow-hw-caps).
void require_known_actuators(const Run& run) {
  const RunOptions& o = run.o;
  for (const auto& name : run.o.actuators) {
    const bool known = name == "duty" || name == "workers" ||
                       std::any_of(run.hardware.begin(), run.hardware.end(),
                                   [&](const auto& h) { return h->name() == name; });
    if (!known) {
      std::vector<std::string> names{"duty", "workers"};
      for (const auto& h : run.hardware) names.push_back(h->name());
      const std::string hint = platform::did_you_mean(name, names);
      throw std::invalid_argument(
          "actuator '" + name + "' is not available" +
          (hint.empty() && !o.allow_hw_caps ? " (hardware limits need --allow-hw-caps)" : "") +
          (hint.empty() ? "; `joulebench sensors` lists them" : hint));
    }
  }
}

}  // namespace

int run_suite(const RunOptions& options) {
  const RunOptions o = with_defaults(options);
  for (const auto& w : o.workloads) validate_workload_name(w);
  Run run;
  run.o = o;
  run.timing = o.quick ? Timing::quick() : Timing{};
  run.sensors = power::discover_sensors({o.root, o.calibration, o.root.is_real(), false});
  if (o.meter) power::add_meter(run.sensors, *o.meter, o.meter_options);
  run.progress = Progress(o.progress);
  run.energy_kind =
      std::string(power::to_string(run.sensors.primary.empty() ? power::Provenance::estimated
                                                               : run.sensors.primary.front()->provenance()));
  for (const auto* p : run.sensors.primary)
    run.energy_sensor += (run.energy_sensor.empty() ? "" : "+") + p->name();
  if (o.allow_hw_caps) {
    cli::restore_leftover_caps(o.root);
    run.journal = std::make_unique<power::CapJournal>(power::CapJournal::default_path(o.root), o.root);
    std::vector<power::Probe> probes;
    run.hardware = power::hardware_actuators(o.root, *run.journal, probes, o.root.is_real());
    if (o.meter) {
      // The meter's own node limit (a Redfish chassis' Controls/PowerLimit): swept like RAPL,
      // journalled and put back the same way. A meter without one is said, not fatal.
      run.journal->set_meter_options(o.meter_options);
      try {
        run.hardware.push_back(power::open_meter_power_limit(*o.meter, o.meter_options, *run.journal));
      } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "joulebench: warning: the meter's power limit is not swept: %s\n", e.what());
      }
    }
    if (options.actuators.empty()) {
      for (const auto& h : run.hardware) run.o.actuators.push_back(h->name());
    }
  }
  require_known_actuators(run);
  // Hardware limits go back however this function ends (exceptions included); a crash leaves
  // them to the journal and `joulebench restore`.
  struct RestoreHardware {
    Run& run;
    ~RestoreHardware() {
      for (auto& h : run.hardware) {
        try {
          h->restore();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "joulebench: warning: %s\n", e.what());
        }
      }
    }
  } restore_hardware{run};
  // A second signal restores this process's journaled caps at once, then exits.
  std::optional<cli::EmergencyRestore> emergency;
  if (run.journal) emergency.emplace([&journal = *run.journal] { (void)journal.restore_own(); });
  run.progress.set_plan(planned_seconds(run.o, run.timing));
  fs::create_directories(o.out);
  run.results = results_skeleton(o, run.sensors, run.energy_kind, run.energy_sensor);
  run.save();
  idle_baseline(run);
  run.save();
  for (const std::string& name : o.workloads) {
    if (run.stopped) break;
    characterise(run, name);
  }
  if (!run.stopped) {
    run.results["serving"] = serving_probe(run);
    run.save();
  }
  finish_results(run.results, o, !run.stopped);
  run.results["validity"] = validity(run.results);
  write_outputs(o.out, run.results, run.timeseries);
  run.progress.finish();
  print_summary(run.results);
  std::printf("%s\n", verdict_line(run.results["validity"]).c_str());
  return run.stopped ? cli::interrupted_exit_code() : 0;
}

}  // namespace joulebench::suite
