// Redfish (DMTF DSP0266) as a meter: a chassis's power (EnvironmentMetrics PowerWatts and the
// Sensor it points at, else the legacy Power PowerControl[0].PowerConsumedWatts), its energy
// and its power limit (Controls/PowerLimit SetPoint).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "detail/http.hpp"
#include "joulebench/power/meter.hpp"

namespace joulebench::power::detail {

/// A session with one Redfish service. With credentials it opens a Redfish session (POST
/// SessionService/Sessions, X-Auth-Token) and falls back to basic auth where the service has no
/// session service; the session is deleted when the client goes. Every failure throws
/// std::runtime_error naming the URL, the cause and what to do.
class RedfishClient {
 public:
  RedfishClient(const MeterUrl& url, const MeterOptions& options);
  ~RedfishClient();
  RedfishClient(const RedfishClient&) = delete;
  RedfishClient& operator=(const RedfishClient&) = delete;

  nlohmann::json get(const std::string& path) const;
  void patch(const std::string& path, const nlohmann::json& body);
  [[nodiscard]] std::string url(const std::string& path) const { return base_ + path; }

 private:
  [[noreturn]] void fail(const std::string& method, const std::string& path, const HttpResponse& r) const;
  std::vector<std::string> headers() const;

  MeterUrl meter_;
  std::string base_, token_, session_;
  std::unique_ptr<HttpClient> http_;  // one request at a time, from one thread
};

/// The chassis's power (and energy where it counts it) as polled sensors.
std::vector<std::unique_ptr<Sensor>> open_redfish_meter(const MeterUrl& url, const MeterOptions& options,
                                                        std::vector<Probe>& probes);

/// Where the chassis's power limit is: the resource and JSON pointer of the value to PATCH.
struct RedfishLimit {
  std::string resource, pointer;
  double value = 0, min = 0, max = 0;
};
/// Throws std::runtime_error when the chassis has no limit to set, naming what was looked for.
RedfishLimit find_redfish_limit(RedfishClient& client, const std::string& chassis);

std::unique_ptr<Actuator> open_redfish_limit(const MeterUrl& url, const MeterOptions& options,
                                             CapJournal& journal);
/// Sets the limit back to `watts` and reads it back; false with `error` when it cannot.
bool put_back_redfish_limit(const MeterUrl& url, double watts, const MeterOptions& options,
                            std::string& error);

}  // namespace joulebench::power::detail
