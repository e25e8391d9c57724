// NVML bound at run time with dlopen (no build-time CUDA dependency), all symbols or none.
#pragma once

#include <memory>
#include <string>

namespace joulebench::power::detail {

struct NvmlApi;

/// The loaded library, or why it is unavailable. Shared by the NVML sensor and actuator.
class Nvml {
 public:
  /// Loads libnvidia-ml.so.1 once per process and calls nvmlInit_v2.
  static std::shared_ptr<Nvml> open(std::string& why);
  ~Nvml();

  [[nodiscard]] unsigned device_count() const;
  /// Total energy in joules since driver load, if the GPU has the counter.
  bool total_energy_j(unsigned gpu, double& joules, std::string& error) const;
  bool power_w(unsigned gpu, double& watts, std::string& error) const;
  bool power_limit_w(unsigned gpu, double& watts, std::string& error) const;
  bool power_limit_range_w(unsigned gpu, double& min_w, double& max_w, std::string& error) const;
  bool set_power_limit_w(unsigned gpu, double watts, std::string& error) const;

 private:
  explicit Nvml(std::unique_ptr<NvmlApi> api);
  std::unique_ptr<NvmlApi> api_;
};

}  // namespace joulebench::power::detail
