// Software actuators (duty cycle, active workers) and hardware ones (RAPL limit, cpufreq, NVML
// limit), each hardware write journaled first, read back after, restorable after a crash.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "detail/actuator_support.hpp"
#include "detail/nvml.hpp"
#include "joulebench/power/actuator.hpp"

namespace joulebench::power {

namespace detail {
std::string fmt(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void check_range(const Actuator& a, double v) {
  if (!(v >= a.min() - 1e-9 && v <= a.max() + 1e-9)) {
    throw std::invalid_argument("cap " + fmt(v) + " " + a.unit() + " for " + a.name() +
                                " is outside its range [" + fmt(a.min()) + ", " + fmt(a.max()) + "] " +
                                a.unit() + "; pick a value inside it");
  }
}

CapResult result(double requested, double in_force, double tolerance) {
  CapResult r{requested, in_force, {}};
  if (std::fabs(in_force - requested) > tolerance) {
    r.warning = "asked for " + fmt(requested) + ", the value in force is " + fmt(in_force) +
                " (rounded, locked or clamped by the kernel or firmware)";
  }
  return r;
}

void throw_unless_restored(const std::vector<CapJournal::Outcome>& outcomes) {
  for (const auto& o : outcomes) {
    if (o.result != CapJournal::Outcome::Result::restored) throw std::runtime_error(o.line());
  }
}

}  // namespace detail

namespace {

namespace fs = std::filesystem;

using detail::check_range;
using detail::fmt;
using detail::result;
using detail::throw_unless_restored;

class DutyCycleActuator final : public Actuator {
 public:
  explicit DutyCycleActuator(platform::ThrottleState& t) : throttle_(t), original_(t.run_fraction()) {}
  std::string name() const override { return "duty"; }
  std::string unit() const override { return "fraction"; }
  bool hardware() const override { return false; }
  double min() const override { return 0.05; }
  double max() const override { return 1.0; }
  double value() const override { return throttle_.run_fraction(); }
  CapResult set(double v) override {
    check_range(*this, v);
    throttle_.set_run_fraction(v, throttle_.duty_period());
    return result(v, value(), 1e-6);
  }
  void restore() override { throttle_.set_run_fraction(original_, throttle_.duty_period()); }

 private:
  platform::ThrottleState& throttle_;
  double original_;
};

class WorkerCountActuator final : public Actuator {
 public:
  explicit WorkerCountActuator(platform::ThrottleState& t) : throttle_(t), original_(t.active_workers()) {}
  std::string name() const override { return "workers"; }
  std::string unit() const override { return "workers"; }
  bool hardware() const override { return false; }
  double min() const override { return 1; }
  double max() const override { return static_cast<double>(throttle_.workers()); }
  double value() const override { return static_cast<double>(throttle_.active_workers()); }
  CapResult set(double v) override {
    check_range(*this, v);
    throttle_.set_active_workers(static_cast<std::size_t>(std::lround(v)));
    return result(std::round(v), value(), 0.5);
  }
  void restore() override { throttle_.set_active_workers(original_); }

 private:
  platform::ThrottleState& throttle_;
  std::size_t original_;
};

// A value held in one or more sysfs files in some unit (µW, kHz); journaled before the first write.
class SysfsActuator final : public Actuator {
 public:
  SysfsActuator(std::string name, std::string unit, std::vector<fs::path> files, double scale, double min,
                double max, CapJournal& journal)
      : name_(std::move(name)),
        unit_(std::move(unit)),
        files_(std::move(files)),
        scale_(scale),
        min_(min),
        max_(max),
        journal_(journal) {}
  std::string name() const override { return name_; }
  std::string unit() const override { return unit_; }
  bool hardware() const override { return true; }
  double min() const override { return min_; }
  double max() const override { return max_; }
  std::string path() const override { return files_.front().string(); }
  double value() const override {
    double lowest = max_;
    for (const auto& f : files_) {
      FileError e;
      const auto v = read_u64(f, &e);
      if (!v) throw std::runtime_error(e.message);
      lowest = std::min(lowest, static_cast<double>(*v) * scale_);  // the tightest limiter is in force
    }
    return lowest;
  }
  CapResult set(double v) override {
    check_range(*this, v);
    for (const auto& f : files_) {
      if (!journaled_) {
        FileError e;
        const auto original = read_text(f, &e);
        if (!original) throw std::runtime_error(e.message);
        journal_.record({name_, "file", f.string(), *original, {}});
      }
    }
    journaled_ = true;
    const std::string raw = std::to_string(static_cast<std::uint64_t>(std::llround(v / scale_)));
    for (const auto& f : files_) {
      FileError e;
      if (!write_text(f, raw, &e)) throw std::runtime_error(e.message);
    }
    return result(v, value(), scale_ * 1.5);
  }
  void restore() override {
    if (!journaled_) return;
    std::vector<std::string> targets;
    for (const auto& f : files_) targets.push_back(f.string());
    throw_unless_restored(journal_.restore_own(targets));
    journaled_ = false;
  }

 private:
  std::string name_, unit_;
  std::vector<fs::path> files_;
  double scale_, min_, max_;
  CapJournal& journal_;
  bool journaled_ = false;
};

class NvmlLimitActuator final : public Actuator {
 public:
  NvmlLimitActuator(std::shared_ptr<detail::Nvml> nvml, unsigned gpu, double min, double max,
                    CapJournal& journal)
      : nvml_(std::move(nvml)), gpu_(gpu), min_(min), max_(max), journal_(journal) {}
  std::string name() const override { return "nvml:gpu" + std::to_string(gpu_); }
  std::string unit() const override { return "W"; }
  bool hardware() const override { return true; }
  double min() const override { return min_; }
  double max() const override { return max_; }
  std::string path() const override { return "nvmlDeviceSetPowerManagementLimit"; }
  double value() const override {
    double w = 0;
    std::string error;
    if (!nvml_->power_limit_w(gpu_, w, error)) throw std::runtime_error(error);
    return w;
  }
  CapResult set(double v) override {
    check_range(*this, v);
    if (!journaled_) journal_.record({name(), "nvml", std::to_string(gpu_), fmt(value()), {}});
    journaled_ = true;
    std::string error;
    if (!nvml_->set_power_limit_w(gpu_, v, error)) throw std::runtime_error(error);
    return result(v, value(), 0.5);
  }
  void restore() override {
    if (!journaled_) return;
    throw_unless_restored(journal_.restore_own({std::to_string(gpu_)}));
    journaled_ = false;
  }

 private:
  std::shared_ptr<detail::Nvml> nvml_;
  unsigned gpu_;
  double min_, max_;
  CapJournal& journal_;
  bool journaled_ = false;
};

void rapl_actuators(const SysfsRoot& root, CapJournal& journal, std::vector<Probe>& probes,
                    std::vector<std::unique_ptr<Actuator>>& out) {
  const fs::path base = root("/sys/class/powercap");
  for (const fs::path& zone : list_dir(base, "intel-rapl:")) {
    const std::string id = zone.filename().string();
    if (std::count(id.begin(), id.end(), ':') != 1) continue;  // package-level limits only
    const std::string name = "powercap:" + read_text(zone / "name").value_or(id);
    const fs::path limit = zone / "constraint_0_power_limit_uw";
    Probe p = Probe::actuator(name, "hardware", "package", limit.string(), "W");
    FileError e;
    const auto current = read_u64(limit, &e);
    if (!current) {
      p.reason = e.message;
      probes.push_back(p);
      continue;
    }
    const double max_w =
        static_cast<double>(read_u64(zone / "constraint_0_max_power_uw").value_or(*current)) * 1e-6;
    const double min_w =
        static_cast<double>(read_u64(zone / "constraint_0_min_power_uw").value_or(1000000)) * 1e-6;
    if (::access(limit.c_str(), W_OK) != 0)
      p.reason = "not writable: run as root to change it (listed read-only)";
    p.available = p.reason.empty();
    p.min = min_w;
    p.max = max_w;
    p.value = static_cast<double>(*current) * 1e-6;
    probes.push_back(p);
    if (p.available)
      out.push_back(std::make_unique<SysfsActuator>(name, "W", std::vector<fs::path>{limit}, 1e-6, min_w,
                                                    max_w, journal));
  }
}

void cpufreq_actuator(const SysfsRoot& root, CapJournal& journal, std::vector<Probe>& probes,
                      std::vector<std::unique_ptr<Actuator>>& out) {
  const fs::path base = root("/sys/devices/system/cpu/cpufreq");
  std::vector<fs::path> files;
  double min_hz = 0, max_hz = 0;
  for (const fs::path& policy : list_dir(base, "policy")) {
    const auto lo = read_u64(policy / "cpuinfo_min_freq");
    const auto hi = read_u64(policy / "cpuinfo_max_freq");
    if (!lo || !hi || !fs::exists(policy / "scaling_max_freq")) continue;
    files.push_back(policy / "scaling_max_freq");
    min_hz = std::max(min_hz, static_cast<double>(*lo) * 1e3);
    max_hz =
        files.size() == 1 ? static_cast<double>(*hi) * 1e3 : std::min(max_hz, static_cast<double>(*hi) * 1e3);
  }
  Probe p = Probe::actuator("cpufreq", "hardware", "cpu", base.string(), "Hz");
  if (files.empty()) {
    p.reason = "no cpufreq policies under " + base.string() + " (no cpufreq driver, common in VMs)";
  } else if (::access(files.front().c_str(), W_OK) != 0) {
    p.reason = "not writable: run as root to change it";
  }
  if (!files.empty()) {
    p.min = min_hz;
    p.max = max_hz;
    p.value = static_cast<double>(read_u64(files.front()).value_or(0)) * 1e3;
    p.path = files.front().string();
  }
  p.available = !files.empty() && p.reason.empty();
  probes.push_back(p);
  if (p.available)
    out.push_back(std::make_unique<SysfsActuator>("cpufreq", "Hz", files, 1e3, min_hz, max_hz, journal));
}

}  // namespace

std::unique_ptr<Actuator> make_duty_cycle_actuator(platform::ThrottleState& throttle) {
  return std::make_unique<DutyCycleActuator>(throttle);
}

std::unique_ptr<Actuator> make_worker_count_actuator(platform::ThrottleState& throttle) {
  return std::make_unique<WorkerCountActuator>(throttle);
}

std::vector<std::unique_ptr<Actuator>> hardware_actuators(const SysfsRoot& root, CapJournal& journal,
                                                          std::vector<Probe>& probes, bool nvml) {
  std::vector<std::unique_ptr<Actuator>> out;
  rapl_actuators(root, journal, probes, out);
  cpufreq_actuator(root, journal, probes, out);
  if (!nvml) return out;
  std::string why;
  auto lib = detail::Nvml::open(why);
  if (!lib) {
    probes.push_back(Probe::actuator("nvml:gpu0", "hardware", "gpu", "libnvidia-ml.so.1", "W").because(why));
    return out;
  }
  for (unsigned g = 0; g < lib->device_count(); ++g) {
    double lo = 0, hi = 0, now = 0;
    std::string error;
    Probe p = Probe::actuator("nvml:gpu" + std::to_string(g), "hardware", "gpu",
                              "nvmlDeviceSetPowerManagementLimit", "W");
    if (lib->power_limit_range_w(g, lo, hi, error) && lib->power_limit_w(g, now, error)) {
      p.available = true;
      p.min = lo;
      p.max = hi;
      p.value = now;
      out.push_back(std::make_unique<NvmlLimitActuator>(lib, g, lo, hi, journal));
    } else {
      p.reason = error;
    }
    probes.push_back(p);
  }
  return out;
}

double parse_cap_value(const std::string& text, const Actuator& a) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string suffix = text.substr(used);
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const bool hz = a.unit() == "Hz";
  double out = std::nan("");
  if (used > 0) {
    if (suffix == "%")
      out = v / 100.0 * a.max();
    else if (suffix.empty())
      out = v;
    else if (suffix == "w" && a.unit() == "W")
      out = v;
    else if (suffix == "mw" && a.unit() == "W")
      out = v * 1e-3;
    else if (hz && suffix == "ghz")
      out = v * 1e9;
    else if (hz && suffix == "mhz")
      out = v * 1e6;
    else if (hz && suffix == "khz")
      out = v * 1e3;
    else if (hz && suffix == "hz")
      out = v;
  }
  if (std::isnan(out)) {
    throw std::invalid_argument("cap value '" + text + "' for " + a.name() +
                                " is not understood; give a number in " + a.unit() +
                                (a.unit() == "W" ? " (e.g. 120W)"
                                 : hz            ? " (e.g. 2.1GHz)"
                                                 : "") +
                                " or a percentage of its maximum (e.g. 60%)");
  }
  return out;
}

CapSession::~CapSession() {
  try {
    restore_all();
  } catch (...) {
    // The journal keeps what could not be restored; `joulebench restore` retries.
  }
}

CapResult CapSession::apply(Actuator& actuator, double value) {
  if (std::find(touched_.begin(), touched_.end(), &actuator) == touched_.end()) touched_.push_back(&actuator);
  return actuator.set(value);
}

std::vector<std::string> CapSession::restore_all() {
  std::vector<std::string> warnings;
  for (Actuator* a : touched_) {
    try {
      a->restore();
    } catch (const std::exception& e) {
      warnings.push_back(a->name() + ": " + e.what());
    }
  }
  touched_.clear();
  return warnings;
}

}  // namespace joulebench::power
