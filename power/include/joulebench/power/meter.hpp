// Power meters outside the CPU, named by URL: a server's BMC over Redfish or IPMI, a PDU over SNMP
// and an AC analyzer behind SPEC's PTDaemon. A meter polls its device on its own thread, so a
// slow or stalled device never holds up the sampler: the sampler reads the latest value, stamped when the
// device took it, and a value older than the stall limit is a gap with its reason.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/power/actuator.hpp"
#include "joulebench/power/journal.hpp"
#include "joulebench/power/sensor.hpp"

namespace joulebench::power {

/// A parsed --meter URL:
///   redfish://HOST[:PORT]/redfish/v1/Chassis/ID       (HTTPS, port 443)
///   redfish+http://HOST[:PORT]/redfish/v1/Chassis/ID  (plain HTTP, port 80)
///   snmp://COMMUNITY@HOST[:PORT], ipmi://USER@HOST[:PORT], ptd://HOST[:PORT]
/// Credentials never appear in it (a password in the URL is refused: argv is world-readable).
struct MeterUrl {
  std::string scheme, user, host, path;
  int port = 0;
  [[nodiscard]] bool tls() const { return scheme == "redfish"; }
  /// scheme://[user@]host:port/path, for disclosure: an SNMP community (a secret) is left out.
  [[nodiscard]] std::string str() const;
  /// scheme://host:port: where a resource or OID of the meter is, for messages and paths.
  [[nodiscard]] std::string origin() const { return scheme + "://" + host + ":" + std::to_string(port); }
  /// The last part of the path (the chassis ID of a Redfish meter).
  [[nodiscard]] std::string id() const { return path.substr(path.rfind('/') + 1); }
};
/// Throws std::invalid_argument naming the URL, what is wrong and the accepted forms.
MeterUrl parse_meter_url(const std::string& url);

/// Credentials for a meter: from --meter-credentials FILE (first line "user:password", the file
/// readable by its owner only), else JOULEBENCH_METER_USER / JOULEBENCH_METER_PASSWORD. Never
/// from argv, never written to results.
struct MeterCredentials {
  std::string user, password;
  std::string source;  ///< "file PATH" or "environment", for disclosure
};
/// nullopt when neither is given; throws std::invalid_argument for an unreadable or malformed
/// file, or one other users can read.
std::optional<MeterCredentials> load_meter_credentials(const std::optional<std::filesystem::path>& file);

struct MeterOptions {
  bool insecure = false;                         ///< skip TLS certificate and host checks
  std::optional<std::filesystem::path> ca_file;  ///< trust this CA bundle instead of the system's
  std::optional<MeterCredentials> credentials;   ///< basic auth, or a Redfish session
  double timeout_s = 5;                          ///< per request
  double stall_s = 10;                           ///< a value older than this is a gap
  std::optional<double> poll_interval_s;         ///< default: the device's own sensing interval
};

/// Opens the meter at `url` and takes a first reading; the sensors it gives (power, and energy
/// where the device counts it). Throws std::runtime_error naming the URL and what failed
/// (unreachable, TLS, credentials, not a chassis, no power reading) and what to do.
std::vector<std::unique_ptr<Sensor>> open_meter(const std::string& url, const MeterOptions& options,
                                                std::vector<Probe>& probes);

/// Opens the meter and makes it `set`'s primary energy source (the on-chip sensors stay listed
/// beside it); the rule names the meter and where it measures.
void add_meter(SensorSet& set, const std::string& url, const MeterOptions& options);

/// The chassis power limit of a Redfish meter (Controls/PowerLimit SetPoint) as an actuator in
/// watts, journalled like every hardware cap so `joulebench restore` can put it back after a
/// crash. Throws std::runtime_error when the chassis has no settable limit, naming what was
/// looked for.
std::unique_ptr<Actuator> open_meter_power_limit(const std::string& url, const MeterOptions& options,
                                                 CapJournal& journal);

/// Puts back a journalled meter limit (`joulebench restore`): entry path is the meter URL.
/// False with `error` set when the device cannot be reached or refuses.
bool restore_meter_limit(const std::string& url, double watts, const MeterOptions& options,
                         std::string& error);

}  // namespace joulebench::power
