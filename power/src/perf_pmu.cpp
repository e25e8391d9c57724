// perf power PMU (energy-pkg, energy-cores, ...) read through perf_event_open.
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "joulebench/power/sensor.hpp"

namespace joulebench::power {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class PerfEventSource final : public CounterSource {
 public:
  PerfEventSource(int fd) : fd_(fd) {}
  ~PerfEventSource() override { ::close(fd_); }
  std::optional<std::uint64_t> read_count(std::string& error) override {
    std::uint64_t v = 0;
    if (::read(fd_, &v, sizeof v) != static_cast<ssize_t>(sizeof v)) {
      error = std::string("reading the perf counter failed: ") + std::strerror(errno);
      return std::nullopt;
    }
    return v;
  }

 private:
  int fd_;
};

// One event opened on one CPU of each package (the PMU's cpumask): the counts are summed, so a
// two-socket machine is measured whole, not one socket.
class PerfEnergySensor final : public Sensor {
 public:
  PerfEnergySensor(PmuEvent ev, std::vector<std::unique_ptr<CounterSource>> sources, std::string path)
      : ev_(std::move(ev)), sources_(std::move(sources)), path_(std::move(path)) {}
  std::string name() const override { return "perf:" + ev_.name; }
  std::string domain() const override { return ev_.name.substr(ev_.name.find('-') + 1); }
  Provenance provenance() const override { return Provenance::measured; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return 1ms; }
  std::string path() const override { return path_; }
  SensorReading read() override {
    std::uint64_t total = 0;
    for (auto& source : sources_) {
      std::string error;
      const auto count = source->read_count(error);
      if (!count) return {false, 0, error};
      total += *count;  // 64-bit counts: no wrap in practice
    }
    return {true, static_cast<double>(total) * ev_.scale, {}};
  }

 private:
  PmuEvent ev_;
  std::vector<std::unique_ptr<CounterSource>> sources_;
  std::string path_;
};

std::string paranoid_hint(const SysfsRoot& root) {
  const auto level = read_text(root("/proc/sys/kernel/perf_event_paranoid"));
  return "perf_event_paranoid is " + level.value_or("unknown") +
         "; system-wide power events need it <= 0 (sysctl kernel.perf_event_paranoid=0) or root";
}

}  // namespace

std::optional<std::uint64_t> parse_pmu_event_config(const std::string& spec) {
  if (spec.rfind("event=", 0) != 0) return std::nullopt;
  const std::string v = spec.substr(6);
  const bool hex = v.rfind("0x", 0) == 0 || v.rfind("0X", 0) == 0;
  const std::string digits = hex ? v.substr(2) : v;
  if (digits.empty() || digits.size() > 16 ||
      digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
    return std::nullopt;
  return std::strtoull(digits.c_str(), nullptr, hex ? 16 : 10);
}

std::vector<PmuEvent> parse_power_pmu(const SysfsRoot& root) {
  const fs::path dir = root("/sys/bus/event_source/devices/power");
  FileError e;
  const auto type = read_u64(dir / "type", &e);
  if (!type) throw std::runtime_error(e.message);
  std::vector<PmuEvent> events;
  for (const fs::path& f : list_dir(dir / "events", "energy-")) {
    const std::string name = f.filename().string();
    if (name.find('.') != std::string::npos) continue;
    const auto spec = read_text(f, &e);
    const auto config = spec ? parse_pmu_event_config(*spec) : std::nullopt;
    if (!config) {
      throw std::runtime_error("unexpected perf event spec '" + printable(spec.value_or(e.message)) +
                               "' in " + f.string() + " (expected event=0xNN)");
    }
    PmuEvent ev{name, static_cast<std::uint32_t>(*type), *config, 1.0, "Joules"};
    const auto scale = read_text(dir / "events" / (name + ".scale"));
    if (scale) {
      char* end = nullptr;
      ev.scale = std::strtod(scale->c_str(), &end);
      if (end != scale->c_str() + scale->size() || !std::isfinite(ev.scale) || !(ev.scale > 0)) {
        throw std::runtime_error("unexpected scale '" + printable(*scale) + "' in " +
                                 (dir / "events" / (name + ".scale")).string());
      }
    }
    ev.unit = read_text(dir / "events" / (name + ".unit")).value_or("Joules");
    if (ev.unit != "Joules") {
      throw std::runtime_error("perf event " + printable(name) + " has unit '" + printable(ev.unit) +
                               "', expected Joules");
    }
    events.push_back(ev);
  }
  return events;
}

std::unique_ptr<Sensor> make_perf_sensor(const PmuEvent& event,
                                         std::vector<std::unique_ptr<CounterSource>> sources,
                                         std::string path) {
  return std::make_unique<PerfEnergySensor>(event, std::move(sources), std::move(path));
}

std::vector<std::unique_ptr<Sensor>> perf_sensors(const SysfsRoot& root, std::vector<Probe>& probes) {
  std::vector<std::unique_ptr<Sensor>> out;
  const std::string dir = root("/sys/bus/event_source/devices/power").string();
  std::vector<PmuEvent> events;
  try {
    events = parse_power_pmu(root);
  } catch (const std::exception& e) {
    probes.push_back(Probe::sensor("perf:energy-pkg", "measured", "pkg", dir, 0.001)
                         .because(std::string("no perf power PMU: ") + e.what()));
    return out;
  }
  const auto mask_text = read_text(root("/sys/bus/event_source/devices/power/cpumask"));
  std::vector<int> cpus = mask_text ? parse_cpu_list(*mask_text) : std::vector<int>{};
  if (cpus.empty()) cpus = {0};
  for (const PmuEvent& ev : events) {
    Probe p =
        Probe::sensor("perf:" + ev.name, "measured", ev.name.substr(7), dir + "/events/" + ev.name, 0.001);
    perf_event_attr attr{};
    attr.type = ev.type;
    attr.size = sizeof attr;
    attr.config = ev.config;
    std::vector<std::unique_ptr<CounterSource>> sources;
    for (int cpu : cpus) {
      const int fd =
          static_cast<int>(::syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
      if (fd < 0) {
        const int err = errno;
        p.reason = "perf_event_open on CPU " + std::to_string(cpu) + " failed: " + std::strerror(err) +
                   (err == EACCES || err == EPERM ? " (" + paranoid_hint(root) + ")" : "");
        break;
      }
      sources.push_back(std::make_unique<PerfEventSource>(fd));
    }
    if (p.reason.empty()) {
      p.available = true;
      p.path += " on CPUs " + mask_text.value_or("0");
      out.push_back(make_perf_sensor(ev, std::move(sources), p.path));
    }
    probes.push_back(p);
  }
  return out;
}

}  // namespace joulebench::power
