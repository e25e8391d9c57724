// powercap (RAPL) and hwmon sensors, the estimated utilisation model, and discovery.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "joulebench/platform/topology.hpp"
#include "joulebench/power/cpu_coefficients.hpp"
#include "joulebench/power/sensor.hpp"

namespace joulebench::power {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string glitch_message(const fs::path& file, std::uint64_t raw) {
  return "counter " + file.string() + " went back to " + std::to_string(raw) +
         " without wrapping (a glitch: the reading is a gap, not energy)";
}

class PowercapSensor final : public Sensor {
 public:
  PowercapSensor(std::string name, std::string domain, fs::path energy, std::uint64_t range)
      : name_(std::move(name)), domain_(std::move(domain)), energy_(std::move(energy)), counter_(range) {}
  std::string name() const override { return name_; }
  std::string domain() const override { return domain_; }
  Provenance provenance() const override { return Provenance::measured; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return 1ms; }  // RAPL updates ~1 kHz
  std::string path() const override { return energy_.string(); }
  SensorReading read() override {
    FileError e;
    const auto raw = read_u64(energy_, &e);
    if (!raw) return {false, 0, e.message};
    const auto total = counter_.update(*raw);
    if (!total) return {false, 0, glitch_message(energy_, *raw)};
    return {true, static_cast<double>(*total) * 1e-6, {}};
  }

 private:
  std::string name_, domain_;
  fs::path energy_;
  WrappingCounter counter_;
};

class HwmonSensor final : public Sensor {
 public:
  HwmonSensor(std::string name, std::string domain, fs::path file, bool energy,
              std::chrono::microseconds interval, std::string location, std::optional<double> window_s)
      : name_(std::move(name)),
        domain_(std::move(domain)),
        file_(std::move(file)),
        energy_(energy),
        interval_(interval),
        location_(std::move(location)),
        window_s_(window_s) {}
  std::string location() const override { return location_; }
  std::optional<double> averaging_window_s() const override { return window_s_; }
  std::optional<double> resolution() const override { return 1e-6; }  // µW and µJ files
  std::string name() const override { return name_; }
  std::string domain() const override { return domain_; }
  Provenance provenance() const override { return Provenance::measured; }
  bool is_counter() const override { return energy_; }
  std::chrono::microseconds update_interval() const override { return interval_; }
  std::string path() const override { return file_.string(); }
  SensorReading read() override {
    FileError e;
    const auto raw = read_u64(file_, &e);
    if (!raw) return {false, 0, e.message};
    // energy*_input: microjoules; power*_input / power*_average: microwatts. An average holds
    // for the window before the read: stamped at its middle, so it is integrated over that window.
    if (!energy_)
      return {true,
              static_cast<double>(*raw) * 1e-6,
              {},
              window_s_ ? std::optional(std::chrono::steady_clock::now() -
                                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                            std::chrono::duration<double>(*window_s_ / 2)))
                        : std::nullopt};
    const auto total = counter_.update(*raw);
    if (!total) return {false, 0, glitch_message(file_, *raw)};
    return {true, static_cast<double>(*total) * 1e-6, {}};
  }

 private:
  std::string name_, domain_;
  fs::path file_;
  bool energy_;
  std::chrono::microseconds interval_;
  std::string location_;
  std::optional<double> window_s_;
  WrappingCounter counter_{UINT64_MAX};
};

std::optional<CpuTimes> read_proc_stat(const fs::path& file, std::string& error) {
  FileError fe;
  const auto text = read_text(file, &fe);
  if (!text) {
    error = fe.message + " (needed by the estimated model)";
    return std::nullopt;
  }
  auto t = parse_proc_stat(*text);
  if (!t) error = "no aggregate cpu line in " + file.string();
  return t;
}

// P = idle + active * busy cores, busy cores from /proc/stat deltas; integrated into joules.
class EstimatedCpuSensor final : public Sensor {
 public:
  EstimatedCpuSensor(fs::path stat, PowerModel model) : stat_(std::move(stat)), model_(std::move(model)) {}
  std::string name() const override { return "estimated:cpu"; }
  std::string domain() const override { return "cpu"; }
  Provenance provenance() const override { return Provenance::estimated; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return 10ms; }  // USER_HZ ticks
  std::string path() const override { return stat_.string() + " (model: " + model_.source + ")"; }
  const PowerModel* model() const override { return &model_; }
  SensorReading read() override {
    std::string error;
    const auto now = std::chrono::steady_clock::now();
    const auto t = read_proc_stat(stat_, error);
    if (!t) return {false, 0, error};
    if (last_) {
      const double dt = std::chrono::duration<double>(now - last_time_).count();
      const std::uint64_t dtotal = t->total - last_->total;
      if (dtotal > 0) {
        const double busy_cores = static_cast<double>(t->busy - last_->busy) / static_cast<double>(dtotal) *
                                  static_cast<double>(std::max<std::size_t>(t->cpus, 1));
        watts_ = model_.idle_watts + model_.active_watts_per_core * busy_cores;
      }
      joules_ += watts_ * dt;
    }
    if (!last_ || t->total != last_->total) {
      last_ = t;
    }
    last_time_ = now;
    return {true, joules_, {}};
  }

 private:
  fs::path stat_;
  PowerModel model_;
  std::optional<CpuTimes> last_;
  std::chrono::steady_clock::time_point last_time_;
  double watts_ = 0, joules_ = 0;
};

// Integrates the model over the busy-worker count, read each time (left rectangles).
class WorkerActivitySensor final : public Sensor {
 public:
  WorkerActivitySensor(PowerModel model, std::vector<BusyWorkers> sources, std::size_t cores)
      : model_(std::move(model)), sources_(std::move(sources)), cores_(static_cast<double>(cores)) {}
  std::string name() const override { return "estimated:workers"; }
  std::string domain() const override { return "cpu"; }
  Provenance provenance() const override { return Provenance::estimated; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return 1ms; }
  std::string path() const override {
    return "this process's running workers (model: " + model_.source + ")";
  }
  const PowerModel* model() const override { return &model_; }
  SensorReading read() override {
    const auto now = std::chrono::steady_clock::now();
    if (started_) joules_ += watts_ * std::chrono::duration<double>(now - last_).count();
    double busy = 0;
    for (const auto& s : sources_) busy += s();
    watts_ = model_.idle_watts + model_.active_watts_per_core * std::clamp(busy, 0.0, cores_);
    last_ = now;
    started_ = true;
    return {true, joules_, {}};
  }

 private:
  PowerModel model_;
  std::vector<BusyWorkers> sources_;
  double cores_;
  bool started_ = false;
  std::chrono::steady_clock::time_point last_;
  double watts_ = 0, joules_ = 0;
};

std::string zone_name(const fs::path& zone) {
  return printable(read_text(zone / "name").value_or(zone.filename().string()));
}

std::string lowercase(std::string t) {
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// amd_energy labels its counters Esocket0.. and Ecore000..; other drivers say package or pkg.
std::string hwmon_domain(const std::string& label) {
  const std::string l = lowercase(label);
  if (l.find("socket") != std::string::npos || l.find("package") != std::string::npos ||
      l.find("pkg") != std::string::npos)
    return "socket";
  if (l.find("core") != std::string::npos) return "core";
  return "hwmon";
}

// What a hwmon power channel meters, from its driver and labels (Documentation/hwmon): the ACPI
// 4.0 power meter (driver "power_meter") reads the platform at its power supplies' input; on
// NVIDIA Grace the same driver names each meter in power<n>_oem_info ("Module Power Socket 0":
// the whole module, "Grace"/"CPU Power Socket 0": the CPU, "SysIO Power Socket 0": its I/O);
// PMBus power supplies label their input "pin" and outputs "pout<n>"; X-Gene's SoC meter
// ("apm_xgene") reads the CPU and IO rails; Ampere Altra's driver ("altra_hwmon") counts energy
// per core (energy<n>_input, one per core, labelled or not) and names a socket counter "socket".
struct HwmonMeter {
  std::string domain, location;
};
HwmonMeter classify_hwmon(const std::string& chip, const std::string& label, const std::string& oem_info) {
  const std::string l = lowercase(label), oem = lowercase(oem_info);
  if (chip == "power_meter") {
    if (oem.find("module") != std::string::npos || oem.find("sysio") != std::string::npos)
      return {"board", "board"};
    if (oem.find("grace") != std::string::npos || oem.find("cpu") != std::string::npos)
      return {"package", "package"};
    return {"platform", "wall"};
  }
  if (l.rfind("pin", 0) == 0) return {"psu", "psu"};
  if (l.rfind("pout", 0) == 0) return {"board", "board"};
  if (chip == "apm_xgene") return {"package", "package"};
  if (chip == "altra_hwmon" && hwmon_domain(label) != "socket") return {"core", "package"};
  const std::string d = hwmon_domain(label);
  return {d, location_of("measured", d)};
}

std::string rapl_domain(const std::string& name) {
  for (const char* d : {"package", "core", "uncore", "dram", "psys"}) {
    if (name.rfind(d, 0) == 0) return d;
  }
  return name;
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(const std::string& text) {
  std::istringstream in(text);
  CpuTimes t;
  bool aggregate = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu", 0) != 0) continue;
    if (line.size() > 3 && std::isdigit(static_cast<unsigned char>(line[3]))) {
      ++t.cpus;
      continue;
    }
    std::istringstream fields(line.substr(3));
    std::uint64_t v[8] = {};
    for (auto& x : v) {
      std::string word;
      if (!(fields >> word)) break;
      x = parse_u64(word).value_or(0);
    }
    // user nice system idle iowait irq softirq steal
    t.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    t.total = t.busy + v[3] + v[4];
    t.steal = v[7];
    aggregate = true;
  }
  if (!aggregate || t.total == 0) return std::nullopt;
  return t;
}

std::string_view to_string(Provenance p) { return p == Provenance::measured ? "measured" : "estimated"; }

// On-chip domains sit in the package; memory, a GPU's and the platform's (psys) readings cover a board.
std::string location_of(std::string_view kind, std::string_view domain) {
  if (kind == "estimated") return "model";
  for (const char* pkg : {"package", "pkg", "socket", "core", "cores", "uncore", "cpu"})
    if (domain == pkg) return "package";
  for (const char* board : {"gpu", "psys", "dram", "ram", "board"})
    if (domain == board) return "board";
  return domain == "wall" || domain == "psu" ? std::string(domain) : "unknown";
}

std::string Sensor::location() const { return location_of(to_string(provenance()), domain()); }

std::optional<std::uint64_t> WrappingCounter::update(std::uint64_t raw) {
  if (last_ && raw < *last_) {
    const std::uint64_t drop = *last_ - raw;
    if (drop <= range_ / 2 && ++rejected_in_a_row_ < kRestartAfter) {
      ++glitches_;
      return std::nullopt;
    }
    if (drop > range_ / 2) {
      total_ += (range_ - *last_) + raw;  // over the top and round again
      ++wraps_;
    }
    // else: restarted; the new reading is the new base and adds nothing
  } else if (last_) {
    total_ += raw - *last_;
  }
  rejected_in_a_row_ = 0;
  last_ = raw;
  return total_;
}

PowerModel fit_power_model(const std::vector<std::pair<double, double>>& pts, double* r2) {
  const double n = static_cast<double>(pts.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double denom = n * sxx - sx * sx;
  if (pts.size() < 2 || denom <= 0)
    throw std::invalid_argument("calibration needs points at two or more load levels");
  const double slope = (n * sxy - sx * sy) / denom, intercept = (sy - slope * sx) / n;
  if (r2 != nullptr) {
    double ss_tot = 0, ss_res = 0;
    for (const auto& [x, y] : pts) {
      ss_tot += (y - sy / n) * (y - sy / n);
      ss_res += (y - intercept - slope * x) * (y - intercept - slope * x);
    }
    *r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
  }
  return {std::max(0.0, intercept), std::max(0.0, slope), "fitted", std::nullopt};
}

CpuBusyMeter::CpuBusyMeter(const SysfsRoot& root) : stat_(root("/proc/stat")) { (void)busy_cores(); }

std::optional<double> CpuBusyMeter::busy_cores() {
  std::string error;
  const auto t = read_proc_stat(stat_, error);
  if (!t) return std::nullopt;
  const std::uint64_t dbusy = t->busy - busy_, dtotal = t->total - total_;
  busy_ = t->busy;
  total_ = t->total;
  if (dtotal == 0) return 0.0;
  return static_cast<double>(dbusy) / static_cast<double>(dtotal) *
         static_cast<double>(std::max<std::size_t>(t->cpus, 1));
}

PowerModel load_power_model(const fs::path& file) {
  FileError fe;
  const auto text = read_text(file, &fe);
  if (!text)
    throw std::runtime_error("cannot read calibration file: " + fe.message +
                             "; run `joulebench calibrate` or omit --calibration");
  try {
    const auto j = nlohmann::json::parse(*text);
    PowerModel m{j.at("idle_watts").get<double>(), j.at("active_watts_per_core").get<double>(),
                 "calibration " + file.string(), std::nullopt};
    if (!(m.idle_watts >= 0) || !(m.active_watts_per_core >= 0))
      throw std::runtime_error("negative coefficients");
    return m;
  } catch (const std::exception& e) {
    throw std::runtime_error("calibration file " + file.string() + " is not valid (" + e.what() +
                             "); it needs idle_watts and active_watts_per_core");
  }
}

std::vector<std::unique_ptr<Sensor>> powercap_sensors(const SysfsRoot& root, std::vector<Probe>& probes) {
  std::vector<std::unique_ptr<Sensor>> out;
  const fs::path base = root("/sys/class/powercap");
  if (list_dir(base, "intel-rapl:").empty()) {
    probes.push_back(Probe::sensor("powercap:package-0", "measured", "package", base.string(), 0.001)
                         .because("no RAPL zones under " + base.string() +
                                  " (intel_rapl / rapl driver not loaded, or a VM without RAPL)"));
  }
  for (const fs::path& zone : list_dir(base, "intel-rapl:")) {
    const std::string id = zone.filename().string();
    std::string name = zone_name(zone);
    // Sub-zone intel-rapl:0:1 is named under its parent: powercap:package-0/dram.
    if (std::count(id.begin(), id.end(), ':') == 2)
      name = zone_name(base / id.substr(0, id.rfind(':'))) + "/" + name;
    Probe p = Probe::sensor("powercap:" + name, "measured", rapl_domain(zone_name(zone)),
                            (zone / "energy_uj").string(), 0.001);
    FileError e;
    const auto range = read_u64(zone / "max_energy_range_uj", &e);
    if (range && *range == 0) {
      // A zero range makes every wrap and glitch undecidable: the counter cannot be unfolded.
      p.reason = (zone / "max_energy_range_uj").string() + " is 0, so wraps cannot be unfolded (driver bug)";
    } else if (range && read_u64(zone / "energy_uj", &e)) {
      p.available = true;
      out.push_back(std::make_unique<PowercapSensor>(p.name, p.domain, zone / "energy_uj", *range));
    } else {
      p.reason = e.message;
    }
    probes.push_back(p);
  }
  return out;
}

std::vector<std::unique_ptr<Sensor>> hwmon_sensors(const SysfsRoot& root, std::vector<Probe>& probes) {
  std::vector<std::unique_ptr<Sensor>> out;
  const std::size_t before = probes.size();
  for (const fs::path& dir : list_dir(root("/sys/class/hwmon"), "hwmon")) {
    const std::string chip = printable(read_text(dir / "name").value_or(dir.filename().string()));
    const auto interval_ms = read_u64(dir / "update_interval");
    for (const char* prefix : {"energy", "power"}) {
      for (const fs::path& f : list_dir(dir, prefix)) {
        const std::string file = f.filename().string();
        const bool energy = std::string(prefix) == "energy";
        const bool wanted =
            energy ? file.ends_with("_input") : (file.ends_with("_input") || file.ends_with("_average"));
        if (!wanted) continue;
        const std::string channel = file.substr(0, file.find('_'));
        const std::string oem = printable(read_text(dir / (channel + "_oem_info")).value_or(""));
        const std::string label =
            !oem.empty() ? oem : printable(read_text(dir / (channel + "_label")).value_or(channel));
        const HwmonMeter meter = classify_hwmon(chip, label, oem);
        // An averaging meter states its window (ms); a new value comes once per window.
        const bool average = file.ends_with("_average");
        const auto window_ms = average ? read_u64(dir / (channel + "_average_interval")) : std::nullopt;
        const std::optional<double> window_s =
            window_ms && *window_ms > 0 ? std::optional<double>(static_cast<double>(*window_ms) / 1e3)
                                        : std::nullopt;
        const auto interval = std::chrono::microseconds(window_s      ? *window_ms * 1000
                                                        : interval_ms ? *interval_ms * 1000
                                                                      : (energy ? 1000 : 100000));
        Probe p = Probe::sensor("hwmon:" + chip + "/" + label + (average ? "-avg" : ""), "measured",
                                meter.domain, f.string(), static_cast<double>(interval.count()) * 1e-6);
        p.location = meter.location;
        p.averaging_window_s = window_s;
        p.resolution = 1e-6;
        FileError e;
        if (read_u64(f, &e)) {
          p.available = true;
          out.push_back(
              std::make_unique<HwmonSensor>(p.name, p.domain, f, energy, interval, meter.location, window_s));
        } else {
          p.reason = e.message;
        }
        probes.push_back(p);
      }
    }
  }
  if (probes.size() == before) {
    probes.push_back(
        Probe::sensor("hwmon:energy", "measured", "hwmon", root("/sys/class/hwmon").string(), 0.001)
            .because("no hwmon energy or power inputs under " + root("/sys/class/hwmon").string()));
  }
  return out;
}

PrimarySelection select_primary(const std::vector<std::unique_ptr<Sensor>>& sensors, bool gpu_in_use) {
  PrimarySelection out;
  const auto pick = [&](const std::string& rule, auto pred) {
    for (const auto& s : sensors) {
      if (pred(*s)) out.sensors.push_back(s.get());
    }
    if (!out.sensors.empty()) out.rule = rule;
    return !out.sensors.empty();
  };
  const auto hwmon_counter = [](const Sensor& s, const char* domain) {
    return s.name().rfind("hwmon:", 0) == 0 && s.is_counter() && s.domain() == domain;
  };
  pick("RAPL package zones (powercap), sub-zones excluded",
       [](const Sensor& s) {
         return s.name().rfind("powercap:package", 0) == 0 && s.name().find('/') == std::string::npos;
       }) ||
      pick("perf power PMU energy-pkg, one event per package",
           [](const Sensor& s) { return s.name() == "perf:energy-pkg"; }) ||
      pick("hwmon socket/package energy counters (per-core counters excluded)",
           [&](const Sensor& s) { return hwmon_counter(s, "socket"); }) ||
      pick("hwmon energy counters", [&](const Sensor& s) { return hwmon_counter(s, "hwmon"); }) ||
      pick("hwmon per-core energy counters, summed (no socket counter: uncore not covered)",
           [&](const Sensor& s) { return hwmon_counter(s, "core"); }) ||
      pick("estimated utilisation model (no readable power sensor)",
           [](const Sensor& s) { return s.provenance() == Provenance::estimated; });
  if (gpu_in_use) {
    for (const auto& s : sensors) {
      if (s->name().rfind("nvml:", 0) == 0) out.sensors.push_back(s.get());
    }
    out.rule += "; plus NVML GPU energy (a GPU is in use)";
  }
  return out;
}

std::unique_ptr<Sensor> worker_activity_sensor(const PowerModel& model, std::vector<BusyWorkers> sources,
                                               std::size_t cores) {
  return std::make_unique<WorkerActivitySensor>(model, std::move(sources), cores);
}

std::unique_ptr<Sensor> estimated_cpu_sensor(const SysfsRoot& root, const PowerModel& model) {
  return std::make_unique<EstimatedCpuSensor>(root("/proc/stat"), model);
}

SensorSet discover_sensors(const DiscoveryOptions& options) {
  SensorSet set;
  auto add = [&](std::vector<std::unique_ptr<Sensor>> more) {
    for (auto& s : more) set.sensors.push_back(std::move(s));
  };
  add(powercap_sensors(options.root, set.probes));
  add(perf_sensors(options.root, set.probes));
  add(hwmon_sensors(options.root, set.probes));
  if (options.nvml) add(nvml_sensors(set.probes));
  const PowerModel model = estimated_power_model(options.root, options.calibration);
  auto estimated = estimated_cpu_sensor(options.root, model);
  std::string error = estimated->read().error;
  Probe probe = Probe::sensor("estimated:cpu", "estimated", "cpu", estimated->path(), 0.01).because(error);
  probe.model = model;
  set.estimated_model = model;
  set.probes.push_back(std::move(probe));
  if (error.empty()) set.sensors.push_back(std::move(estimated));

  const PrimarySelection primary = select_primary(set.sensors, options.gpu_in_use);
  set.primary = primary.sensors;
  set.primary_rule = primary.rule;
  for (const Probe& p : set.probes) {
    // A package-level counter that exists but cannot be read (not "no RAPL here at all").
    const bool package =
        (p.name.rfind("powercap:package", 0) == 0 && p.name.find('/') == std::string::npos) ||
        p.name == "perf:energy-pkg" || p.domain == "socket";
    if (package && !p.available && p.reason.find("no RAPL zones") == std::string::npos &&
        p.reason.find("no perf power PMU") == std::string::npos)
      set.primary_unreadable.push_back(p);
  }
  return set;
}

}  // namespace joulebench::power
