// IPMI BMCs as meters, over IPMI 2.0 / RMCP+ (libfreeipmi): DCMI Get Power Reading where the BMC
// has it, else the SDR's threshold sensors in watts (Get Sensor Reading, scaled by the record's
// M, B and exponents).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "joulebench/power/meter.hpp"

namespace joulebench::power::detail {

/// One RMCP+ session at user privilege; commands are serialised (a session is not thread-safe).
/// Every failure throws std::runtime_error naming the BMC, the cause and what to do.
class IpmiClient {
 public:
  IpmiClient(const MeterUrl& url, const MeterOptions& options);
  ~IpmiClient();
  IpmiClient(const IpmiClient&) = delete;
  IpmiClient& operator=(const IpmiClient&) = delete;
  /// Sends command `cmd` of `netfn` with `data`; the response from its completion code on.
  std::vector<std::uint8_t> command(std::uint8_t netfn, std::uint8_t cmd,
                                    const std::vector<std::uint8_t>& data);
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  std::string where_;
  void* ctx_ = nullptr;
  std::mutex mutex_;
};

std::vector<std::unique_ptr<Sensor>> open_ipmi_meter(const MeterUrl& url, const MeterOptions& options,
                                                     std::vector<Probe>& probes);

}  // namespace joulebench::power::detail
