// Actuators: one interface to set a cap and undo it. Software ones steer a workload's throttle;
// hardware ones (RAPL limit, cpufreq, NVML limit) change the machine and therefore journal the
// pre-run value on disk before their first write, so it can be put back after a crash.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/platform/throttle.hpp"
#include "joulebench/power/journal.hpp"
#include "joulebench/power/sensor.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::power {

/// What a write achieved: the limit in force can differ from the request (kernel rounding,
/// BIOS lock bits, firmware clamps).
struct CapResult {
  double requested = 0;
  double in_force = 0;
  std::string warning;  ///< non-empty when in_force differs from requested
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string unit() const = 0;  ///< "fraction", "workers", "W", "Hz"
  [[nodiscard]] virtual bool hardware() const = 0;
  [[nodiscard]] virtual double min() const = 0;
  [[nodiscard]] virtual double max() const = 0;
  /// The value in force now (read back from the hardware for hardware actuators).
  [[nodiscard]] virtual double value() const = 0;
  [[nodiscard]] virtual std::string path() const { return {}; }
  /// Sets the cap; out of [min, max] throws std::invalid_argument naming the range.
  virtual CapResult set(double value) = 0;
  /// Back to the value it had before the first set (never a vendor default).
  virtual void restore() = 0;
};

/// Workers run `value` (0.05..1) of every duty period.
std::unique_ptr<Actuator> make_duty_cycle_actuator(platform::ThrottleState& throttle);
/// Only workers 0..value-1 run (1..workers).
std::unique_ptr<Actuator> make_worker_count_actuator(platform::ThrottleState& throttle);

/// Hardware actuators found under `root` (powercap constraint limits, cpufreq, NVML limits).
/// Each journals to `journal` before its first write. Probes report the ones unavailable.
std::vector<std::unique_ptr<Actuator>> hardware_actuators(const SysfsRoot& root, CapJournal& journal,
                                                          std::vector<Probe>& probes, bool nvml = true);

/// Parses "120W", "2.1GHz", "800MHz", "60%" (of the actuator's max), or a bare number in the
/// actuator's unit. Throws std::invalid_argument naming the text and the accepted forms.
double parse_cap_value(const std::string& text, const Actuator& actuator);

/// Restores every actuator it was given, on destruction too (normal exit, exceptions).
class CapSession {
 public:
  CapSession() = default;
  ~CapSession();
  CapSession(const CapSession&) = delete;
  CapSession& operator=(const CapSession&) = delete;
  /// Sets `value`; the actuator is restored when the session ends.
  CapResult apply(Actuator& actuator, double value);
  /// Restores all now; returns warnings (restore read back a different value).
  std::vector<std::string> restore_all();

 private:
  std::vector<Actuator*> touched_;
};

}  // namespace joulebench::power
