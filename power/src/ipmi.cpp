// IPMI BMCs as meters (libfreeipmi for the RMCP+ session and the SDR record layout). DCMI's Get
// Power Reading is tried first: it is the platform's input power, kept by the BMC with its own
// timestamp. A BMC without DCMI (or with it but not measuring) falls back to its SDR: every
// threshold sensor whose base unit is watts, read with Get Sensor Reading and scaled by the
// record's linear formula, the sensor that names the whole system first.
#include <freeipmi/freeipmi.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>
#include <stdexcept>

#include "detail/ipmi.hpp"
#include "detail/meter_poll.hpp"
#include "joulebench/power/ipmi.hpp"

namespace joulebench::power {

std::string ipmi_completion_code(std::uint8_t code) {
  static constexpr std::array<std::pair<std::uint8_t, const char*>, 14> kCodes{{
      {0x00, "success"},
      {0xc0, "node busy"},
      {0xc1, "invalid command (the BMC does not implement it)"},
      {0xc3, "timeout"},
      {0xc5, "reservation cancelled"},
      {0xc7, "request data length invalid"},
      {0xc9, "parameter out of range"},
      {0xca, "cannot return the number of requested bytes"},
      {0xcb, "requested sensor, data or record not present"},
      {0xcc, "invalid data field in request"},
      {0xcd, "command illegal for this sensor or record type"},
      {0xd4, "insufficient privilege level"},
      {0xd5, "command not supported in present state"},
      {0xff, "unspecified error"},
  }};
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", code);
  for (const auto& [c, what] : kCodes)
    if (c == code) return std::string(hex) + " " + what;
  return std::string(hex) + " (no standard meaning)";
}

DcmiPowerReading decode_dcmi_power_reading(std::span<const std::uint8_t> r) {
  if (r.empty()) throw std::runtime_error("DCMI Get Power Reading: empty response");
  if (r[0] != 0) throw std::runtime_error("DCMI Get Power Reading answered " + ipmi_completion_code(r[0]));
  if (r.size() < 19)
    throw std::runtime_error("DCMI Get Power Reading: " + std::to_string(r.size()) +
                             " bytes, the reply has 19 (completion code to power reading state)");
  if (r[1] != 0xdc)
    throw std::runtime_error("DCMI Get Power Reading: group extension " + std::to_string(r[1]) +
                             ", DCMI's is 220 (0xdc)");
  const auto u16 = [&](std::size_t i) { return static_cast<double>(r[i] | (r[i + 1] << 8)); };
  const auto u32 = [&](std::size_t i) {
    return static_cast<std::uint32_t>(r[i]) | (static_cast<std::uint32_t>(r[i + 1]) << 8) |
           (static_cast<std::uint32_t>(r[i + 2]) << 16) | (static_cast<std::uint32_t>(r[i + 3]) << 24);
  };
  DcmiPowerReading d;
  d.current_w = u16(2);
  d.minimum_w = u16(4);
  d.maximum_w = u16(6);
  d.average_w = u16(8);
  d.bmc_time = u32(10);
  d.period_s = u32(14) / 1000.0;
  d.active = (r[18] & 0x40) != 0;
  return d;
}

namespace detail {
namespace {

constexpr std::uint8_t kNetFnSensor = IPMI_NET_FN_SENSOR_EVENT_RQ, kNetFnStorage = IPMI_NET_FN_STORAGE_RQ,
                       kNetFnGroup = IPMI_NET_FN_GROUP_EXTENSION_RQ;
constexpr std::uint8_t kCipherSuite = 3;  // HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128: every RMCP+ BMC has it

std::string session_advice(int err) {
  switch (err) {
    case IPMI_ERR_USERNAME_INVALID:
      return "the BMC has no such user; check the user in ipmi://USER@HOST";
    case IPMI_ERR_PASSWORD_INVALID:
      return "wrong password; check --meter-credentials or JOULEBENCH_METER_PASSWORD";
    case IPMI_ERR_CONNECTION_TIMEOUT:
    case IPMI_ERR_SESSION_TIMEOUT:
      return "no answer; check the host and port and that IPMI over LAN is enabled on the BMC";
    case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
    case IPMI_ERR_IPMI_2_0_UNAVAILABLE:
      return "the BMC offers no IPMI 2.0 cipher suite 3; enable RMCP+ on it";
    default:
      return "check the BMC's LAN settings";
  }
}

}  // namespace

IpmiClient::IpmiClient(const MeterUrl& url, const MeterOptions& options) : where_(url.str()) {
  const auto& creds = options.credentials;
  const std::string user = !url.user.empty() ? url.user : creds ? creds->user : std::string();
  if (!creds || creds->password.empty())
    throw std::runtime_error(where_ +
                             ": an IPMI session needs the user's password; put user:password in "
                             "--meter-credentials FILE or set JOULEBENCH_METER_PASSWORD");
  const std::string host = url.host + ":" + std::to_string(url.port);
  const auto timeout_ms = static_cast<unsigned>(options.timeout_s * 1000);
  // Some BMCs (OpenIPMI's among them) refuse the privilege in Open Session unless it is the
  // user's maximum; freeipmi's workaround asks for that instead, so try it second.
  for (unsigned workaround :
       {0U, static_cast<unsigned>(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE)}) {
    ipmi_ctx_t ctx = ipmi_ctx_create();
    if (ctx == nullptr) throw std::runtime_error(where_ + ": cannot create an IPMI context (out of memory)");
    if (ipmi_ctx_open_outofband_2_0(ctx, host.c_str(), user.c_str(), creds->password.c_str(), nullptr, 0,
                                    IPMI_PRIVILEGE_LEVEL_USER, kCipherSuite, timeout_ms,
                                    std::max(timeout_ms / 5, 250U), workaround, IPMI_FLAGS_DEFAULT) == 0) {
      ctx_ = ctx;
      return;
    }
    const int err = ipmi_ctx_errnum(ctx);
    const std::string msg = ipmi_ctx_errormsg(ctx);
    ipmi_ctx_destroy(ctx);
    if (err == IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED && workaround == 0) continue;
    throw std::runtime_error(where_ + ": cannot open an IPMI 2.0 session (" + msg + "); " +
                             session_advice(err));
  }
  throw std::runtime_error(where_ + ": the BMC grants user " + user +
                           " no user privilege; give the user IPMI LAN access at user level or above");
}

IpmiClient::~IpmiClient() {
  if (ctx_ == nullptr) return;
  auto* ctx = static_cast<ipmi_ctx_t>(ctx_);
  ipmi_ctx_close(ctx);
  ipmi_ctx_destroy(ctx);
}

std::vector<std::uint8_t> IpmiClient::command(std::uint8_t netfn, std::uint8_t cmd,
                                              const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> rq(1 + data.size());
  rq[0] = cmd;
  std::copy(data.begin(), data.end(), rq.begin() + 1);
  std::array<std::uint8_t, 256> rs{};
  std::lock_guard lock(mutex_);
  auto* ctx = static_cast<ipmi_ctx_t>(ctx_);
  const int n = ipmi_cmd_raw(ctx, 0, netfn, rq.data(), static_cast<unsigned>(rq.size()), rs.data(),
                             static_cast<unsigned>(rs.size()));
  if (n < 2) throw std::runtime_error(where_ + ": " + ipmi_ctx_errormsg(ctx));
  return {rs.begin() + 1, rs.begin() + n};  // drop the echoed command byte
}

namespace {

/// One full sensor record in watts, with what decoding a raw reading takes.
struct WattSensor {
  std::string name;
  std::uint8_t number = 0, lun = 0, entity = 0;
  std::int8_t r_exp = 0, b_exp = 0;
  std::int16_t m = 0, b = 0;
  std::uint8_t linearization = 0, format = 0;
  double resolution = 0;
};

// The SDR repository, record by record (Reserve SDR Repository, then Get SDR: the 5-byte header,
// then the body in 16-byte pieces, which every BMC can return). A cancelled reservation (the
// repository changed) is renewed and the piece asked again.
std::vector<std::vector<std::uint8_t>> read_sdr(IpmiClient& c) {
  const auto reserve = [&] {
    const auto r = c.command(kNetFnStorage, 0x22, {});
    if (r.empty() || r[0] != 0 || r.size() < 3)
      throw std::runtime_error(c.where() + ": Reserve SDR Repository answered " +
                               ipmi_completion_code(r.empty() ? 0xff : r[0]));
    return std::array<std::uint8_t, 2>{r[1], r[2]};
  };
  auto reservation = reserve();
  std::vector<std::vector<std::uint8_t>> out;
  std::uint16_t id = 0, next = 0;
  const auto get = [&](std::size_t offset, std::size_t len) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto r = c.command(kNetFnStorage, 0x23,
                               {reservation[0], reservation[1], static_cast<std::uint8_t>(id & 0xff),
                                static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(offset),
                                static_cast<std::uint8_t>(len)});
      if (!r.empty() && r[0] == 0xc5) {
        reservation = reserve();
        continue;
      }
      if (r.empty() || r[0] != 0 || r.size() < 3)
        throw std::runtime_error(c.where() + ": Get SDR (record " + std::to_string(id) + ") answered " +
                                 ipmi_completion_code(r.empty() ? 0xff : r[0]));
      next = static_cast<std::uint16_t>(r[1] | (r[2] << 8));
      return std::vector<std::uint8_t>(r.begin() + 3, r.end());
    }
    throw std::runtime_error(c.where() + ": the SDR repository kept changing while it was read");
  };
  for (std::size_t guard = 0; id != 0xffff && guard < 4096; ++guard) {
    auto record = get(0, 5);
    if (record.size() < 5) break;
    const std::size_t size = 5 + record[4];
    while (record.size() < size) {
      const auto piece = get(record.size(), std::min<std::size_t>(16, size - record.size()));
      if (piece.empty()) break;
      record.insert(record.end(), piece.begin(), piece.end());
    }
    out.push_back(std::move(record));
    if (next == id) break;
    id = next;
  }
  return out;
}

// Threshold sensors of the BMC itself (owner 0x20) in plain watts: no rate, no modifier unit.
std::vector<WattSensor> watt_sensors(const std::vector<std::vector<std::uint8_t>>& records) {
  std::unique_ptr<std::remove_pointer_t<ipmi_sdr_ctx_t>, void (*)(ipmi_sdr_ctx_t)> sdr(ipmi_sdr_ctx_create(),
                                                                                       ipmi_sdr_ctx_destroy);
  if (!sdr) throw std::runtime_error("cannot create an SDR context (out of memory)");
  std::vector<WattSensor> out;
  for (const auto& rec : records) {
    const auto* p = rec.data();
    const auto n = static_cast<unsigned>(rec.size());
    std::uint16_t record_id = 0;
    std::uint8_t type = 0, code = 0, percentage = 0, modifier = 0, rate = 0, base = 0, modifier_unit = 0;
    std::uint8_t owner_type = 0, owner = 0, channel = 0, instance = 0, instance_type = 0;
    WattSensor s;
    if (ipmi_sdr_parse_record_id_and_type(sdr.get(), p, n, &record_id, &type) < 0 ||
        type != IPMI_SDR_FORMAT_FULL_SENSOR_RECORD)
      continue;
    if (ipmi_sdr_parse_event_reading_type_code(sdr.get(), p, n, &code) < 0 ||
        code != IPMI_EVENT_READING_TYPE_CODE_THRESHOLD ||
        ipmi_sdr_parse_sensor_units(sdr.get(), p, n, &percentage, &modifier, &rate, &base, &modifier_unit) <
            0 ||
        base != IPMI_SENSOR_UNIT_WATTS || percentage != 0 || rate != IPMI_SENSOR_RATE_UNIT_NONE ||
        modifier != IPMI_SDR_MODIFIER_UNIT_NONE)
      continue;
    if (ipmi_sdr_parse_sensor_owner_id(sdr.get(), p, n, &owner_type, &owner) < 0 || owner_type != 0 ||
        owner != 0x10 ||  // freeipmi gives the 7-bit slave address: 0x20 >> 1
        ipmi_sdr_parse_sensor_owner_lun(sdr.get(), p, n, &s.lun, &channel) < 0 ||
        ipmi_sdr_parse_sensor_number(sdr.get(), p, n, &s.number) < 0 ||
        ipmi_sdr_parse_entity_id_instance_type(sdr.get(), p, n, &s.entity, &instance, &instance_type) < 0 ||
        ipmi_sdr_parse_sensor_decoding_data(sdr.get(), p, n, &s.r_exp, &s.b_exp, &s.m, &s.b, &s.linearization,
                                            &s.format) < 0 ||
        s.format == IPMI_SDR_ANALOG_DATA_FORMAT_NOT_ANALOG)
      continue;
    std::array<char, IPMI_SDR_MAX_ID_STRING_LENGTH + 1> name{};
    if (ipmi_sdr_parse_id_string(sdr.get(), p, n, name.data(), name.size() - 1) < 0) continue;
    s.name = name.data();
    ipmi_sensor_decode_resolution(s.r_exp, s.m, &s.resolution);
    out.push_back(std::move(s));
  }
  return out;
}

// Where an SDR power sensor measures, from its name and entity (IPMI 2.0 table 43-13): the whole
// system's input (wall), one supply's (psu), a processor (package), the board; else unknown.
std::string sdr_location(const WattSensor& s) {
  static const std::regex system(R"((total|system|sys|node|platform|consumption|chassis|input power$))",
                                 std::regex::icase);
  static const std::regex supply(R"(^(ps|psu|pws|power ?supply)[ _-]?[0-9])", std::regex::icase);
  if (std::regex_search(s.name, supply) || s.entity == 0x0a) return "psu";
  if (std::regex_search(s.name, system) || s.entity == 0x15 || s.entity == 0x17) return "wall";
  if (s.entity == 0x03) return "package";
  if (s.entity == 0x07) return "board";
  return "unknown";
}

int location_rank(const std::string& where) {
  return where == "wall" ? 0 : where == "psu" ? 1 : where == "board" ? 2 : where == "package" ? 3 : 4;
}

PolledValue read_watts(IpmiClient& c, const WattSensor& s) {
  PolledValue v;
  try {
    const auto r = c.command(kNetFnSensor, 0x2d, {s.number});
    if (r.empty() || r[0] != 0 || r.size() < 3) {
      v.error =
          "Get Sensor Reading of '" + s.name + "' answered " + ipmi_completion_code(r.empty() ? 0xff : r[0]);
    } else if ((r[2] & 0x20) != 0 || (r[2] & 0x40) == 0) {
      v.error = "'" + s.name + "' has no reading now (reading unavailable or scanning disabled)";
    } else if (ipmi_sensor_decode_value(s.r_exp, s.b_exp, s.m, s.b, s.linearization, s.format, r[1],
                                        &v.value) < 0) {
      v.error = "'" + s.name + "': cannot decode raw reading " + std::to_string(r[1]);
    } else {
      v.ok = true;
    }
  } catch (const std::exception& e) {
    v.error = e.what();
  }
  return v;
}

PolledValue read_dcmi(IpmiClient& c) {
  PolledValue v;
  try {
    const auto d = decode_dcmi_power_reading(c.command(kNetFnGroup, 0x02, {0xdc, 0x01, 0x00, 0x00}));
    if (!d.active) {
      v.error = "DCMI power measurement is not active on the BMC";
    } else {
      v.ok = true;
      v.value = d.current_w;
      v.device_time_s = d.bmc_time;
    }
  } catch (const std::exception& e) {
    v.error = e.what();
  }
  return v;
}

}  // namespace

std::vector<std::unique_ptr<Sensor>> open_ipmi_meter(const MeterUrl& url, const MeterOptions& options,
                                                     std::vector<Probe>& probes) {
  auto client = std::make_shared<IpmiClient>(url, options);
  const auto interval =
      std::chrono::microseconds(static_cast<long long>(options.poll_interval_s.value_or(1.0) * 1e6));
  std::vector<std::unique_ptr<Sensor>> out;
  // DCMI first: the platform's input power as the BMC keeps it.
  const PolledValue dcmi = read_dcmi(*client);
  std::string dcmi_why = dcmi.error;
  if (dcmi.ok) {
    PolledSensorSpec spec;
    spec.name = "ipmi:" + url.host + "/dcmi";
    spec.domain = "platform";
    spec.location = "wall";
    spec.path = url.str() + " DCMI Get Power Reading (current power, watts)";
    spec.interval = interval;
    spec.stall_s = options.stall_s;
    spec.resolution = 1.0;  // DCMI reports whole watts
    out.push_back(PolledSensor::open(
        spec, [client] { return read_dcmi(*client); }, url.str(), probes));
  } else {
    probes.push_back(Probe::sensor("ipmi:" + url.host + "/dcmi", "measured", "platform",
                                   url.str() + " DCMI Get Power Reading", 0)
                         .because(dcmi_why));
  }
  auto sensors = watt_sensors(read_sdr(*client));
  std::stable_sort(sensors.begin(), sensors.end(), [](const WattSensor& a, const WattSensor& b) {
    return location_rank(sdr_location(a)) < location_rank(sdr_location(b));
  });
  for (const auto& s : sensors) {
    PolledSensorSpec spec;
    spec.name = "ipmi:" + url.host + "/sdr/" + std::to_string(s.number);
    spec.domain = "sdr";
    spec.location = sdr_location(s);
    spec.path = url.str() + " SDR sensor " + std::to_string(s.number) + " '" + s.name + "' (watts)";
    spec.interval = interval;
    spec.stall_s = options.stall_s;
    spec.resolution = std::abs(s.resolution);
    try {
      out.push_back(PolledSensor::open(
          spec, [client, s] { return read_watts(*client, s); }, url.str(), probes));
    } catch (const std::exception& e) {
      probes.push_back(Probe::sensor(spec.name, "measured", spec.domain, spec.path, 0).because(e.what()));
    }
  }
  if (out.empty())
    throw std::runtime_error(
        url.str() + " has no power reading: DCMI Get Power Reading failed (" + dcmi_why +
        ") and the SDR has no readable threshold sensor in watts; is this the server's BMC?");
  return out;
}

}  // namespace detail
}  // namespace joulebench::power
