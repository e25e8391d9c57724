// Redfish meters: the client, the chassis's power and energy sensors, and where its limit is.
#include "detail/redfish.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <regex>
#include <stdexcept>

#include "detail/actuator_support.hpp"
#include "detail/meter_poll.hpp"

namespace joulebench::power::detail {
namespace {

using json = nlohmann::json;

// The service's own words from a Redfish error body (error.message, @Message.ExtendedInfo).
std::string redfish_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return {};
  const json& e = j["error"];
  std::string m = e.value("message", "");
  if (e.contains("@Message.ExtendedInfo") && e["@Message.ExtendedInfo"].is_array())
    for (const auto& x : e["@Message.ExtendedInfo"])
      if (x.is_object() && x.contains("Message") && x["Message"].is_string())
        m += (m.empty() ? "" : "; ") + x["Message"].get<std::string>();
  return m;
}

// ISO 8601 durations as Redfish writes intervals: "PT0.25S", "PT1M", "PT1H2M3.5S".
std::optional<double> iso_duration_s(const json& v) {
  if (!v.is_string()) return std::nullopt;
  static const std::regex form(R"(^P(?:([0-9.]+)D)?(?:T(?:([0-9.]+)H)?(?:([0-9.]+)M)?(?:([0-9.]+)S)?)?$)");
  std::smatch m;
  const std::string s = v.get<std::string>();
  if (!std::regex_match(s, m, form)) return std::nullopt;
  double total = 0;
  const double unit[] = {86400, 3600, 60, 1};
  for (int i = 0; i < 4; ++i)
    if (m[i + 1].matched) total += std::stod(m[i + 1]) * unit[i];
  return total > 0 ? std::optional<double>(total) : std::nullopt;
}

// Where a Redfish power reading sits: a chassis total is what its power supplies draw, the
// server at the wall; one supply's input is that supply's.
std::string redfish_location(const json& sensor) {
  const std::string physical = sensor.value("PhysicalContext", "");
  if (physical == "PowerSupply") return "psu";
  if (physical == "CPU" || physical == "CPUSubsystem") return "package";
  if (physical == "Chassis" || physical.empty()) return "wall";
  return "board";
}

const json& at_pointer(const json& doc, const std::string& pointer) {
  static const json null_value;
  const json::json_pointer p(pointer);
  return doc.contains(p) ? doc.at(p) : null_value;
}

struct PowerSource {
  std::string resource, pointer, location = "wall";
  std::optional<double> interval_s;
};

// The chassis's EnvironmentMetrics: its path and document, when it has one.
struct Metrics {
  std::string path;
  json doc;
};
std::optional<Metrics> environment_metrics(RedfishClient& c, const json& chassis) {
  if (!chassis.contains("EnvironmentMetrics")) return std::nullopt;
  const std::string path = chassis["EnvironmentMetrics"].value("@odata.id", "");
  return Metrics{path, c.get(path)};
}

// EnvironmentMetrics.PowerWatts (the Sensor it names, for its location and interval), else the
// legacy Power resource.
PowerSource find_power(RedfishClient& c, const std::string& chassis, const json& doc,
                       const std::optional<Metrics>& metrics) {
  PowerSource src;
  if (metrics) {
    const json& pw = at_pointer(metrics->doc, "/PowerWatts");
    if (pw.is_object() && pw.contains("DataSourceUri") && pw["DataSourceUri"].is_string()) {
      src.resource = pw["DataSourceUri"].get<std::string>();
      const json sensor = c.get(src.resource);
      src.pointer = "/Reading";
      src.location = redfish_location(sensor);
      src.interval_s = iso_duration_s(sensor.value("SensingInterval", json()));
      return src;
    }
    if (pw.is_object()) return {metrics->path, "/PowerWatts/Reading", "wall", std::nullopt};
  }
  if (doc.contains("Power")) {
    src.resource = doc["Power"].value("@odata.id", chassis + "/Power");
    const json power = c.get(src.resource);
    if (at_pointer(power, "/PowerControl/0/PowerConsumedWatts").is_number() ||
        at_pointer(power, "/PowerControl/0").is_object()) {
      src.pointer = "/PowerControl/0/PowerConsumedWatts";
      return src;
    }
  }
  throw std::runtime_error(c.url(chassis) +
                           " has no power reading: looked for EnvironmentMetrics PowerWatts and "
                           "Power PowerControl[0].PowerConsumedWatts; name the chassis that holds the "
                           "power supplies (GET /redfish/v1/Chassis lists them)");
}

// An ISO 8601 date-time as Redfish writes it (2019-08-13T04:14:33+06:00, fractions and Z
// allowed) in Unix seconds; none when it is not one.
std::optional<double> iso8601_s(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double seconds = static_cast<double>(::timegm(&tm));
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < text.size() && text[i] == '.') {
    const std::size_t end = text.find_first_not_of("0123456789", i + 1);
    seconds += std::stod("0" + text.substr(i, end - i));
    i = end == std::string::npos ? text.size() : end;
  }
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int hours = 0, minutes = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
    seconds -= (text[i] == '+' ? 1 : -1) * (hours * 3600.0 + minutes * 60.0);
  } else if (i >= text.size() || text[i] != 'Z') {
    return std::nullopt;
  }
  return seconds;
}

PolledValue poll_reading(RedfishClient& c, const std::string& resource, const std::string& pointer,
                         double scale) {
  PolledValue v;
  try {
    const json doc = c.get(resource);
    const json& r = at_pointer(doc, pointer);
    if (!r.is_number()) {
      v.error = c.url(resource) + " " + pointer + " is " + (r.is_null() ? "null" : r.dump()) +
                " (the BMC has no reading now)";
      return v;
    }
    v.ok = true;
    v.value = r.get<double>() * scale;
    // The Sensor's own stamp of its reading, beside it (Reading -> ReadingTime).
    if (pointer.ends_with("/Reading")) {
      const json& t = at_pointer(doc, pointer + "Time");
      if (t.is_string()) v.device_time_s = iso8601_s(t.get<std::string>());
    }
  } catch (const std::exception& e) {
    v.error = e.what();
  }
  return v;
}

}  // namespace

RedfishClient::RedfishClient(const MeterUrl& url, const MeterOptions& options)
    : meter_(url),
      base_((url.tls() ? "https://" : "http://") + url.host + ":" + std::to_string(url.port)),
      http_(std::make_unique<HttpClient>(
          HttpOptions{!options.insecure, options.ca_file, options.timeout_s, {}, {}})) {
  if (!options.credentials) return;
  const auto& cr = *options.credentials;
  const json login{{"UserName", cr.user}, {"Password", cr.password}};
  const HttpResponse r = http_->request("POST", base_ + "/redfish/v1/SessionService/Sessions", login.dump());
  if (r.status == 0 || r.status == 401 || r.status == 403)
    fail("POST", "/redfish/v1/SessionService/Sessions", r);
  if (r.status / 100 == 2 && !r.auth_token.empty()) {
    token_ = r.auth_token;
    session_ = r.location;
    return;
  }
  // No session service here: basic auth on every request.
  http_ = std::make_unique<HttpClient>(
      HttpOptions{!options.insecure, options.ca_file, options.timeout_s, cr.user, cr.password});
}

RedfishClient::~RedfishClient() {
  if (session_.empty()) return;
  // A session left open holds one of the BMC's few slots until it times out.
  const std::string path = session_.rfind("http", 0) == 0 ? session_ : base_ + session_;
  (void)http_->request("DELETE", path, {}, headers());
}

std::vector<std::string> RedfishClient::headers() const {
  std::vector<std::string> h{"OData-Version: 4.0"};
  if (!token_.empty()) h.push_back("X-Auth-Token: " + token_);
  return h;
}

void RedfishClient::fail(const std::string& method, const std::string& path, const HttpResponse& r) const {
  const std::string where = meter_.origin() + path;
  if (r.status == 0) {
    if (r.error.rfind("TLS", 0) == 0)
      throw std::runtime_error(
          where + ": " + r.error +
          "; give the BMC's CA certificate with --meter-ca FILE, or --insecure to skip verification "
          "(then nothing proves the readings come from that BMC)");
    throw std::runtime_error(
        where + ": cannot reach the meter (" + r.error +
        "); check the host and port, and that it serves Redfish " +
        (meter_.tls() ? "over HTTPS (redfish+http:// for plain HTTP)" : "over plain HTTP"));
  }
  const std::string said = redfish_message(r.body);
  if (r.status == 401 || r.status == 403)
    throw std::runtime_error(
        where + ": the BMC refused the credentials (HTTP " + std::to_string(r.status) + ")" +
        (said.empty() ? "" : ": " + said) +
        "; check --meter-credentials FILE or JOULEBENCH_METER_USER / JOULEBENCH_METER_PASSWORD");
  throw std::runtime_error(where + ": " + method + " answered HTTP " + std::to_string(r.status) +
                           (said.empty() ? "" : " (" + said + ")"));
}

json RedfishClient::get(const std::string& path) const {
  const HttpResponse r = http_->request("GET", base_ + path, {}, headers());
  if (r.status != 200) fail("GET", path, r);
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::runtime_error(url(path) + " did not answer with a JSON object; is this a Redfish service?");
  return j;
}

void RedfishClient::patch(const std::string& path, const json& body) {
  const HttpResponse r = http_->request("PATCH", base_ + path, body.dump(), headers());
  if (r.status / 100 != 2) fail("PATCH", path, r);
}

namespace {

// EnvironmentMetrics.EnergykWh (or the Sensor it names), when the chassis has one.
std::optional<PowerSource> find_energy(const std::optional<Metrics>& metrics) {
  if (!metrics) return std::nullopt;
  const json& e = at_pointer(metrics->doc, "/EnergykWh");
  if (!e.is_object()) return std::nullopt;
  if (e.contains("DataSourceUri") && e["DataSourceUri"].is_string())
    return PowerSource{e["DataSourceUri"].get<std::string>(), "/Reading", "wall", std::nullopt};
  return PowerSource{metrics->path, "/EnergykWh/Reading", "wall", std::nullopt};
}

// A reading of the chassis polled by `poller` on the sensor's own thread; kWh counters read as joules.
std::unique_ptr<Sensor> polled_sensor(const MeterUrl& url, const MeterOptions& options,
                                      std::shared_ptr<RedfishClient> poller, const PowerSource& src,
                                      const std::string& what, double interval_s,
                                      std::vector<Probe>& probes) {
  const bool energy = what == "energy";
  PolledSensorSpec spec;
  spec.name = "redfish:" + url.host + "/" + url.id() + "/" + what;
  spec.domain = "chassis";
  spec.location = src.location;
  spec.counter = energy;
  spec.path = url.origin() + src.resource + "#" + src.pointer;
  spec.interval = std::chrono::microseconds(static_cast<long long>(interval_s * 1e6));
  spec.stall_s = options.stall_s;
  // SensingInterval is how often the BMC samples, not an average: the reading is instantaneous.
  const double scale = energy ? 3.6e6 : 1.0;  // kWh -> J
  return PolledSensor::open(
      spec, [poller, src, scale] { return poll_reading(*poller, src.resource, src.pointer, scale); },
      url.str(), probes);
}

}  // namespace

std::vector<std::unique_ptr<Sensor>> open_redfish_meter(const MeterUrl& url, const MeterOptions& options,
                                                        std::vector<Probe>& probes) {
  auto client = std::make_shared<RedfishClient>(url, options);
  const json chassis = client->get(url.path);
  const std::string type = chassis.value("@odata.type", "");
  if (type.find("Chassis") == std::string::npos)
    throw std::runtime_error(client->url(url.path) + " is not a Chassis (its @odata.type is '" + type +
                             "'); give /redfish/v1/Chassis/ID");
  const auto metrics = environment_metrics(*client, chassis);
  const PowerSource src = find_power(*client, url.path, chassis, metrics);
  const double interval = std::max(0.05, options.poll_interval_s.value_or(src.interval_s.value_or(1.0)));
  std::vector<std::unique_ptr<Sensor>> out;
  // The client that found the power polls it; each further sensor polls on a client of its own.
  out.push_back(polled_sensor(url, options, client, src, "power", interval, probes));
  // The chassis's energy where it counts it (EnvironmentMetrics.EnergykWh): listed beside the
  // power, which stays the primary (kWh readings resolve too coarsely for short windows).
  if (const auto energy = find_energy(metrics))
    out.push_back(polled_sensor(url, options, std::make_shared<RedfishClient>(url, options), *energy,
                                "energy", interval, probes));
  return out;
}

RedfishLimit find_redfish_limit(RedfishClient& c, const std::string& chassis) {
  const json doc = c.get(chassis);
  RedfishLimit l;
  if (doc.contains("Controls")) {
    const std::string path = doc["Controls"].value("@odata.id", chassis + "/Controls") + "/PowerLimit";
    try {
      const json ctl = c.get(path);
      if (ctl.value("ControlType", "") == "Power" && ctl["SetPoint"].is_number()) {
        l.resource = path;
        l.pointer = "/SetPoint";
        l.value = ctl["SetPoint"].get<double>();
        l.min = ctl.value("AllowableMin", 0.0);
        l.max = ctl.value("AllowableMax", l.value);
        return l;
      }
    } catch (const std::runtime_error&) {
      // no PowerLimit control: said below
    }
  }
  throw std::runtime_error(c.url(chassis) +
                           " has no power limit to set: looked for Controls/PowerLimit (ControlType Power, "
                           "SetPoint); the legacy Power PowerControl[].PowerLimit is not set by joulebench "
                           "(BMCs differ on how a PATCH of an array member applies)");
}

namespace {

// The limit in force, read back from the BMC.
double limit_value(const RedfishClient& c, const RedfishLimit& l) {
  const json doc = c.get(l.resource);
  const json& v = at_pointer(doc, l.pointer);
  if (!v.is_number()) throw std::runtime_error(c.url(l.resource) + "#" + l.pointer + " is not a number");
  return v.get<double>();
}

// The chassis power limit: SetPoint of Controls/PowerLimit, journalled before the first PATCH.
class RedfishLimitActuator final : public Actuator {
 public:
  RedfishLimitActuator(const MeterUrl& url, const MeterOptions& options, CapJournal& journal)
      : url_(url), client_(url, options), journal_(journal), limit_(find_redfish_limit(client_, url.path)) {}
  std::string name() const override { return "redfish:" + url_.host + "/" + url_.id() + "/limit"; }
  std::string unit() const override { return "W"; }
  bool hardware() const override { return true; }
  double min() const override { return limit_.min; }
  double max() const override { return limit_.max; }
  std::string path() const override { return client_.url(limit_.resource) + "#" + limit_.pointer; }
  double value() const override { return limit_value(client_, limit_); }
  CapResult set(double v) override {
    check_range(*this, v);
    if (!journaled_) journal_.record({name(), "redfish", url_.str(), fmt(value()), {}});
    journaled_ = true;
    client_.patch(limit_.resource, {{"SetPoint", v}});
    return result(v, value(), 0.5);
  }
  void restore() override {
    if (!journaled_) return;
    throw_unless_restored(journal_.restore_own({url_.str()}));
    journaled_ = false;
  }

 private:
  MeterUrl url_;
  RedfishClient client_;
  CapJournal& journal_;
  RedfishLimit limit_;
  bool journaled_ = false;
};

}  // namespace

std::unique_ptr<Actuator> open_redfish_limit(const MeterUrl& url, const MeterOptions& options,
                                             CapJournal& journal) {
  return std::make_unique<RedfishLimitActuator>(url, options, journal);
}

bool put_back_redfish_limit(const MeterUrl& url, double watts, const MeterOptions& options,
                            std::string& error) {
  try {
    RedfishClient c(url, options);
    const RedfishLimit l = find_redfish_limit(c, url.path);
    c.patch(l.resource, {{"SetPoint", watts}});
    const double now = limit_value(c, l);
    if (std::fabs(now - watts) > 0.5) {
      error = c.url(l.resource) + " reads " + fmt(now) + " W after setting " + fmt(watts) + " W";
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace joulebench::power::detail
