// Energy and power sensors: one interface, SI units only, every figure tagged measured or
// estimated. Backends: powercap (RAPL), perf power PMU, hwmon, NVML (dlopen), and a
// utilisation model when nothing is readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulebench/power/sysfs.hpp"

namespace joulebench::power {

class PtdAnalyzer;

enum class Provenance { measured, estimated };
std::string_view to_string(Provenance p);
/// Where a sensor of this kind (measured/estimated) and domain measures, when it says no more.
std::string location_of(std::string_view kind, std::string_view domain);

/// One reading: cumulative joules for counters (wraps already unfolded into 64 bits), watts
/// for power sensors. `ok == false` is a gap (the reason in `error`), never a crash.
struct SensorReading {
  SensorReading() = default;
  SensorReading(bool ok_, double value_, std::string error_,
                std::optional<std::chrono::steady_clock::time_point> at_ = std::nullopt)
      : ok(ok_), value(value_), error(std::move(error_)), at(at_) {}
  bool ok = false;
  double value = 0;
  std::string error;
  /// When the value holds, for a sensor that polls on its own (a network meter): the sampler
  /// stamps it there instead of at its read, and keeps a value it already has only once.
  std::optional<std::chrono::steady_clock::time_point> at;
};

/// Where a coefficient model's numbers come from (power/cpu_coefficients.hpp): the table row, its
/// citation, the vCPU count it is scaled to and what the estimate covers.
struct EstimateBasis {
  std::string architecture;  ///< the row used
  std::string source;        ///< its citation
  std::string note;          ///< the row's own remark (a proxy says which row it borrows)
  double min_watts_per_vcpu = 0, max_watts_per_vcpu = 0;
  std::size_t vcpus = 0;
  std::string scope, uncertainty;
  std::string cpu;        ///< the CPU as /proc/cpuinfo describes it
  bool fallback = false;  ///< the CPU is not in the table: a vendor (or overall) mean
  std::string warning;    ///< says so, naming the CPU (empty when not a fallback)
};

/// Coefficients of the estimated model: P = idle + active_per_core * busy cores.
struct PowerModel {
  double idle_watts = 0;
  double active_watts_per_core = 0;
  std::string source;                  ///< the coefficient row or the calibration file
  std::optional<EstimateBasis> basis;  ///< set for a coefficient model, empty for a calibration
};
class Sensor {
 public:
  virtual ~Sensor() = default;
  /// `<provider>:<zone>`, e.g. "powercap:package-0", "powercap:package-0/dram", "nvml:gpu0".
  [[nodiscard]] virtual std::string name() const = 0;
  /// What it covers: package, core, uncore, dram, psys, gpu, cpu.
  [[nodiscard]] virtual std::string domain() const = 0;
  [[nodiscard]] virtual Provenance provenance() const = 0;
  /// True: read() gives cumulative joules. False: instantaneous watts.
  [[nodiscard]] virtual bool is_counter() const = 0;
  /// How often the value changes; a sampler never reads faster than this.
  [[nodiscard]] virtual std::chrono::microseconds update_interval() const = 0;
  /// The file or device it reads, for disclosure.
  [[nodiscard]] virtual std::string path() const { return {}; }
  /// The model behind an estimated sensor (null for a measured one), for disclosure.
  [[nodiscard]] virtual const PowerModel* model() const { return nullptr; }
  /// Where it measures: "wall" (the server's AC input), "psu" (one power supply's input),
  /// "board", "package", or "model" for an estimate; "unknown" when the source does not say.
  [[nodiscard]] virtual std::string location() const;
  /// The window a reading averages over (a meter's averaging interval); none: instantaneous or
  /// a counter.
  [[nodiscard]] virtual std::optional<double> averaging_window_s() const { return std::nullopt; }
  /// True for a sensor that polls its device on its own thread and stamps each reading
  /// (SensorReading::at): reading it is cheap, so the sampler looks every 10 ms for a new value.
  [[nodiscard]] virtual bool stamps_its_readings() const { return false; }
  /// The smallest step of its readings, in its unit (W or J), where the source states it.
  [[nodiscard]] virtual std::optional<double> resolution() const { return std::nullopt; }
  /// For a device that stamps its readings (a Redfish Sensor's ReadingTime, DCMI's timestamp):
  /// its stamp of the latest reading minus this machine's clock when it was polled, in seconds
  /// (the reading's age plus the device clock's offset); none where the device gives no stamp.
  [[nodiscard]] virtual std::optional<double> device_time_offset_s() const { return std::nullopt; }
  virtual SensorReading read() = 0;
};

/// Unfolds a counter that wraps at `range` (e.g. energy_uj at max_energy_range_uj) into a
/// monotonic 64-bit total. Correct as long as fewer than one full wrap happens between reads
/// (the sampler reads far more often: range / max power is minutes). A reading below the last
/// one is a wrap only when the drop is more than half the range (the counter went over the top);
/// a smaller drop is a glitch (a torn or stale read, or two readers out of order): the reading
/// is rejected as a gap and the total is unchanged. Three rejected readings in a row mean the
/// counter really restarted (driver reload): the new value becomes the base, adding nothing.
class WrappingCounter {
 public:
  explicit WrappingCounter(std::uint64_t range) : range_(range) {}
  /// Feeds a raw reading; the unfolded total in raw units, or nullopt for a rejected glitch.
  std::optional<std::uint64_t> update(std::uint64_t raw);
  [[nodiscard]] std::uint64_t wraps() const { return wraps_; }
  [[nodiscard]] std::uint64_t glitches() const { return glitches_; }

 private:
  static constexpr int kRestartAfter = 3;
  std::uint64_t range_;
  std::optional<std::uint64_t> last_;
  std::uint64_t total_ = 0;
  std::uint64_t wraps_ = 0, glitches_ = 0;
  int rejected_in_a_row_ = 0;
};

/// What discovery found for one sensor or actuator, readable or not, and why.
struct Probe {
  std::string name;
  std::string role;  ///< "sensor" | "actuator"
  std::string kind;  ///< sensor: measured | estimated; actuator: software | hardware
  std::string domain;
  bool available = false;
  std::string reason;  ///< why not available (empty when available)
  std::string path;
  double update_interval_s = 0;
  std::optional<double> min, max, value;  ///< actuators
  std::string unit;                       ///< actuators: "fraction", "workers", "W", "Hz"
  std::optional<PowerModel> model;        ///< estimated sensors: the model and its basis
  std::string location;                   ///< sensors: wall, psu, board, package, model, unknown
  std::optional<double> averaging_window_s, resolution;  ///< sensors, where the source states them
  std::optional<double> device_time_offset_s;            ///< sensors that stamp their readings

  static Probe sensor(std::string name, std::string kind, std::string domain, std::string path,
                      double interval_s) {
    Probe p;
    p.name = std::move(name);
    p.role = "sensor";
    p.kind = std::move(kind);
    p.domain = std::move(domain);
    p.path = std::move(path);
    p.update_interval_s = interval_s;
    p.location = location_of(p.kind, p.domain);
    return p;
  }
  static Probe actuator(std::string name, std::string kind, std::string domain, std::string path,
                        std::string unit) {
    Probe p;
    p.name = std::move(name);
    p.role = "actuator";
    p.kind = std::move(kind);
    p.domain = std::move(domain);
    p.path = std::move(path);
    p.unit = std::move(unit);
    return p;
  }
  /// Marks it unavailable with `why` (available when why is empty).
  Probe& because(std::string why) {
    available = why.empty();
    reason = std::move(why);
    return *this;
  }
};

/// Reads a calibration written by `joulebench calibrate`; throws std::runtime_error naming the
/// file and the problem.
PowerModel load_power_model(const std::filesystem::path& file);

/// Least-squares fit of P = idle + active * busy cores to (busy cores, watts) points, as
/// `joulebench calibrate` measures them; coefficients clamped at 0. `r2` receives the fit quality.
PowerModel fit_power_model(const std::vector<std::pair<double, double>>& busy_watts, double* r2 = nullptr);

/// CPU time totals from /proc/stat text: busy (user nice system irq softirq steal) and total
/// jiffies of the aggregate line, and the number of per-CPU lines.
struct CpuTimes {
  std::uint64_t busy = 0, total = 0;
  std::uint64_t steal = 0;  ///< part of busy: the hypervisor ran something else
  std::size_t cpus = 0;
};
/// nullopt when the text has no aggregate `cpu` line with numbers.
std::optional<CpuTimes> parse_proc_stat(const std::string& text);

/// Busy cores (0..cpus) between successive calls, from `<root>/proc/stat`.
class CpuBusyMeter {
 public:
  explicit CpuBusyMeter(const SysfsRoot& root);
  /// Average busy cores since the previous call (or construction); nullopt if unreadable.
  std::optional<double> busy_cores();

 private:
  std::filesystem::path stat_;
  std::uint64_t busy_ = 0, total_ = 0;
};

struct SensorSet {
  std::vector<std::unique_ptr<Sensor>> sensors;  ///< readable ones, measured first
  std::vector<Probe> probes;                     ///< everything looked at
  /// The sensors that together cover the CPU package(s) without double counting (see
  /// select_primary), plus NVML GPUs when a GPU is in use.
  std::vector<Sensor*> primary;
  std::string primary_rule;  ///< which rule chose them, for disclosure
  /// With a meter as the primary: the measured on-chip sensors it took over from, sampled beside
  /// it so results show both (and a meter reading below its CPU package is caught).
  std::vector<Sensor*> beside;
  /// Package-level counters that exist but cannot be read: listed with their error wherever
  /// energy is shown, never silently replaced by a sub-zone.
  std::vector<Probe> primary_unreadable;
  /// The estimated model (coefficient row or calibration), also for estimators built later.
  PowerModel estimated_model;
  /// With a SPEC PTDaemon meter: its analyzer, for the MLPerf Power workflow (ptd.hpp).
  std::shared_ptr<PtdAnalyzer> ptd;
};

struct DiscoveryOptions {
  SysfsRoot root;
  std::optional<std::filesystem::path> calibration;  ///< for the estimated model
  bool nvml = true;
  bool gpu_in_use = false;  ///< NVML GPU energy joins the primary total
};

struct PrimarySelection {
  std::vector<Sensor*> sensors;
  std::string rule;
};
/// The first rule that finds sensors: every RAPL package zone (never a sub-zone); else perf
/// energy-pkg (all packages); else hwmon socket or package counters; else hwmon counters that
/// are not per-core; else per-core hwmon counters, summed; else the estimated model. Per-core
/// and per-socket counters of the same energy are never summed together. With `gpu_in_use`,
/// NVML GPUs are added.
PrimarySelection select_primary(const std::vector<std::unique_ptr<Sensor>>& sensors, bool gpu_in_use);

SensorSet discover_sensors(const DiscoveryOptions& options);

// Backends, exposed for tests and for composing sets by hand.
std::vector<std::unique_ptr<Sensor>> powercap_sensors(const SysfsRoot& root, std::vector<Probe>& probes);
std::vector<std::unique_ptr<Sensor>> hwmon_sensors(const SysfsRoot& root, std::vector<Probe>& probes);
std::vector<std::unique_ptr<Sensor>> perf_sensors(const SysfsRoot& root, std::vector<Probe>& probes);
std::vector<std::unique_ptr<Sensor>> nvml_sensors(std::vector<Probe>& probes);
/// The utilisation model over `<root>/proc/stat`.
std::unique_ptr<Sensor> estimated_cpu_sensor(const SysfsRoot& root, const PowerModel& model);

/// What this process knows exactly, at any rate it is read: how many of its own workers are
/// running (not parked) right now. The estimated model over that signal instead of /proc/stat's
/// 100 Hz ticks: P = idle + active_per_core x min(cores, busy workers). Still `estimated`, named
/// "estimated:workers"; it sees only this process, so it is the site's signal when no sensor
/// is readable, never a replacement for one.
using BusyWorkers = std::function<double()>;
std::unique_ptr<Sensor> worker_activity_sensor(const PowerModel& model, std::vector<BusyWorkers> sources,
                                               std::size_t cores);

/// A perf PMU energy event as described in sysfs (`events/<name>`, `.scale`, `.unit`).
struct PmuEvent {
  std::string name;  ///< energy-pkg
  std::uint32_t type = 0;
  std::uint64_t config = 0;
  double scale = 1;  ///< joules per count
  std::string unit;  ///< "Joules"
};
/// "event=0x02" (hex or decimal) -> 2; other terms, garbage or overflow -> nullopt.
std::optional<std::uint64_t> parse_pmu_event_config(const std::string& spec);
/// Parses `<root>/sys/bus/event_source/devices/power/` (throws std::runtime_error naming the
/// file on malformed contents).
std::vector<PmuEvent> parse_power_pmu(const SysfsRoot& root);
/// Source of raw perf counts: a perf_event fd in real use; tests inject their own.
class CounterSource {
 public:
  virtual ~CounterSource() = default;
  virtual std::optional<std::uint64_t> read_count(std::string& error) = 0;
};
/// A perf energy sensor summing `sources`, one per CPU of the PMU's cpumask (one per package).
std::unique_ptr<Sensor> make_perf_sensor(const PmuEvent& event,
                                         std::vector<std::unique_ptr<CounterSource>> sources,
                                         std::string path);

}  // namespace joulebench::power
