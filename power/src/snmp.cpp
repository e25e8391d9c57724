// SNMP PDUs as meters (net-snmp, single-session API: one session per polling thread). Raritan
// PDU2-MIB: measurementsInletSensorValue (inlet 1, sensor type 5 = activePower) scaled by
// inletSensorDecimalDigits, or an outlet's (measurementsOutletSensorValue, outletSensorDecimalDigits);
// APC PowerNet-MIB: rPDUIdentDevicePowerWatts.
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "detail/meter_poll.hpp"
#include "detail/snmp.hpp"

namespace joulebench::power::detail {
namespace {

constexpr const char* kRaritan = "1.3.6.1.4.1.13742.6";
constexpr const char* kApcDevicePowerWatts = "1.3.6.1.4.1.318.1.1.12.1.16.0";

// net-snmp's global set-up, once: no configuration files and no MIBs (every OID here is numeric).
void snmp_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    ::setenv("MIBS", "", 0);
    init_snmp("joulebench");
  });
}

std::vector<oid> parse_oid(const std::string& dotted) {
  std::vector<oid> out;
  std::size_t i = 0;
  while (i < dotted.size()) {
    std::size_t end = dotted.find('.', i);
    if (end == std::string::npos) end = dotted.size();
    out.push_back(static_cast<oid>(std::stoul(dotted.substr(i, end - i))));
    i = end + 1;
  }
  return out;
}

}  // namespace

SnmpClient::SnmpClient(const MeterUrl& url, const MeterOptions& options) : where_(url.str()) {
  snmp_init_once();
  netsnmp_session s;
  snmp_sess_init(&s);
  const std::string peer = "udp:" + url.host + ":" + std::to_string(url.port);
  s.peername = const_cast<char*>(peer.c_str());
  s.version = SNMP_VERSION_2c;
  s.community = reinterpret_cast<u_char*>(const_cast<char*>(url.user.c_str()));
  s.community_len = url.user.size();
  s.timeout = static_cast<long>(options.timeout_s * 1e6);
  s.retries = 1;
  session_ = snmp_sess_open(&s);
  if (session_ == nullptr)
    throw std::runtime_error(where_ + ": cannot open an SNMP session (" +
                             std::string(snmp_api_errstring(snmp_errno)) + "); check the host and port");
}

SnmpClient::~SnmpClient() {
  if (session_ != nullptr) snmp_sess_close(session_);
}

std::vector<std::optional<long long>> SnmpClient::get(const std::vector<std::string>& oids) {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
  for (const auto& o : oids) {
    const auto id = parse_oid(o);
    snmp_add_null_var(pdu, id.data(), id.size());
  }
  netsnmp_pdu* response = nullptr;
  const int status = snmp_sess_synch_response(session_, pdu, &response);
  if (status != STAT_SUCCESS || response == nullptr) {
    if (response != nullptr) snmp_free_pdu(response);
    throw std::runtime_error(where_ + ": " +
                             (status == STAT_TIMEOUT
                                  ? std::string("no answer (timeout); check the host, port and "
                                                "community (a wrong community gets no answer)")
                                  : std::string("SNMP error: ") + snmp_api_errstring(snmp_errno)));
  }
  std::vector<std::optional<long long>> out;
  if (response->errstat != SNMP_ERR_NOERROR) {
    const std::string e = snmp_errstring(static_cast<int>(response->errstat));
    snmp_free_pdu(response);
    throw std::runtime_error(where_ + ": the agent answered " + e);
  }
  for (netsnmp_variable_list* v = response->variables; v != nullptr; v = v->next_variable) {
    const bool number = v->type == ASN_INTEGER || v->type == ASN_GAUGE || v->type == ASN_COUNTER ||
                        v->type == ASN_UNSIGNED || v->type == ASN_TIMETICKS;
    out.push_back(number && v->val.integer != nullptr ? std::optional<long long>(*v->val.integer)
                                                      : std::nullopt);
  }
  snmp_free_pdu(response);
  return out;
}

std::vector<std::pair<long, std::string>> SnmpClient::walk(const std::string& column) {
  const auto root = parse_oid(column);
  std::vector<oid> at = root;
  std::vector<std::pair<long, std::string>> rows;
  for (std::size_t guard = 0; guard < 4096; ++guard) {
    netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
    snmp_add_null_var(pdu, at.data(), at.size());
    netsnmp_pdu* response = nullptr;
    const int status = snmp_sess_synch_response(session_, pdu, &response);
    if (status != STAT_SUCCESS || response == nullptr) {
      if (response != nullptr) snmp_free_pdu(response);
      throw std::runtime_error(where_ + ": no answer walking " + column);
    }
    const netsnmp_variable_list* v = response->variables;
    const bool inside = response->errstat == SNMP_ERR_NOERROR && v != nullptr && v->name_length > root.size() &&
                        std::equal(root.begin(), root.end(), v->name) && v->type != SNMP_ENDOFMIBVIEW;
    if (inside) {
      at.assign(v->name, v->name + v->name_length);
      std::string text;
      if (v->type == ASN_OCTET_STR && v->val.string != nullptr)
        text.assign(reinterpret_cast<const char*>(v->val.string), v->val_len);
      else if (v->val.integer != nullptr)
        text = std::to_string(*v->val.integer);
      rows.emplace_back(static_cast<long>(at.back()), text);
    }
    snmp_free_pdu(response);
    if (!inside) break;
  }
  return rows;
}

namespace {

constexpr const char* kRaritanOutletName = "1.3.6.1.4.1.13742.6.3.5.3.1.3.1";

// An outlet named in the URL: its number, from the PDU's outlet names (PDU2-MIB outletName).
int outlet_by_name(SnmpClient& c, const MeterUrl& url, const std::string& name) {
  std::string names;
  for (const auto& [index, label] : c.walk(kRaritanOutletName)) {
    if (label == name) return static_cast<int>(index);
    if (!label.empty()) names += (names.empty() ? "" : ", ") + label;
  }
  throw std::runtime_error(url.str() + ": no outlet is named '" + name + "' (PDU2-MIB outletName); " +
                           (names.empty() ? std::string("the PDU names none, so give its number, /outlet/N")
                                          : "the named ones are " + names));
}

struct PduReading {
  std::string value_oid, digits_oid, what;
};

// Raritan (inlet or outlet) first, then APC; the first that answers with a number.
PduReading find_pdu_power(SnmpClient& c, const MeterUrl& url, std::optional<int> outlet) {
  const std::string r = kRaritan;
  PduReading raritan = outlet
                           ? PduReading{r + ".5.4.3.1.4.1." + std::to_string(*outlet) + ".5",
                                        r + ".3.5.4.1.7.1." + std::to_string(*outlet) + ".5",
                                        "Raritan PDU2-MIB outlet " + std::to_string(*outlet) + " activePower"}
                           : PduReading{r + ".5.2.3.1.4.1.1.5", r + ".3.3.4.1.7.1.1.5",
                                        "Raritan PDU2-MIB inlet 1 activePower"};
  const auto got = c.get({raritan.value_oid, raritan.digits_oid});
  if (got[0]) return raritan;
  if (!outlet && c.get({kApcDevicePowerWatts})[0])
    return {kApcDevicePowerWatts, "", "APC PowerNet-MIB rPDUIdentDevicePowerWatts"};
  throw std::runtime_error(url.str() + " has no PDU power reading: looked for " + raritan.what +
                           (outlet ? "" : " and APC PowerNet-MIB rPDUIdentDevicePowerWatts") +
                           "; is this a Raritan or APC PDU, and is the outlet number right?");
}

}  // namespace

std::vector<std::unique_ptr<Sensor>> open_snmp_meter(const MeterUrl& url, const MeterOptions& options,
                                                     std::vector<Probe>& probes) {
  // The client that found the reading polls it.
  auto client = std::make_shared<SnmpClient>(url, options);
  std::optional<int> outlet;
  std::string outlet_name;
  if (url.path.rfind("/outlet/", 0) == 0) {
    const std::string which = url.path.substr(8);
    const bool number = std::all_of(which.begin(), which.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    outlet = number ? std::stoi(which) : outlet_by_name(*client, url, which);
    if (!number) outlet_name = which;
  }
  const PduReading reading = find_pdu_power(*client, url, outlet);
  PolledSensorSpec spec;
  spec.name = "snmp:" + url.host + (outlet ? "/outlet" + std::to_string(*outlet) : std::string("/inlet1"));
  spec.domain = outlet ? "outlet" : "pdu";
  // An outlet feeds one server's supply; an inlet is the whole PDU, every server on it.
  spec.location = "wall";
  spec.path = url.origin() + " " + reading.value_oid + " (" + reading.what +
              (outlet_name.empty() ? std::string() : ", named " + outlet_name) + ")";
  spec.interval =
      std::chrono::microseconds(static_cast<long long>(options.poll_interval_s.value_or(1.0) * 1e6));
  spec.stall_s = options.stall_s;
  std::vector<std::unique_ptr<Sensor>> out;
  out.push_back(PolledSensor::open(
      spec,
      [client, reading] {
        PolledValue v;
        try {
          const auto got = reading.digits_oid.empty() ? client->get({reading.value_oid})
                                                      : client->get({reading.value_oid, reading.digits_oid});
          if (!got[0]) {
            v.error = reading.what + " (" + reading.value_oid + ") has no value";
            return v;
          }
          const long long digits = got.size() > 1 && got[1] ? *got[1] : 0;
          v.ok = true;
          v.value = static_cast<double>(*got[0]) / std::pow(10.0, static_cast<double>(digits));
        } catch (const std::exception& e) {
          v.error = e.what();
        }
        return v;
      },
      url.str(), probes));
  return out;
}

}  // namespace joulebench::power::detail
