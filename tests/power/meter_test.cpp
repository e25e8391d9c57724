// Meters named by URL, tested against DMTF's Redfish mockup server: readings, their location and
// timing, PATCHed traces, the power limit with its journal, and every bad input the issue names.
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

#if JOULEBENCH_WITH_IPMI
#include <freeipmi/freeipmi.h>

#include "joulebench/power/ipmi.hpp"
#endif
#include "joulebench/power/journal.hpp"
#include "joulebench/power/meter.hpp"
#include "joulebench/power/ptd.hpp"
#include "joulebench/power/sampler.hpp"
#include "power/fake_tree.hpp"
#include "power/ipmi_sim.hpp"
#include "power/ptd_replay.hpp"
#include "power/redfish_mockup.hpp"

namespace joulebench::power {
namespace {

using namespace std::chrono_literals;
using testing::FakeTree;
using testing::RedfishMockup;

// Waits up to `seconds` for `pred`.
template <typename Pred>
bool eventually(Pred pred, double seconds = 5) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

TEST(MeterUrl, ParsesEachFormWithItsDefaultPort) {
  const MeterUrl r = parse_meter_url("redfish://bmc.example/redfish/v1/Chassis/1U/");
  EXPECT_EQ(r.scheme, "redfish");
  EXPECT_EQ(r.port, 443);
  EXPECT_EQ(r.path, "/redfish/v1/Chassis/1U");
  EXPECT_TRUE(r.tls());
  EXPECT_EQ(parse_meter_url("redfish+http://10.0.0.2:8000/redfish/v1/Chassis/Self").port, 8000);
  const MeterUrl s = parse_meter_url("snmp://public@pdu1");
  EXPECT_EQ(s.user, "public");
  EXPECT_EQ(s.port, 161);
  EXPECT_EQ(parse_meter_url("ipmi://admin@[::1]").port, 623);
  EXPECT_EQ(parse_meter_url("ptd://127.0.0.1").port, 8888);
}

TEST(MeterUrl, RefusesBadOnesNamingWhy) {
  for (const auto& [url, why] : std::vector<std::pair<std::string, std::string>>{
           {"redfish://admin:secret@bmc/redfish/v1/Chassis/1", "password in the URL"},
           {"http://bmc/redfish/v1/Chassis/1", "unknown scheme 'http'"},
           {"redfish://bmc/redfish/v1/Systems/1", "names its chassis"},
           {"snmp://pdu1", "needs its community"},
           {"ptd://host:70000", "out of 1..65535"},
           {"redfish://bmc /x", "not a meter URL"}}) {
    const std::string e = error_of([&] { (void)parse_meter_url(url); });
    EXPECT_NE(e.find(why), std::string::npos) << url << ": " << e;
    EXPECT_NE(e.find(url), std::string::npos) << e;
  }
}

TEST(MeterCredentials, FromAPrivateFileOrTheEnvironment) {
  FakeTree tree;
  tree.write("/cred", "operator:s3cret\n");
  const auto file = tree.root() / "cred";
  ::chmod(file.c_str(), 0644);
  EXPECT_NE(error_of([&] { (void)load_meter_credentials(file); }).find("chmod 600"), std::string::npos);
  ::chmod(file.c_str(), 0600);
  const auto c = load_meter_credentials(file);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "operator");
  EXPECT_EQ(c->password, "s3cret");
  tree.write("/bad", "no colon here\n");
  ::chmod((tree.root() / "bad").c_str(), 0600);
  EXPECT_NE(error_of([&] { (void)load_meter_credentials(tree.root() / "bad"); }).find("user:password"),
            std::string::npos);
  ::setenv("JOULEBENCH_METER_USER", "env-user", 1);
  ::setenv("JOULEBENCH_METER_PASSWORD", "env-pass", 1);
  const auto e = load_meter_credentials(std::nullopt);
  ::unsetenv("JOULEBENCH_METER_USER");
  ::unsetenv("JOULEBENCH_METER_PASSWORD");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->user, "env-user");
  EXPECT_EQ(e->source, "environment");
}

MeterOptions fast_options() {
  MeterOptions o;
  o.timeout_s = 1;
  o.poll_interval_s = 0.1;
  return o;
}

TEST(RedfishMeter, ReadsTheChassisPowerSensorAndFollowsAPatchedTrace) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  std::vector<Probe> probes;
  auto sensors = open_meter(mock.chassis_url(), fast_options(), probes);
  ASSERT_EQ(sensors.size(), 1u);
  Sensor& s = *sensors[0];
  // EnvironmentMetrics.PowerWatts names Sensors/TotalPower: a chassis total, at the wall.
  EXPECT_EQ(s.location(), "wall");
  EXPECT_EQ(s.provenance(), Provenance::measured);
  EXPECT_FALSE(s.is_counter());
  EXPECT_NE(s.path().find("/Sensors/TotalPower#/Reading"), std::string::npos) << s.path();
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].location, "wall");
  EXPECT_TRUE(eventually([&] { return s.read().ok; }));
  EXPECT_DOUBLE_EQ(s.read().value, 374);  // the mockup's recorded reading
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", 412.5}});
  EXPECT_TRUE(eventually([&] { return s.read().value == 412.5; })) << s.read().value;
  // Each reading carries the time it was taken: the sampler stamps it there.
  const auto r = s.read();
  ASSERT_TRUE(r.at);
  EXPECT_LE(*r.at, std::chrono::steady_clock::now());
  // The Sensor's own ReadingTime is disclosed against this machine's clock: the mockup's says
  // 2019-08-13T04:14:33+06:00 (1565648073 s), so the offset is that minus now.
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(s.device_time_offset_s());
  EXPECT_NEAR(*s.device_time_offset_s(), 1565648073.0 - now, 30);
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"ReadingTime", "2030-01-01T00:00:00.5Z"}});
  EXPECT_TRUE(eventually([&] { return std::abs(*s.device_time_offset_s() - (1893456000.5 - now)) < 30; }));
}

// A trace played through the mockup: 200 W, then 400 W. The sampler integrates the meter's own
// readings; the energy over each half matches the trace to within one poll at each edge.
TEST(RedfishMeter, EnergyOfAWindowComesFromTheMetersReadings) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", 200}});
  std::vector<Probe> probes;
  auto sensors = open_meter(mock.chassis_url(), fast_options(), probes);
  ASSERT_TRUE(eventually([&] { return sensors[0]->read().value == 200; }));
  Sampler sampler({sensors[0].get()}, {});
  sampler.start();
  std::this_thread::sleep_for(1300ms);
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", 400}});
  ASSERT_TRUE(eventually([&] { return sensors[0]->read().value == 400; }, 10));
  std::this_thread::sleep_for(1s);
  const double t1 = sampler.now();
  ASSERT_TRUE(sampler.wait_until_read(t1));
  sampler.stop();
  // The step is where the meter's own readings change, however late the PATCH landed: each side,
  // less one poll interval around it (the trapezoid between the last 200 and the first 400), is flat.
  const Series all = sampler.sensor_series(0);
  ASSERT_GT(all.t.size(), 10u);
  std::size_t first_high = 0;
  while (first_high < all.v.size() && all.v[first_high] != 400) ++first_high;
  ASSERT_LT(first_high, all.v.size());
  ASSERT_GT(first_high, 1u);
  const double t0 = all.t.front(), t_last_low = all.t[first_high - 1], t_first_high = all.t[first_high];
  const auto low = energy_in_window(sampler.sensor_series(0, t0, t_last_low), false, t0, t_last_low);
  const auto high = energy_in_window(sampler.sensor_series(0, t_first_high, t1), false, t_first_high, t1);
  ASSERT_TRUE(low.ok && high.ok);
  EXPECT_NEAR(low.watts, 200, 1e-6);
  EXPECT_NEAR(high.watts, 400, 1e-6);
  EXPECT_EQ(sampler.gaps(0), 0u);
}

TEST(RedfishMeter, ANullReadingIsAGapWithItsReason) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  std::vector<Probe> probes;
  auto sensors = open_meter(mock.chassis_url(), fast_options(), probes);
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", nullptr}});
  MeterOptions o = fast_options();
  // Opening a meter whose reading is null now fails, naming the field.
  const std::string e = error_of([&] { (void)open_meter(mock.chassis_url(), o, probes); });
  EXPECT_NE(e.find("/Reading is null"), std::string::npos) << e;
  // An open meter keeps its last value until the stall limit, then reports the null.
  o.stall_s = 0.3;
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", 300}});
  auto fresh = open_meter(mock.chassis_url(), o, probes);
  mock.patch("/redfish/v1/Chassis/1U/Sensors/TotalPower", {{"Reading", nullptr}});
  EXPECT_TRUE(eventually([&] { return !fresh[0]->read().ok; }));
  EXPECT_NE(fresh[0]->read().error.find("null"), std::string::npos) << fresh[0]->read().error;
}

// EnvironmentMetrics.EnergykWh, where a chassis has it, is an energy counter beside the power; a
// reading below the last is rejected with its reason, and three in a row are taken as a restart.
TEST(RedfishMeter, ChassisEnergyIsACounterAndGoingBackwardsIsFlagged) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  const auto energy_kwh = [&](double kwh) {
    mock.patch("/redfish/v1/Chassis/1U/EnvironmentMetrics", {{"EnergykWh", {{"Reading", kwh}}}});
  };
  energy_kwh(12.5);
  std::vector<Probe> probes;
  auto sensors = open_meter(mock.chassis_url(), fast_options(), probes);
  ASSERT_EQ(sensors.size(), 2u);
  Sensor& e = *sensors[1];
  EXPECT_EQ(e.name(), "redfish:127.0.0.1/1U/energy");
  EXPECT_TRUE(e.is_counter());
  EXPECT_FALSE(sensors[0]->is_counter());  // the power stays the primary
  EXPECT_TRUE(eventually([&] { return e.read().ok; }));
  EXPECT_NEAR(e.read().value, 12.5 * 3.6e6, 1e-3);
  energy_kwh(12.6);
  EXPECT_TRUE(eventually([&] { return std::fabs(e.read().value - 12.6 * 3.6e6) < 1e-3; }));
  energy_kwh(12.0);
  EXPECT_TRUE(eventually([&] { return !e.read().ok; }));
  EXPECT_NE(e.read().error.find("went backwards"), std::string::npos) << e.read().error;
  // Held low for three polls: a restarted counter, continued from the last total.
  EXPECT_TRUE(eventually([&] { return e.read().ok; }));
  EXPECT_NEAR(e.read().value, 12.6 * 3.6e6, 1e-3);
  energy_kwh(12.1);
  EXPECT_TRUE(eventually([&] { return std::fabs(e.read().value - 12.7 * 3.6e6) < 1e-3; })) << e.read().value;
}

// The BMC stops answering (SIGSTOP: its socket accepts, nothing replies). The sampler is never
// held up; once the stall limit passes the readings are gaps naming the stall, and they resume.
TEST(RedfishMeter, AStalledMeterGivesFlaggedGapsNotAHungSampler) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  MeterOptions o = fast_options();
  o.timeout_s = 2;  // each poll of the stopped server blocks 2 s: a sampler that waited on it would show that
  o.stall_s = 0.6;
  std::vector<Probe> probes;
  auto sensors = open_meter(mock.chassis_url(), o, probes);
  Sampler sampler({sensors[0].get()}, {});
  sampler.start();
  std::this_thread::sleep_for(300ms);
  mock.pause();
  const bool flagged = eventually([&] { return !sensors[0]->read().ok; }, 10);
  const std::string why = sensors[0]->read().error;
  std::this_thread::sleep_for(2500ms);  // through at least one whole blocked poll
  mock.resume();
  EXPECT_TRUE(flagged);
  EXPECT_NE(why.find("no new reading"), std::string::npos) << why;
  EXPECT_TRUE(eventually([&] { return sensors[0]->read().ok; }, 10));
  sampler.stop();
  EXPECT_GT(sampler.gaps(0), 0u);
  // The sampler's loop never waited on the network: its longest gap is well under one blocked poll.
  EXPECT_LT(sampler.stats().max_gap_ms, 1000.0);
}

TEST(RedfishMeter, UnreachableNotAChassisAndRefusedCredentialsAreClearErrors) {
  std::vector<Probe> probes;
  const int closed = testing::free_port();
  const std::string unreachable = error_of([&] {
    (void)open_meter("redfish+http://127.0.0.1:" + std::to_string(closed) + "/redfish/v1/Chassis/1U",
                     fast_options(), probes);
  });
  EXPECT_NE(unreachable.find("cannot reach the meter"), std::string::npos) << unreachable;
  testing::RefusingPeer peer;
  MeterOptions o = fast_options();
  o.credentials = MeterCredentials{"operator", "wrong", "test"};
  const std::string refused = error_of([&] {
    (void)open_meter("redfish+http://127.0.0.1:" + std::to_string(peer.port()) + "/redfish/v1/Chassis/1U", o,
                     probes);
  });
  EXPECT_NE(refused.find("refused the credentials (HTTP 401)"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Invalid username or password"), std::string::npos) << refused;
  EXPECT_EQ(refused.find("wrong"), std::string::npos) << "the password must not be printed: " << refused;
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  const std::string system = error_of([&] {
    (void)open_meter("redfish+http://127.0.0.1:" + std::to_string(mock.port()) + "/redfish/v1/Chassis/Nope",
                     fast_options(), probes);
  });
  EXPECT_NE(system.find("HTTP 404"), std::string::npos) << system;
}

// HTTPS with a self-signed certificate: refused by default, naming TLS and the two ways on;
// accepted with the certificate as the CA, and with --insecure.
TEST(RedfishMeter, TlsIsVerifiedUnlessToldOtherwise) {
  FakeTree tree;
  const auto cert = tree.root() / "bmc.pem", key = tree.root() / "bmc.key";
  const auto gen = testing::run_shell(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost -keyout " +
      key.string() + " -out " + cert.string());
  if (gen.exit_code != 0) GTEST_SKIP() << "openssl could not make a certificate: " << gen.output;
  RedfishMockup mock(cert.string(), key.string());
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  std::vector<Probe> probes;
  const std::string e = error_of([&] { (void)open_meter(mock.chassis_url(true), fast_options(), probes); });
  EXPECT_NE(e.find("TLS"), std::string::npos) << e;
  EXPECT_NE(e.find("--meter-ca"), std::string::npos) << e;
  MeterOptions with_ca = fast_options();
  with_ca.ca_file = cert;
  EXPECT_EQ(open_meter(mock.chassis_url(true), with_ca, probes).size(), 1u);
  MeterOptions insecure = fast_options();
  insecure.insecure = true;
  EXPECT_EQ(open_meter(mock.chassis_url(true), insecure, probes).size(), 1u);
}

// The chassis limit: set, read back, restored at the end; and after the process that set it is
// killed, put back from the journal.
TEST(RedfishLimit, SetReadBackAndRestoredIncludingFromTheJournal) {
  RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  FakeTree tree;
  CapJournal journal(tree.root() / "journal/caps.json", SysfsRoot(tree.root()));
  {
    auto limit = open_meter_power_limit(mock.chassis_url(), fast_options(), journal);
    EXPECT_EQ(limit->unit(), "W");
    EXPECT_DOUBLE_EQ(limit->value(), 500);  // the mockup's SetPoint
    EXPECT_DOUBLE_EQ(limit->min(), 150);
    EXPECT_DOUBLE_EQ(limit->max(), 1000);
    EXPECT_NE(error_of([&] { limit->set(100); }).find("outside its range [150, 1000]"), std::string::npos);
    const CapResult r = limit->set(320);
    EXPECT_DOUBLE_EQ(r.in_force, 320);
    EXPECT_DOUBLE_EQ(mock.get("/redfish/v1/Chassis/1U/Controls/PowerLimit")["SetPoint"].get<double>(), 320);
    ASSERT_EQ(journal.entries().size(), 1u);
    EXPECT_EQ(journal.entries()[0].kind, "redfish");
    EXPECT_EQ(journal.entries()[0].original, "500");
    limit->restore();
  }
  EXPECT_DOUBLE_EQ(mock.get("/redfish/v1/Chassis/1U/Controls/PowerLimit")["SetPoint"].get<double>(), 500);
  EXPECT_TRUE(journal.entries().empty());
  // A process that set the limit and was killed leaves it in the journal; restore puts it back.
  const std::string env = "JOULEBENCH_JOURNAL=" + (tree.root() / "journal/cli.json").string() + " ";
  std::filesystem::create_directories(tree.root() / "journal");
  ::chmod((tree.root() / "journal").c_str(), 0700);
  const auto killed = testing::run_shell(env + "timeout -s KILL 3 " + JOULEBENCH_BINARY + " cap " +
                                         "redfish:127.0.0.1/1U/limit=250W --allow-hw-caps --meter " +
                                         mock.chassis_url() + " -- sleep 30");
  EXPECT_NE(killed.exit_code, 0) << killed.output;
  EXPECT_DOUBLE_EQ(mock.get("/redfish/v1/Chassis/1U/Controls/PowerLimit")["SetPoint"].get<double>(), 250);
  const auto restored = testing::run_shell(env + JOULEBENCH_BINARY + " restore");
  EXPECT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("restored redfish:127.0.0.1/1U/limit"), std::string::npos)
      << restored.output;
  EXPECT_DOUBLE_EQ(mock.get("/redfish/v1/Chassis/1U/Controls/PowerLimit")["SetPoint"].get<double>(), 500);
}

// The recorded walk of a real Raritan Dominion PX served by snmpsim: the inlet's and an outlet's
// power equal what snmpget prints, scaled by the PDU's own decimal digits.
TEST(SnmpMeter, RaritanInletAndOutletPowerEqualWhatSnmpgetPrints) {
  if (!JOULEBENCH_WITH_SNMP) GTEST_SKIP() << "this build has no SNMP meters (JOULEBENCH_WITH_SNMP=OFF)";
  testing::SnmpSim sim;
  if (!sim.skip().empty()) GTEST_SKIP() << sim.skip();
  const std::string url = "snmp://raritan-pdu@127.0.0.1:" + std::to_string(sim.port());
  const auto oracle = [&](const std::string& value, const std::string& digits) {
    return std::stod(sim.get(value)) / std::pow(10.0, std::stod(sim.get(digits)));
  };
  std::vector<Probe> probes;
  auto inlet = open_meter(url, fast_options(), probes);
  ASSERT_EQ(inlet.size(), 1u);
  EXPECT_EQ(inlet[0]->name(), "snmp:127.0.0.1/inlet1");
  EXPECT_EQ(inlet[0]->location(), "wall");
  const double inlet_w = oracle("1.3.6.1.4.1.13742.6.5.2.3.1.4.1.1.5", "1.3.6.1.4.1.13742.6.3.3.4.1.7.1.1.5");
  EXPECT_DOUBLE_EQ(inlet_w, 138);  // the README's figure for this recording
  EXPECT_TRUE(eventually([&] { return inlet[0]->read().ok; }));
  EXPECT_DOUBLE_EQ(inlet[0]->read().value, inlet_w);
  auto outlet = open_meter(url + "/outlet/3", fast_options(), probes);
  EXPECT_EQ(outlet[0]->name(), "snmp:127.0.0.1/outlet3");
  EXPECT_DOUBLE_EQ(outlet[0]->read().value,
                   oracle("1.3.6.1.4.1.13742.6.5.4.3.1.4.1.3.5", "1.3.6.1.4.1.13742.6.3.5.4.1.7.1.3.5"));
  // A wrong community gets no answer at all (SNMP v2c says nothing): the error names the timeout.
  const std::string wrong = error_of([&] {
    (void)open_meter("snmp://nobody@127.0.0.1:" + std::to_string(sim.port()), fast_options(), probes);
  });
  EXPECT_NE(wrong.find("no answer (timeout)"), std::string::npos) << wrong;
  // By the name the PDU gives the outlet (PDU2-MIB outletName, as snmpget prints it): the same one.
  EXPECT_EQ(sim.get("1.3.6.1.4.1.13742.6.3.5.3.1.3.1.3"), "\"OUTLET3\"");
  auto named = open_meter(url + "/outlet/OUTLET3", fast_options(), probes);
  EXPECT_EQ(named[0]->name(), "snmp:127.0.0.1/outlet3");
  EXPECT_DOUBLE_EQ(named[0]->read().value, outlet[0]->read().value);
  EXPECT_NE(named[0]->path().find("named OUTLET3"), std::string::npos) << named[0]->path();
  const std::string unnamed =
      error_of([&] { (void)open_meter(url + "/outlet/web01", fast_options(), probes); });
  EXPECT_NE(unnamed.find("no outlet is named 'web01'"), std::string::npos) << unnamed;
  EXPECT_NE(unnamed.find("OUTLET12"), std::string::npos) << unnamed;
  const std::string missing = error_of([&] { (void)open_meter(url + "/outlet/99", fast_options(), probes); });
  EXPECT_NE(missing.find("no PDU power reading"), std::string::npos) << missing;
  // The community is a shared secret: in no name, path or message.
  for (const std::string& text : {inlet[0]->name(), inlet[0]->path(), wrong, missing, probes[0].path})
    EXPECT_EQ(text.find("raritan-pdu"), std::string::npos) << text;
  EXPECT_EQ(parse_meter_url(url).str(), "snmp://127.0.0.1:" + std::to_string(sim.port()));
}

#if JOULEBENCH_WITH_IPMI
MeterOptions ipmi_options(const std::string& user = testing::IpmiSim::kUser,
                          const std::string& password = testing::IpmiSim::kPassword) {
  MeterOptions o = fast_options();
  o.credentials = MeterCredentials{user, password, "test"};
  return o;
}

TEST(IpmiMeter, SdrPowerSensorsEqualWhatIpmitoolPrintsAndFollowTheirFiles) {
  testing::IpmiSim sim;
  if (!sim.skip().empty()) GTEST_SKIP() << sim.skip();
  std::vector<Probe> probes;
  auto sensors = open_meter(sim.url(), ipmi_options(), probes);
  // Two sensors in watts (the temperature is not one); the system's total first, then the supply.
  ASSERT_EQ(sensors.size(), 2u);
  EXPECT_EQ(sensors[0]->name(), "ipmi:127.0.0.1/sdr/1");
  EXPECT_EQ(sensors[0]->location(), "wall");
  EXPECT_EQ(sensors[0]->resolution(), 4.0);  // M = 4: one raw step is 4 W
  EXPECT_EQ(sensors[1]->name(), "ipmi:127.0.0.1/sdr/2");
  EXPECT_EQ(sensors[1]->location(), "psu");
  EXPECT_EQ(sensors[0]->provenance(), Provenance::measured);
  // ipmi_sim has no DCMI: the probe says so with the BMC's answer.
  const auto dcmi =
      std::find_if(probes.begin(), probes.end(), [](const Probe& p) { return p.name.ends_with("/dcmi"); });
  ASSERT_NE(dcmi, probes.end());
  EXPECT_FALSE(dcmi->available);
  EXPECT_NE(dcmi->reason.find("DCMI Get Power Reading answered 0x"), std::string::npos) << dcmi->reason;
  const auto agrees = [&](Sensor& s, const std::string& name) {
    const std::string o = sim.oracle(name);
    const auto r = s.read();
    return !o.empty() && r.ok && std::stod(o) == r.value;
  };
  EXPECT_TRUE(eventually([&] { return agrees(*sensors[0], "Pwr Consumption"); }));
  EXPECT_EQ(sensors[0]->read().value, 300);
  EXPECT_TRUE(eventually([&] { return agrees(*sensors[1], "PS1 Input Power"); }));
  EXPECT_EQ(sensors[1]->read().value, 150);  // (2 * 70 + 10): the record's B counts
  sim.set_watts("total", 437);               // 109.25 raw steps: the BMC keeps 109, so 436 W
  EXPECT_TRUE(
      eventually([&] { return sensors[0]->read().value == 436 && agrees(*sensors[0], "Pwr Consumption"); }));
}

TEST(IpmiMeter, WrongCredentialsUnreachableBmcAndNoPasswordAreClearErrors) {
  testing::IpmiSim sim;
  if (!sim.skip().empty()) GTEST_SKIP() << sim.skip();
  std::vector<Probe> probes;
  const auto error = [&](const std::string& url, const MeterOptions& o) {
    return error_of([&] { (void)open_meter(url, o, probes); });
  };
  const std::string password = error(sim.url(), ipmi_options(testing::IpmiSim::kUser, "wrong"));
  EXPECT_NE(password.find("wrong password"), std::string::npos) << password;
  const std::string user = error("ipmi://nobody@127.0.0.1:" + std::to_string(sim.port()), ipmi_options());
  EXPECT_NE(user.find("cannot open an IPMI 2.0 session"), std::string::npos) << user;
  const std::string none =
      error("ipmi://jbuser@127.0.0.1:" + std::to_string(testing::free_port(SOCK_DGRAM)), ipmi_options());
  EXPECT_NE(none.find("no answer; check the host and port"), std::string::npos) << none;
  const std::string missing = error(sim.url(), fast_options());
  EXPECT_NE(missing.find("--meter-credentials"), std::string::npos) << missing;
  for (const std::string& text : {password, user, none, missing})
    EXPECT_EQ(text.find(testing::IpmiSim::kPassword), std::string::npos) << text;
}

// DCMI has no simulator here: the reply layout of DCMI 1.5 table 6-16, decoded by us and by
// freeipmi's own template for the same command, must agree field by field.
TEST(IpmiMeter, DcmiPowerReadingDecodesAsFreeipmisTemplateDoes) {
  const std::vector<std::uint8_t> reply{0x00, 0xdc, 0x1c, 0x01, 0xf0, 0x00, 0x9a, 0x01, 0x2c, 0x01,
                                        0x80, 0x1f, 0x6f, 0x69, 0x60, 0xea, 0x00, 0x00, 0x40};
  const DcmiPowerReading ours = decode_dcmi_power_reading(reply);
  fiid_obj_t obj = fiid_obj_create(tmpl_cmd_dcmi_get_power_reading_rs);
  ASSERT_NE(obj, nullptr);
  std::vector<std::uint8_t> with_command{0x02};
  with_command.insert(with_command.end(), reply.begin(), reply.end());
  ASSERT_GT(fiid_obj_set_all(obj, with_command.data(), static_cast<unsigned>(with_command.size())), 0);
  const auto field = [&](const char* name) {
    std::uint64_t v = 0;
    EXPECT_GE(fiid_obj_get(obj, name, &v), 0) << name;
    return static_cast<double>(v);
  };
  EXPECT_EQ(ours.current_w, field("current_power"));
  EXPECT_EQ(ours.minimum_w, field("minimum_power_over_sampling_duration"));
  EXPECT_EQ(ours.maximum_w, field("maximum_power_over_sampling_duration"));
  EXPECT_EQ(ours.average_w, field("average_power_over_sampling_duration"));
  EXPECT_EQ(ours.bmc_time, field("time_stamp"));
  EXPECT_EQ(ours.period_s * 1000, field("statistics_reporting_time_period"));
  EXPECT_EQ(ours.active, field("power_reading_state.power_measurement") == 1);
  fiid_obj_destroy(obj);
  EXPECT_EQ(ours.current_w, 284);
  EXPECT_EQ(ours.period_s, 60);
  // A BMC without DCMI, a short reply and another group's answer: errors that say which.
  EXPECT_NE(error_of([] {
              (void)decode_dcmi_power_reading(std::vector<std::uint8_t>{0xc1});
            }).find("invalid command"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)decode_dcmi_power_reading(std::span(reply).first(10)); }).find("19"),
            std::string::npos);
  auto other = reply;
  other[1] = 0x00;
  EXPECT_NE(error_of([&] { (void)decode_dcmi_power_reading(other); }).find("group extension"),
            std::string::npos);
}

#endif  // JOULEBENCH_WITH_IPMI

// The PTDaemon tests run against a REPLAY (power/ptd_replay.py): PTDaemon's reply strings, not
// PTDaemon, which is licensed and not here.
nlohmann::json json_of(const std::string& output) {
  const auto at = output.rfind("\n{", output.find("\n}"));
  return nlohmann::json::parse(output.substr(output.front() == '{' ? 0 : at + 1));
}

TEST(PtdReplay, MeasureRangesThenTestsAtTheRangingMaximaAndKeepsEveryReply) {
  testing::PtdReplay peer;
  if (!peer.skip().empty()) GTEST_SKIP() << peer.skip();
  const auto r = testing::run_shell(peer.journal_env() + JOULEBENCH_BINARY + " measure --meter " +
                                    peer.url() + " --idle 0 --json -- sleep 1.3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = json_of(r.output);
  const auto& ptd = j["ptd"];
  EXPECT_TRUE(ptd["valid"].get<bool>()) << ptd["invalid_reason"];
  EXPECT_EQ(ptd["analyzer"], "YokogawaWT310,version=1.10.0-replay,joulebench test peer");
  EXPECT_EQ(ptd["initial_ranges"]["volts"], "300.000000");
  EXPECT_GE(ptd["ranging"]["samples"].size(), 1u);
  EXPECT_EQ(ptd["ranging"]["ranges"]["volts"], "Auto");
  // 150 W at 230 V and power factor 0.9: the testing ranges are the ranging run's maxima.
  EXPECT_EQ(ptd["testing"]["ranges"]["volts"], "230.000000");
  EXPECT_EQ(ptd["testing"]["ranges"]["amps"], "0.724638");
  EXPECT_GE(ptd["testing"]["samples"].size(), 1u);
  EXPECT_EQ(j["sensors"][0]["name"], "ptd:127.0.0.1");
  EXPECT_NEAR(j["sensors"][0]["watts"].get<double>(), 150, 1e-9);
  EXPECT_EQ(ptd["exchanges"][0]["reply"], "Hello, PTDaemon here!");
  // The order MLPerf Power prescribes, and the analyzer's own ranges put back at the end.
  const auto c = peer.commands();
  const std::vector<std::string> expected{
      "Go,1000,0,joulebench_ranging", "Stop", "RL", "SR,V,230.000000", "SR,A,0.724638",
      "Go,1000,0,joulebench_testing"};
  auto it = c.begin();
  for (const auto& e : expected) {
    it = std::find(it, c.end(), e);
    ASSERT_NE(it, c.end()) << "no '" << e << "' in order";
  }
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[c.size() - 2], "SR,V,300.000000");
  EXPECT_EQ(c.back(), "SR,A,5.000000");
  // Put back over its own connection: the journal entry went with it.
  const auto restored = testing::run_shell(peer.journal_env() + JOULEBENCH_BINARY + " restore");
  EXPECT_EQ(restored.output.find("ptd:"), std::string::npos) << restored.output;
}

TEST(PtdReplay, ASampleAboveOnePercentUncertaintyMakesTheResultInvalid) {
  testing::PtdReplay peer;
  if (!peer.skip().empty()) GTEST_SKIP() << peer.skip();
  peer.set("uncertainty", 0.015);
  const auto r = testing::run_shell(peer.journal_env() + JOULEBENCH_BINARY + " measure --meter " +
                                    peer.url() + " --idle 0 --json -- sleep 1.3");
  const auto j = json_of(r.output);
  EXPECT_FALSE(j["ptd"]["valid"].get<bool>());
  EXPECT_NE(j["ptd"]["invalid_reason"].get<std::string>().find("1% uncertainty"), std::string::npos);
  EXPECT_GE(j["ptd"]["testing"]["samples_above_uncertainty_limit"].get<int>(), 1);
  // Each such reading is a gap in the meter's series, with the reason.
  EXPECT_NE(j["sensors"][0].dump().find("above the 1% MLPerf Power allows"), std::string::npos)
      << j["sensors"][0];
}

// The ranges the workflow sets are journalled: a measure killed in its ranging run leaves the
// analyzer on auto ranges, and `joulebench restore` puts back the fixed ones it had before.
TEST(PtdReplay, RangesLeftByAKilledRunArePutBackByRestore) {
  testing::PtdReplay peer;
  if (!peer.skip().empty()) GTEST_SKIP() << peer.skip();
  const auto killed = testing::run_shell(peer.journal_env() + "timeout -s KILL 3 " + JOULEBENCH_BINARY +
                                         " measure --meter " + peer.url() + " --idle 0 -- sleep 30");
  EXPECT_NE(killed.exit_code, 0) << killed.output;
  const auto last = [&peer](const std::string& prefix) {
    const auto c = peer.commands();
    const auto it =
        std::find_if(c.rbegin(), c.rend(), [&](const std::string& x) { return x.rfind(prefix, 0) == 0; });
    return it == c.rend() ? std::string() : *it;
  };
  // Killed mid-ranging: auto ranges set, nothing put back.
  EXPECT_EQ(last("Go,"), "Go,1000,0,joulebench_ranging");
  EXPECT_EQ(last("SR,"), "SR,A,Auto");
  const auto restored = testing::run_shell(peer.journal_env() + JOULEBENCH_BINARY + " restore");
  EXPECT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("restored ptd:127.0.0.1 ranges"), std::string::npos) << restored.output;
  const auto c = peer.commands();
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[c.size() - 2], "SR,V,300.000000");
  EXPECT_EQ(c.back(), "SR,A,5.000000");
  // Nothing left to put back.
  const auto again = testing::run_shell(peer.journal_env() + JOULEBENCH_BINARY + " restore");
  EXPECT_EQ(again.output.find("ptd:"), std::string::npos) << again.output;
}

TEST(PtdReplay, NoDaemonAndAPeerThatIsNotOneAreClearErrors) {
  std::vector<Probe> probes;
  const std::string none = error_of([&] {
    (void)open_meter("ptd://127.0.0.1:" + std::to_string(testing::free_port()), fast_options(), probes);
  });
  EXPECT_NE(none.find("cannot connect"), std::string::npos) << none;
  testing::RefusingPeer http;  // an HTTP server: its answer to "Hello" is no PTDaemon's
  const std::string other = error_of(
      [&] { (void)open_meter("ptd://127.0.0.1:" + std::to_string(http.port()), fast_options(), probes); });
  EXPECT_NE(other.find("not a SPEC PTDaemon"), std::string::npos) << other;
  // Replies as PTDaemon writes them.
  EXPECT_EQ(parse_ptd_ranges("Ranges,0,5.000000,1,-1.0").amps, "5.000000");
  EXPECT_EQ(parse_ptd_ranges("Ranges,0,5.000000,1,-1.0").volts, "Auto");
  EXPECT_EQ(parse_ptd_uncertainty("Uncertainty,1.5%"), 0.015);
  EXPECT_EQ(parse_ptd_uncertainty("Error: Can't evaluate uncertainty of this sample!"), std::nullopt);
  const auto s = parse_ptd_sample(
      "Time,12-23-2020 10:26:09.769,Watts,32.810000,Volts,228.980000,Amps,0.275620,PF,0.519900,Mark,ranging");
  EXPECT_EQ(s.watts, 32.81);
  EXPECT_EQ(s.mark, "ranging");
  EXPECT_NE(
      error_of([] { (void)parse_ptd_sample("Time,x,Watts,nan?,Volts,1,Amps,1,PF,1,Mark,m"); }).find("Watts"),
      std::string::npos);
}

}  // namespace
}  // namespace joulebench::power
