// Shared by the commands that touch sensors and caps: discovery from --sysfs-root, the software
// actuators' listing, the journal check every hardware-touching run starts with, and running a
// child command with signals forwarded.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "joulebench/power/actuator.hpp"
#include "joulebench/power/meter.hpp"
#include "joulebench/power/sensor.hpp"
#include "runtime/caps.hpp"

namespace joulebench::cli {

power::SysfsRoot sysfs_root_from(const Args& a);
power::DiscoveryOptions discovery_from(const Args& a);

/// The value options of a meter, for the commands that read energy: --meter URL,
/// --meter-credentials FILE, --meter-ca FILE, --meter-interval S (and the flag --insecure).
std::set<std::string> with_meter_options(std::set<std::string> options);
std::set<std::string> with_meter_flags(std::set<std::string> flags);
/// --meter and its options; options.credentials loaded (file, else environment).
std::optional<std::string> meter_from(const Args& a, power::MeterOptions& options);
/// A meter's options alone (--insecure, --meter-ca, --meter-interval, credentials from
/// --meter-credentials or the environment), as `restore` needs them for a journalled limit.
power::MeterOptions meter_options_from(const Args& a);
/// Discovery, then the meter (when --meter is given) as the primary energy source.
power::SensorSet sensors_from(const Args& a);

/// The options of every command that runs workloads under a sampler (`run`, `site`): sysfs root,
/// calibration, threads, pinning and the progress line.
template <typename Options>
void read_run_options(const Args& a, Options& o) {
  o.root = sysfs_root_from(a);
  if (const auto c = a.get("calibration")) o.calibration = *c;
  o.threads = a.uint("threads", 1, 4096).value_or(0);
  o.pin = !a.flag("no-pin");
  o.progress = !a.flag("no-progress");
  o.meter = meter_from(a, o.meter_options);
}
/// Probes for the software actuators (duty, workers) that steer joulebench's own workloads.
std::vector<power::Probe> software_actuator_probes(std::size_t workers);
/// Runs argv as a child, forwarding SIGINT/SIGTERM; returns its exit code (128+signal if killed).
int run_child(const std::vector<std::string>& argv);

}  // namespace joulebench::cli
