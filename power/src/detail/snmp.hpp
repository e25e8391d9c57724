// SNMP (v2c) PDUs as meters: the PDU's inlet power, or one outlet's, by number or by the name the
// PDU gives it (snmp://COMMUNITY@HOST/outlet/N or /outlet/NAME).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/power/meter.hpp"

namespace joulebench::power::detail {

/// One net-snmp session; every failure throws std::runtime_error naming the agent and the cause.
class SnmpClient {
 public:
  SnmpClient(const MeterUrl& url, const MeterOptions& options);
  ~SnmpClient();
  SnmpClient(const SnmpClient&) = delete;
  SnmpClient& operator=(const SnmpClient&) = delete;
  /// Numeric values of `oids` (dotted, no leading dot), nullopt where the agent has none.
  std::vector<std::optional<long long>> get(const std::vector<std::string>& oids);
  /// Every row of table column `column` (GETNEXT until the column ends): the last sub-identifier
  /// (the row index) and the value as text.
  std::vector<std::pair<long, std::string>> walk(const std::string& column);

 private:
  std::string where_;
  void* session_ = nullptr;
};

std::vector<std::unique_ptr<Sensor>> open_snmp_meter(const MeterUrl& url, const MeterOptions& options,
                                                     std::vector<Probe>& probes);

}  // namespace joulebench::power::detail
