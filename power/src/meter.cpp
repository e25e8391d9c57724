// Meters named by URL: parsing, credentials, and opening each kind.
#include "joulebench/power/meter.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

#include "detail/ptd.hpp"
#include "detail/redfish.hpp"
#if JOULEBENCH_WITH_IPMI
#include "detail/ipmi.hpp"
#endif
#if JOULEBENCH_WITH_SNMP
#include "detail/snmp.hpp"
#endif

namespace joulebench::power {
namespace {

constexpr const char* kForms =
    "redfish://HOST[:PORT]/redfish/v1/Chassis/ID, redfish+http://HOST[:PORT]/redfish/v1/Chassis/ID, "
    "snmp://COMMUNITY@HOST[:PORT][/outlet/N|NAME], ipmi://USER@HOST[:PORT] or ptd://HOST[:PORT]";

int default_port(const std::string& scheme) {
  if (scheme == "redfish") return 443;
  if (scheme == "redfish+http") return 80;
  if (scheme == "snmp") return 161;
  if (scheme == "ipmi") return 623;
  return 8888;  // ptd: SPEC PTDaemon's default
}

}  // namespace

std::string MeterUrl::str() const {
  // An SNMP community is a shared secret: never printed or saved. An IPMI user name is not.
  if (scheme != "ipmi" || user.empty()) return origin() + path;
  return scheme + "://" + user + "@" + host + ":" + std::to_string(port) + path;
}

MeterUrl parse_meter_url(const std::string& url) {
  static const std::regex form(
      R"(^([a-z+]+)://(?:([^@/:]+)(:[^@/]*)?@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(/[^?#\s]*)?$)");
  std::smatch m;
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("--meter '" + url + "': " + why + "; give one of " + kForms);
  };
  if (!std::regex_match(url, m, form)) throw bad("not a meter URL");
  MeterUrl u;
  u.scheme = m[1];
  if (u.scheme != "redfish" && u.scheme != "redfish+http" && u.scheme != "snmp" && u.scheme != "ipmi" &&
      u.scheme != "ptd")
    throw bad("unknown scheme '" + u.scheme + "'");
  if (m[3].matched)
    throw bad(
        "a password in the URL would be visible to every user in the process list; put it in "
        "--meter-credentials FILE or JOULEBENCH_METER_PASSWORD");
  u.user = m[2];
  u.host = m[4];
  u.port = m[5].matched ? std::stoi(m[5]) : default_port(u.scheme);
  if (u.port < 1 || u.port > 65535) throw bad("port " + std::to_string(u.port) + " is out of 1..65535");
  u.path = m[6];
  if (u.scheme.rfind("redfish", 0) == 0) {
    if (u.path.rfind("/redfish/v1/Chassis/", 0) != 0 || u.path.size() <= 20)
      throw bad("a Redfish meter names its chassis, /redfish/v1/Chassis/ID");
    while (u.path.size() > 1 && u.path.back() == '/') u.path.pop_back();
  } else if (u.scheme == "snmp" &&
             std::regex_match(u.path, std::regex("/outlet/([1-9][0-9]{0,3}|[A-Za-z0-9._~-]+)"))) {
    // one outlet of the PDU, by number or by the name the PDU gives it: the server plugged into it
  } else if (!u.path.empty() && u.path != "/") {
    throw bad("a " + u.scheme + " meter takes no path" +
              (u.scheme == "snmp" ? std::string(" but /outlet/N or /outlet/NAME") : std::string()));
  }
  if (u.scheme == "snmp" && u.user.empty())
    throw bad("an SNMP meter needs its community, snmp://COMMUNITY@HOST");
  return u;
}

std::optional<MeterCredentials> load_meter_credentials(const std::optional<std::filesystem::path>& file) {
  if (file) {
    struct stat st {};
    if (::stat(file->c_str(), &st) != 0)
      throw std::invalid_argument("--meter-credentials " + file->string() +
                                  ": cannot read it; give a file whose "
                                  "first line is user:password");
    if ((st.st_mode & 077) != 0)
      throw std::invalid_argument("--meter-credentials " + file->string() +
                                  ": other users can read it; chmod 600 it first");
    std::ifstream in(*file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      throw std::invalid_argument("--meter-credentials " + file->string() +
                                  ": the first line must be user:password");
    return MeterCredentials{line.substr(0, colon), line.substr(colon + 1), "file " + file->string()};
  }
  const char* user = std::getenv("JOULEBENCH_METER_USER");
  const char* password = std::getenv("JOULEBENCH_METER_PASSWORD");
  if (user == nullptr || *user == '\0') return std::nullopt;
  return MeterCredentials{user, password != nullptr ? password : "", "environment"};
}

namespace {

std::vector<std::unique_ptr<Sensor>> open_any(const std::string& url, const MeterOptions& options,
                                              std::vector<Probe>& probes, std::shared_ptr<PtdAnalyzer>& ptd) {
  const MeterUrl u = parse_meter_url(url);
  if (u.scheme.rfind("redfish", 0) == 0) return detail::open_redfish_meter(u, options, probes);
  if (u.scheme == "snmp") {
#if JOULEBENCH_WITH_SNMP
    return detail::open_snmp_meter(u, options, probes);
#else
    throw std::invalid_argument("--meter '" + url +
                                "': this build has no SNMP meters (configured with "
                                "JOULEBENCH_WITH_SNMP=OFF, e.g. a cross build); rebuild with libsnmp-dev");
#endif
  }
  if (u.scheme == "ipmi") {
#if JOULEBENCH_WITH_IPMI
    return detail::open_ipmi_meter(u, options, probes);
#else
    throw std::invalid_argument(
        "--meter '" + url +
        "': this build has no IPMI meters (configured with "
        "JOULEBENCH_WITH_IPMI=OFF, e.g. a cross build); rebuild with libfreeipmi-dev");
#endif
  }
  return detail::open_ptd_meter(u, options, probes, ptd);
}

}  // namespace

std::vector<std::unique_ptr<Sensor>> open_meter(const std::string& url, const MeterOptions& options,
                                                std::vector<Probe>& probes) {
  std::shared_ptr<PtdAnalyzer> ptd;
  return open_any(url, options, probes, ptd);
}

void add_meter(SensorSet& set, const std::string& url, const MeterOptions& options) {
  std::vector<Probe> probes;
  auto sensors = open_any(url, options, probes, set.ptd);
  set.beside.clear();
  for (auto* s : set.primary)
    if (s->provenance() == Provenance::measured) set.beside.push_back(s);
  set.primary.clear();
  for (auto& s : sensors) {
    if (set.primary.empty() && !s->is_counter()) {
      set.primary.push_back(s.get());
      set.primary_rule = "--meter " + parse_meter_url(url).str() + " (" + s->location() + ")";
    }
  }
  if (set.primary.empty() && !sensors.empty()) set.primary.push_back(sensors.front().get());
  set.sensors.insert(set.sensors.begin(), std::make_move_iterator(sensors.begin()),
                     std::make_move_iterator(sensors.end()));
  set.probes.insert(set.probes.begin(), probes.begin(), probes.end());
  set.primary_unreadable.clear();  // the meter is the source: on-chip gaps no longer matter for it
}

std::unique_ptr<Actuator> open_meter_power_limit(const std::string& url, const MeterOptions& options,
                                                 CapJournal& journal) {
  const MeterUrl u = parse_meter_url(url);
  if (u.scheme.rfind("redfish", 0) != 0)
    throw std::invalid_argument("--meter '" + url +
                                "': only a Redfish meter has a power limit joulebench sets");
  return detail::open_redfish_limit(u, options, journal);
}

bool restore_meter_limit(const std::string& url, double watts, const MeterOptions& options,
                         std::string& error) {
  return detail::put_back_redfish_limit(parse_meter_url(url), watts, options, error);
}

}  // namespace joulebench::power
