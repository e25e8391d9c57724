// Discovery options, software actuator listing, leftover-cap restore, child processes.
#include "cli/power_setup.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "joulebench/platform/topology.hpp"
#include "runtime/signals.hpp"

namespace joulebench::cli {

power::SysfsRoot sysfs_root_from(const Args& a) {
  const std::string root = a.get_or("sysfs-root", "/");
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    throw UsageError("--sysfs-root '" + root + "' is not a directory; give / or a recorded tree");
  }
  return power::SysfsRoot(root);
}

power::DiscoveryOptions discovery_from(const Args& a) {
  power::DiscoveryOptions o{sysfs_root_from(a), std::nullopt, true};
  if (const auto c = a.get("calibration")) o.calibration = *c;
  // NVML is a real machine's library: a recorded tree says nothing about it.
  o.nvml = o.root.is_real();
  return o;
}

std::set<std::string> with_meter_options(std::set<std::string> options) {
  options.insert({"meter", "meter-credentials", "meter-ca", "meter-interval"});
  return options;
}

std::set<std::string> with_meter_flags(std::set<std::string> flags) {
  flags.insert("insecure");
  return flags;
}

std::optional<std::string> meter_from(const Args& a, power::MeterOptions& options) {
  const auto url = a.get("meter");
  for (const char* o : {"meter-credentials", "meter-ca", "meter-interval"})
    if (a.get(o) && !url)
      throw UsageError(std::string("--") + o + " applies to a meter; give --meter URL too");
  if (a.flag("insecure") && !url)
    throw UsageError("--insecure applies to a meter's TLS; give --meter URL too");
  if (!url) return std::nullopt;
  try {
    (void)power::parse_meter_url(*url);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  options = meter_options_from(a);
  if (options.insecure)
    std::fprintf(stderr,
                 "joulebench: --insecure: the meter's TLS certificate and host name are not checked, so "
                 "nothing proves the readings come from %s\n",
                 url->c_str());
  return url;
}

power::MeterOptions meter_options_from(const Args& a) {
  power::MeterOptions options;
  options.insecure = a.flag("insecure");
  if (const auto ca = a.get("meter-ca")) options.ca_file = *ca;
  options.poll_interval_s = a.positive("meter-interval");
  try {
    const auto file = a.get("meter-credentials");
    options.credentials =
        power::load_meter_credentials(file ? std::optional<std::filesystem::path>(*file) : std::nullopt);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return options;
}

power::SensorSet sensors_from(const Args& a) {
  power::SensorSet set = power::discover_sensors(discovery_from(a));
  power::MeterOptions options;
  if (const auto url = meter_from(a, options)) power::add_meter(set, *url, options);
  return set;
}

std::vector<power::Probe> software_actuator_probes(std::size_t workers) {
  auto duty = power::Probe::actuator("duty", "software", "workload", "", "fraction").because("");
  duty.min = 0.05;
  duty.max = 1.0;
  duty.value = 1.0;
  auto count = power::Probe::actuator("workers", "software", "workload", "", "workers").because("");
  count.min = 1;
  count.max = static_cast<double>(workers);
  count.value = static_cast<double>(workers);
  return {duty, count};
}

int run_child(const std::vector<std::string>& argv) {
  if (argv.empty()) throw UsageError("no command given after --; write -- COMMAND [ARGS...]");
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // If joulebench is killed (even by SIGKILL) the command is told to stop, not orphaned.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(128 + SIGTERM);
    std::signal(SIGPIPE, SIG_DFL);  // ignored here; the command gets the usual behaviour
    std::vector<char*> args;
    for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "joulebench: error: cannot run '%s': %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  bool forwarded = false;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 && errno != EINTR) return 127;
    if (interrupted() && !forwarded) {
      ::kill(pid, interrupt_signal());  // then keep waiting: the child is reaped, never orphaned
      forwarded = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace joulebench::cli
