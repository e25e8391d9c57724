// `joulebench calibrate`: fits the estimated model (idle watts, watts per busy core) against a
// measured sensor while the miner runs on 0..N cores, so machines without sensors get better
// estimates from a sibling that has one.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/power_setup.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/power/sampler.hpp"
#include "results/json_out.hpp"
#include "runtime/signals.hpp"
#include "suite/workloads.hpp"

namespace joulebench::cli {

int cmd_calibrate(const std::vector<std::string>& argv) {
  const Args a(argv, {"sysfs-root", "out", "seconds"}, {});
  const power::SensorSet set = power::discover_sensors(discovery_from(a));
  if (set.primary.empty() || set.primary.front()->provenance() != power::Provenance::measured) {
    std::fprintf(
        stderr,
        "joulebench: error: calibrate fits the estimated model against a real sensor, and none is readable "
        "here (`joulebench sensors` says why); run it on a machine of the same type that has one\n");
    return 1;
  }
  const double seconds = a.positive("seconds").value_or(5.0);
  const std::size_t cores = platform::topology().cores;
  auto miner = suite::make_workload("sha256d", cores, true);
  power::Sampler sampler(set.primary, {});
  power::CpuBusyMeter busy(discovery_from(a).root);
  sampler.start();
  std::stop_source stop;
  std::vector<std::pair<double, double>> points;
  nlohmann::json rows = nlohmann::json::array();
  miner->throttle().pause();  // level 0: idle
  std::jthread runner([&] { miner->run(stop.get_token()); });
  for (std::size_t k = 0; k <= cores && !interrupted(); ++k) {
    if (k > 0) {
      miner->throttle().set_active_workers(k);
      miner->throttle().resume();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // settle
    (void)busy.busy_cores();
    const double t0 = sampler.now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double t1 = sampler.now();
    sampler.wait_until_read(t1);
    double watts = 0;
    for (std::size_t i = 0; i < set.primary.size(); ++i) {
      watts += power::energy_in_window(sampler.sensor_series(i, t0, t1), set.primary[i]->is_counter(), t0, t1)
                   .watts;
    }
    const double cores_busy = busy.busy_cores().value_or(0);
    points.emplace_back(cores_busy, watts);
    rows.push_back(
        {{"workers", k}, {"busy_cores", cores_busy}, {"watts", watts}, {"energy_kind", "measured"}});
    std::printf("%zu worker(s): %.2f busy cores, %.2f W (measured)\n", k, cores_busy, watts);
  }
  stop.request_stop();
  miner->throttle().resume();
  runner.join();
  sampler.stop();
  double r2 = 0;
  const power::PowerModel m = power::fit_power_model(points, &r2);
  const std::string out = a.get_or("out", "joulebench-calibration.json");
  const nlohmann::json doc{{"idle_watts", m.idle_watts},
                           {"active_watts_per_core", m.active_watts_per_core},
                           {"r2", r2},
                           {"fitted_on", set.primary.front()->name()},
                           {"cpu", platform::cpu_brand()},
                           {"points", rows}};
  power::write_file_atomically(out, json_text(doc, 2) + "\n");
  std::printf("idle %.2f W + %.2f W per busy core (r^2 %.3f) -> %s; use it with --calibration %s\n",
              m.idle_watts, m.active_watts_per_core, r2, out.c_str(), out.c_str());
  return interrupted() ? interrupted_exit_code() : 0;
}

}  // namespace joulebench::cli
