// NVML through dlopen: GPU energy/power sensors (and the power-limit calls the actuator uses).
#include "detail/nvml.hpp"

#include <dlfcn.h>

#include <mutex>

#include "joulebench/power/sensor.hpp"

namespace joulebench::power {
namespace detail {

namespace {
using nvmlDevice_t = void*;
using nvmlReturn_t = int;
constexpr nvmlReturn_t kNvmlSuccess = 0;
}  // namespace

struct NvmlApi {
  void* handle = nullptr;
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  nvmlReturn_t (*count)(unsigned*) = nullptr;
  nvmlReturn_t (*by_index)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*energy)(nvmlDevice_t, unsigned long long*) = nullptr;  // mJ
  nvmlReturn_t (*power)(nvmlDevice_t, unsigned*) = nullptr;             // mW
  nvmlReturn_t (*limit)(nvmlDevice_t, unsigned*) = nullptr;             // mW
  nvmlReturn_t (*limit_range)(nvmlDevice_t, unsigned*, unsigned*) = nullptr;
  nvmlReturn_t (*set_limit)(nvmlDevice_t, unsigned) = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;

  [[nodiscard]] std::string describe(nvmlReturn_t r) const {
    return error_string != nullptr ? error_string(r) : "NVML error " + std::to_string(r);
  }
  bool device(unsigned gpu, nvmlDevice_t& d, std::string& error) const {
    const nvmlReturn_t r = by_index(gpu, &d);
    if (r != kNvmlSuccess) error = "nvmlDeviceGetHandleByIndex(" + std::to_string(gpu) + "): " + describe(r);
    return r == kNvmlSuccess;
  }
};

namespace {

template <typename F>
bool bind(void* h, const char* symbol, F& fn, std::string& missing) {
  fn = reinterpret_cast<F>(::dlsym(h, symbol));
  if (fn == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(symbol);
  return fn != nullptr;
}

}  // namespace

Nvml::Nvml(std::unique_ptr<NvmlApi> api) : api_(std::move(api)) {}

Nvml::~Nvml() {
  if (api_ && api_->shutdown != nullptr) api_->shutdown();
}

std::shared_ptr<Nvml> Nvml::open(std::string& why) {
  void* h = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    why = "libnvidia-ml.so.1 not loadable (no NVIDIA driver on this machine): " + std::string(::dlerror());
    return nullptr;
  }
  auto api = std::make_unique<NvmlApi>();
  api->handle = h;
  std::string missing;
  bind(h, "nvmlInit_v2", api->init, missing);
  bind(h, "nvmlShutdown", api->shutdown, missing);
  bind(h, "nvmlDeviceGetCount_v2", api->count, missing);
  bind(h, "nvmlDeviceGetHandleByIndex_v2", api->by_index, missing);
  bind(h, "nvmlDeviceGetTotalEnergyConsumption", api->energy, missing);
  bind(h, "nvmlDeviceGetPowerUsage", api->power, missing);
  bind(h, "nvmlDeviceGetPowerManagementLimit", api->limit, missing);
  bind(h, "nvmlDeviceGetPowerManagementLimitConstraints", api->limit_range, missing);
  bind(h, "nvmlDeviceSetPowerManagementLimit", api->set_limit, missing);
  bind(h, "nvmlErrorString", api->error_string, missing);
  if (!missing.empty()) {
    why = "libnvidia-ml.so.1 lacks " + missing + " (driver too old)";
    return nullptr;
  }
  if (const nvmlReturn_t r = api->init(); r != kNvmlSuccess) {
    why = "nvmlInit failed: " + api->describe(r);
    return nullptr;
  }
  return std::shared_ptr<Nvml>(new Nvml(std::move(api)));
}

unsigned Nvml::device_count() const {
  unsigned n = 0;
  return api_->count(&n) == kNvmlSuccess ? n : 0;
}

bool Nvml::total_energy_j(unsigned gpu, double& joules, std::string& error) const {
  nvmlDevice_t d;
  unsigned long long mj = 0;
  if (!api_->device(gpu, d, error)) return false;
  const nvmlReturn_t r = api_->energy(d, &mj);
  if (r != kNvmlSuccess) error = "nvmlDeviceGetTotalEnergyConsumption: " + api_->describe(r);
  joules = static_cast<double>(mj) * 1e-3;
  return r == kNvmlSuccess;
}

bool Nvml::power_w(unsigned gpu, double& watts, std::string& error) const {
  nvmlDevice_t d;
  unsigned mw = 0;
  if (!api_->device(gpu, d, error)) return false;
  const nvmlReturn_t r = api_->power(d, &mw);
  if (r != kNvmlSuccess) error = "nvmlDeviceGetPowerUsage: " + api_->describe(r);
  watts = mw * 1e-3;
  return r == kNvmlSuccess;
}

bool Nvml::power_limit_w(unsigned gpu, double& watts, std::string& error) const {
  nvmlDevice_t d;
  unsigned mw = 0;
  if (!api_->device(gpu, d, error)) return false;
  const nvmlReturn_t r = api_->limit(d, &mw);
  if (r != kNvmlSuccess) error = "nvmlDeviceGetPowerManagementLimit: " + api_->describe(r);
  watts = mw * 1e-3;
  return r == kNvmlSuccess;
}

bool Nvml::power_limit_range_w(unsigned gpu, double& min_w, double& max_w, std::string& error) const {
  nvmlDevice_t d;
  unsigned lo = 0, hi = 0;
  if (!api_->device(gpu, d, error)) return false;
  const nvmlReturn_t r = api_->limit_range(d, &lo, &hi);
  if (r != kNvmlSuccess) error = "nvmlDeviceGetPowerManagementLimitConstraints: " + api_->describe(r);
  min_w = lo * 1e-3;
  max_w = hi * 1e-3;
  return r == kNvmlSuccess;
}

bool Nvml::set_power_limit_w(unsigned gpu, double watts, std::string& error) const {
  nvmlDevice_t d;
  if (!api_->device(gpu, d, error)) return false;
  const nvmlReturn_t r = api_->set_limit(d, static_cast<unsigned>(watts * 1e3 + 0.5));
  if (r != kNvmlSuccess) error = "nvmlDeviceSetPowerManagementLimit: " + api_->describe(r) + " (needs root)";
  return r == kNvmlSuccess;
}

}  // namespace detail

namespace {

using namespace std::chrono_literals;

// Total-energy counter when the GPU has one (Volta and later), else power samples integrated
// (trapezoid between reads).
class NvmlSensor final : public Sensor {
 public:
  NvmlSensor(std::shared_ptr<detail::Nvml> nvml, unsigned gpu, bool has_energy)
      : nvml_(std::move(nvml)), gpu_(gpu), has_energy_(has_energy) {}
  std::string name() const override { return "nvml:gpu" + std::to_string(gpu_); }
  std::string domain() const override { return "gpu"; }
  Provenance provenance() const override { return Provenance::measured; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return has_energy_ ? 20ms : 100ms; }
  std::string path() const override {
    return has_energy_ ? "nvmlDeviceGetTotalEnergyConsumption" : "nvmlDeviceGetPowerUsage (integrated)";
  }
  SensorReading read() override {
    std::string error;
    if (has_energy_) {
      double j = 0;
      if (!nvml_->total_energy_j(gpu_, j, error)) return {false, 0, error};
      return {true, j, {}};
    }
    double w = 0;
    const auto now = std::chrono::steady_clock::now();
    if (!nvml_->power_w(gpu_, w, error)) return {false, 0, error};
    if (last_w_ >= 0) joules_ += 0.5 * (w + last_w_) * std::chrono::duration<double>(now - last_t_).count();
    last_w_ = w;
    last_t_ = now;
    return {true, joules_, {}};
  }

 private:
  std::shared_ptr<detail::Nvml> nvml_;
  unsigned gpu_;
  bool has_energy_;
  double joules_ = 0, last_w_ = -1;
  std::chrono::steady_clock::time_point last_t_;
};

}  // namespace

std::vector<std::unique_ptr<Sensor>> nvml_sensors(std::vector<Probe>& probes) {
  std::vector<std::unique_ptr<Sensor>> out;
  std::string why;
  auto nvml = detail::Nvml::open(why);
  if (!nvml) {
    probes.push_back(Probe::sensor("nvml:gpu0", "measured", "gpu", "libnvidia-ml.so.1", 0.1).because(why));
    return out;
  }
  for (unsigned g = 0; g < nvml->device_count(); ++g) {
    double j = 0, w = 0;
    std::string e1, e2;
    const bool energy = nvml->total_energy_j(g, j, e1);
    const bool power = energy || nvml->power_w(g, w, e2);
    Probe p = Probe::sensor("nvml:gpu" + std::to_string(g), "measured", "gpu",
                            energy ? "nvmlDeviceGetTotalEnergyConsumption" : "nvmlDeviceGetPowerUsage",
                            energy ? 0.02 : 0.1)
                  .because(power ? "" : e1 + "; " + e2);
    if (power) out.push_back(std::make_unique<NvmlSensor>(nvml, g, energy));
    probes.push_back(p);
  }
  return out;
}

}  // namespace joulebench::power
