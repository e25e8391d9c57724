// Sensors through fake powercap, perf-PMU-shaped and hwmon trees: watts within 1% of the
// simulated power through counter wraps; and the specific error for each broken file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <map>

#include <fstream>

#include "fake_tree.hpp"
#include "joulebench/power/sampler.hpp"
#include "joulebench/power/sensor.hpp"
#include "test_support.hpp"

namespace joulebench::power {
namespace {

using testing::CounterWriter;
using testing::FakeTree;
using namespace std::chrono_literals;

struct WattsReading {
  double watts = 0;
  double tolerance_w = 0;  ///< what the writer's and the sampler's measured lags allow
};

// Samples `sensor` for `seconds` and returns the average watts over the window from its first
// reading to shortly before the end. The tolerance is 0.2% plus the error that the writer's
// staleness and the sampler's longest tick gap can cause at the two window edges, both measured
// during this very window; it is capped at 5% by retrying, so a wrong scale or a mishandled
// wrap (errors of 10% and more here) always fails.
WattsReading measured_watts(Sensor& sensor, double seconds, double nominal_watts,
                            const std::vector<CounterWriter*>& writers) {
  WattsReading best;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Sampler sampler({&sensor}, {});
    for (auto* w : writers) w->reset_lag();
    sampler.start();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double t1 = sampler.now() - 0.01;
    sampler.stop();
    const auto series = sampler.sensor_series(0);
    EXPECT_FALSE(series.t.empty());
    if (series.t.empty()) return best;
    const double t0 = series.t.front();
    const auto w = energy_in_window(series, sensor.is_counter(), t0, t1);
    EXPECT_TRUE(w.ok);
    double lag = sampler.stats().max_gap_ms * 1e-3;
    for (auto* w : writers) lag += w->max_lag_s();
    best = {w.watts, nominal_watts * (0.002 + 2 * lag / (t1 - t0))};
    if (best.tolerance_w <= 0.05 * nominal_watts) break;
  }
  return best;
}

TEST(WrappingCounter, UnfoldsWraps) {
  WrappingCounter c(1000);
  EXPECT_EQ(c.update(900), 0u);
  EXPECT_EQ(c.update(950), 50u);
  EXPECT_EQ(c.update(20), 120u);  // wrapped: 50 to the top, 20 after
  EXPECT_EQ(c.update(500), 600u);
  EXPECT_EQ(c.wraps(), 1u);
}

TEST(WrappingCounter, ASmallStepBackIsAGlitchNotAWrap) {
  // Before: 2^32 range, a 0.5 J step back read as a whole wrap (4.3 kJ, 130 kW over 33 ms).
  WrappingCounter c(std::uint64_t{1} << 32);
  EXPECT_EQ(c.update(10'000'000), 0u);
  EXPECT_EQ(c.update(9'500'000), std::nullopt);  // 0.5 J back: rejected
  EXPECT_EQ(c.update(10'100'000), 100'000u);     // measured from the last good reading
  EXPECT_EQ(c.wraps(), 0u);
  EXPECT_EQ(c.glitches(), 1u);
  // A counter that truly restarts (three readings in a row below the last) becomes the new base.
  EXPECT_EQ(c.update(5), std::nullopt);
  EXPECT_EQ(c.update(10), std::nullopt);
  EXPECT_EQ(c.update(15), 100'000u);
  EXPECT_EQ(c.update(1015), 101'000u);
}

TEST(Powercap, OutOfOrderReadsFromTwoThreadsAddNoPhantomWrap) {
  FakeTree tree;
  tree.add_rapl(0, 262143328850);  // AMD's 2^32 * 61 uJ range
  std::vector<Probe> probes;
  auto sensors = powercap_sensors(SysfsRoot(tree.root()), probes);
  tree.write("/sys/class/powercap/intel-rapl:0/energy_uj", "1000000");
  ASSERT_TRUE(sensors[0]->read().ok);
  tree.write("/sys/class/powercap/intel-rapl:0/energy_uj", "999000");  // the older of two reads lands last
  const auto r = sensors[0]->read();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("without wrapping"), std::string::npos) << r.error;
  tree.write("/sys/class/powercap/intel-rapl:0/energy_uj", "1200000");
  EXPECT_NEAR(sensors[0]->read().value, 0.2, 1e-9);  // 0.2 J, not 262 kJ
}

TEST(Powercap, DiscoversZonesAndSubZonesByName) {
  FakeTree tree;
  tree.add_rapl(0, 1000000000);
  tree.add_rapl(1, 1000000000);
  std::vector<Probe> probes;
  const auto sensors = powercap_sensors(SysfsRoot(tree.root()), probes);
  ASSERT_EQ(sensors.size(), 4u);
  EXPECT_EQ(sensors[0]->name(), "powercap:package-0");
  EXPECT_EQ(sensors[1]->name(), "powercap:package-0/dram");
  EXPECT_EQ(sensors[1]->domain(), "dram");
  EXPECT_EQ(sensors[2]->name(), "powercap:package-1");
  EXPECT_EQ(sensors[0]->provenance(), Provenance::measured);
  const SensorSet set = discover_sensors({SysfsRoot(tree.root()), std::nullopt, false});
  ASSERT_EQ(set.primary.size(), 2u);  // both packages, not the dram sub-zones
  EXPECT_EQ(set.primary[1]->name(), "powercap:package-1");
}

TEST(Powercap, WattsWithinMeasuredToleranceThroughSeveralWraps) {
  FakeTree tree;
  // 20 J range at 60 W: a wrap every 0.33 s, four or more in the window.
  tree.add_rapl(0, 20000000);
  CounterWriter writer(tree, "/sys/class/powercap/intel-rapl:0/energy_uj", 60.0, 1e-6, 20000000);
  std::vector<Probe> probes;
  auto sensors = powercap_sensors(SysfsRoot(tree.root()), probes);
  const auto r = measured_watts(*sensors[0], 1.5, 60.0, {&writer});
  EXPECT_NEAR(r.watts, 60.0, r.tolerance_w);
}

TEST(PerfPmu, ParsesEventsAndScalesCounts) {
  FakeTree tree;
  const std::string dir = "/sys/bus/event_source/devices/power";
  tree.write(dir + "/type", "23");
  tree.write(dir + "/cpumask", "0");
  tree.write(dir + "/events/energy-pkg", "event=0x02");
  tree.write(dir + "/events/energy-pkg.scale", "2.3283064365386962890625e-10");
  tree.write(dir + "/events/energy-pkg.unit", "Joules");
  tree.write(dir + "/events/energy-cores", "event=0x01");
  const auto events = parse_power_pmu(SysfsRoot(tree.root()));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].name, "energy-pkg");
  EXPECT_EQ(events[1].type, 23u);
  EXPECT_EQ(events[1].config, 2u);
  EXPECT_DOUBLE_EQ(events[1].scale, 2.3283064365386962890625e-10);

  // The perf counter itself comes from perf_event_open; here a file stands in for the fd.
  struct FileSource : CounterSource {
    std::filesystem::path file;
    std::optional<std::uint64_t> read_count(std::string& error) override {
      FileError e;
      auto v = read_u64(file, &e);
      if (!v) error = e.message;
      return v;
    }
  };
  // One counter per package (cpumask "0,28"): 20 W on one socket and 15 W on the other.
  tree.write("/count0", "0");
  tree.write("/count1", "0");
  CounterWriter socket0(tree, "/count0", 20.0, events[1].scale, 0),
      socket1(tree, "/count1", 15.0, events[1].scale, 0);
  std::vector<std::unique_ptr<CounterSource>> sources;
  for (const char* f : {"count0", "count1"}) {
    auto source = std::make_unique<FileSource>();
    source->file = tree.root() / f;
    sources.push_back(std::move(source));
  }
  auto sensor = make_perf_sensor(events[1], std::move(sources), "fake");
  EXPECT_EQ(sensor->name(), "perf:energy-pkg");
  const auto r = measured_watts(*sensor, 1.0, 35.0, {&socket0, &socket1});
  EXPECT_NEAR(r.watts, 35.0, r.tolerance_w);  // both sockets, not the first one's 20 W
  EXPECT_EQ(parse_cpu_list("0,28"), (std::vector<int>{0, 28}));
  EXPECT_EQ(parse_cpu_list("0-3,8"), (std::vector<int>{0, 1, 2, 3, 8}));
  EXPECT_TRUE(parse_cpu_list("0,x").empty());
}

TEST(PerfPmu, MalformedSpecIsNamed) {
  FakeTree tree;
  tree.write("/sys/bus/event_source/devices/power/type", "23");
  tree.write("/sys/bus/event_source/devices/power/events/energy-pkg", "umask=7");
  try {
    (void)parse_power_pmu(SysfsRoot(tree.root()));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'umask=7'"), std::string::npos);
  }
}

TEST(Hwmon, EnergyCounterAndPowerAverage) {
  FakeTree tree;
  const std::string dir = "/sys/class/hwmon/hwmon3";
  tree.write(dir + "/name", "amd_energy");
  tree.write(dir + "/energy1_label", "Esocket0");
  tree.write(dir + "/energy1_input", "0");
  tree.write(dir + "/power1_average", "42500000");  // 42.5 W in microwatts
  tree.write(dir + "/update_interval", "1");        // ms
  CounterWriter writer(tree, dir + "/energy1_input", 80.0, 1e-6, 0);
  std::vector<Probe> probes;
  auto sensors = hwmon_sensors(SysfsRoot(tree.root()), probes);
  ASSERT_EQ(sensors.size(), 2u);
  EXPECT_EQ(sensors[0]->name(), "hwmon:amd_energy/Esocket0");
  EXPECT_TRUE(sensors[0]->is_counter());
  EXPECT_FALSE(sensors[1]->is_counter());
  const auto r = measured_watts(*sensors[0], 1.0, 80.0, {&writer});
  EXPECT_NEAR(r.watts, 80.0, r.tolerance_w);
  EXPECT_NEAR(measured_watts(*sensors[1], 0.3, 42.5, {}).watts, 42.5, 1e-6);
}

// Wall, PSU and board meters under hwmon (Documentation/hwmon): where each measures, and an
// averaging meter's window, from the driver's own files.
TEST(Hwmon, WallPsuAndBoardMetersSayWhereAndOverWhatWindow) {
  FakeTree tree;
  tree.write("/sys/class/hwmon/hwmon0/name", "power_meter");  // ACPI 4.0 power meter
  tree.write("/sys/class/hwmon/hwmon0/power1_average", "245000000");
  tree.write("/sys/class/hwmon/hwmon0/power1_average_interval", "1000");  // ms
  tree.write("/sys/class/hwmon/hwmon1/name", "power_meter");  // NVIDIA Grace: the same driver, oem_info
  tree.write("/sys/class/hwmon/hwmon1/power1_average", "180000000");
  tree.write("/sys/class/hwmon/hwmon1/power1_average_interval", "50");
  tree.write("/sys/class/hwmon/hwmon1/power1_oem_info", "Module Power Socket 0");
  tree.write("/sys/class/hwmon/hwmon1/power2_average", "95000000");
  tree.write("/sys/class/hwmon/hwmon1/power2_oem_info", "Grace Power Socket 0");
  tree.write("/sys/class/hwmon/hwmon2/name", "dps920ab");  // a PMBus power supply
  tree.write("/sys/class/hwmon/hwmon2/power1_input", "512000000");
  tree.write("/sys/class/hwmon/hwmon2/power1_label", "pin");
  tree.write("/sys/class/hwmon/hwmon2/power2_input", "470000000");
  tree.write("/sys/class/hwmon/hwmon2/power2_label", "pout1");
  tree.write("/sys/class/hwmon/hwmon3/name", "apm_xgene");
  tree.write("/sys/class/hwmon/hwmon3/power1_input", "23000000");
  tree.write("/sys/class/hwmon/hwmon3/power1_label", "CPU power");
  tree.write("/sys/class/hwmon/hwmon3/power2_input", "4500000");  // X-Gene's IO rail, also on the SoC
  tree.write("/sys/class/hwmon/hwmon3/power2_label", "IO power");
  std::vector<Probe> probes;
  auto sensors = hwmon_sensors(SysfsRoot(tree.root()), probes);
  std::map<std::string, const Sensor*> by_name;
  for (const auto& s : sensors) by_name[s->name()] = s.get();
  const auto expect = [&](const std::string& name, const std::string& location, double watts,
                          std::optional<double> window) {
    ASSERT_TRUE(by_name.count(name)) << name;
    const Sensor& s = *by_name[name];
    EXPECT_EQ(s.location(), location) << name;
    EXPECT_EQ(s.averaging_window_s(), window) << name;
    EXPECT_DOUBLE_EQ(const_cast<Sensor&>(s).read().value, watts) << name;
    const auto probe =
        std::find_if(probes.begin(), probes.end(), [&](const Probe& p) { return p.name == name; });
    ASSERT_NE(probe, probes.end());
    EXPECT_EQ(probe->location, location) << name;
  };
  expect("hwmon:power_meter/power1-avg", "wall", 245, 1.0);
  expect("hwmon:power_meter/Module Power Socket 0-avg", "board", 180, 0.05);
  expect("hwmon:power_meter/Grace Power Socket 0-avg", "package", 95, std::nullopt);
  expect("hwmon:dps920ab/pin", "psu", 512, std::nullopt);
  expect("hwmon:dps920ab/pout1", "board", 470, std::nullopt);
  expect("hwmon:apm_xgene/CPU power", "package", 23, std::nullopt);
  expect("hwmon:apm_xgene/IO power", "package", 4.5, std::nullopt);
  // The 1 s average is stamped half its window back: it is integrated over the second it covers.
  const Sensor& wall = *by_name["hwmon:power_meter/power1-avg"];
  EXPECT_NEAR(std::chrono::duration<double>(wall.update_interval()).count(), 1.0, 1e-9);
  const auto before = std::chrono::steady_clock::now();
  const auto r = const_cast<Sensor&>(wall).read();
  ASSERT_TRUE(r.at);
  EXPECT_NEAR(std::chrono::duration<double>(before - *r.at).count(), 0.5, 0.05);
}

TEST(SensorErrors, MissingGarbageAndUnreadableFilesAreNamed) {
  FakeTree tree;
  tree.add_rapl(0, 1000000);
  const auto energy = tree.root() / "sys/class/powercap/intel-rapl:0/energy_uj";
  std::vector<Probe> probes;
  auto sensors = powercap_sensors(SysfsRoot(tree.root()), probes);
  ASSERT_EQ(sensors.size(), 2u);

  tree.write("/sys/class/powercap/intel-rapl:0/energy_uj", "12abc");
  auto r = sensors[0]->read();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("unexpected contents '12abc'"), std::string::npos) << r.error;

  std::filesystem::remove(energy);
  r = sensors[0]->read();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("No such file"), std::string::npos) << r.error;

  // A failed read is a gap in the sampler, never a crash.
  std::size_t gaps = 0;
  Sampler sampler({sensors[0].get()}, {});
  sampler.start();
  std::this_thread::sleep_for(20ms);
  sampler.stop();
  gaps = sampler.gaps(0);
  EXPECT_GT(gaps, 0u);
  EXPECT_NE(sampler.last_error(0).find("energy_uj"), std::string::npos);
}

TEST(SensorErrors, PermissionDeniedNamesTheCveAndTheChoices) {
  FakeTree tree;
  tree.add_rapl(0, 1000000);
  const auto energy = tree.root() / "sys/class/powercap/intel-rapl:0/energy_uj";
  std::filesystem::permissions(energy,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::permissions(tree.root(), std::filesystem::perms::all, std::filesystem::perm_options::add);
  // Root reads anything, so drop to an unprivileged user in a child to get a real EACCES.
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 && ::setuid(65534) != 0) ::_exit(3);
    FileError e;
    const auto v = read_u64(energy, &e);
    const bool ok = !v && e.message.find("CVE-2020-8694") != std::string::npos &&
                    e.message.find("run as root") != std::string::npos &&
                    e.message.find("estimated model") != std::string::npos;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Estimated, LabelsItselfAndFollowsBusyTime) {
  FakeTree tree;
  tree.write("/proc/stat",
             "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0\ncpu1 50 0 50 400 0 0 0 0");
  const PowerModel model{10.0, 5.0, "test", std::nullopt};
  auto s = estimated_cpu_sensor(SysfsRoot(tree.root()), model);
  EXPECT_EQ(s->name(), "estimated:cpu");
  EXPECT_EQ(s->provenance(), Provenance::estimated);
  ASSERT_TRUE(s->read().ok);
  // One of two CPUs fully busy for the next interval: 10 + 5 * 1 = 15 W.
  tree.write("/proc/stat",
             "cpu  200 0 200 1000 0 0 0 0 0 0\ncpu0 100 0 100 400 0 0 0 0\ncpu1 100 0 100 600 0 0 0 0");
  std::this_thread::sleep_for(100ms);
  const double j1 = s->read().value;
  std::this_thread::sleep_for(100ms);
  const double j2 = s->read().value;
  EXPECT_NEAR((j2 - j1) / 0.1, 15.0, 2.0);
}

TEST(Estimated, CalibrationFileIsValidated) {
  FakeTree tree;
  tree.write("/cal.json", R"({"idle_watts": 12.5, "active_watts_per_core": 3.25})");
  const PowerModel m = load_power_model(tree.root() / "cal.json");
  EXPECT_DOUBLE_EQ(m.idle_watts, 12.5);
  tree.write("/bad.json", R"({"idle_watts": "x"})");
  EXPECT_THROW(load_power_model(tree.root() / "bad.json"), std::runtime_error);
  EXPECT_THROW(load_power_model(tree.root() / "missing.json"), std::runtime_error);
}

TEST(Estimated, CalibrationFitRecoversTheCoefficients) {
  double r2 = 0;
  const PowerModel m = fit_power_model({{0.05, 30.2}, {1.0, 41.9}, {2.0, 54.1}, {3.0, 65.8}}, &r2);
  EXPECT_NEAR(m.idle_watts, 29.9, 0.3);
  EXPECT_NEAR(m.active_watts_per_core, 11.9, 0.2);
  EXPECT_GT(r2, 0.99);
  EXPECT_THROW(fit_power_model({{1.0, 40}}), std::invalid_argument);
}

TEST(Estimated, BusyMeterReadsProcStatDeltas) {
  FakeTree tree;
  tree.write("/proc/stat", "cpu  0 0 0 100 0 0 0 0 0 0\ncpu0 0 0 0 50 0 0 0 0\ncpu1 0 0 0 50 0 0 0 0");
  CpuBusyMeter meter(SysfsRoot(tree.root()));
  tree.write("/proc/stat", "cpu  150 0 0 150 0 0 0 0 0 0\ncpu0 100 0 0 50 0 0 0 0\ncpu1 50 0 0 100 0 0 0 0");
  EXPECT_NEAR(*meter.busy_cores(), 1.5, 1e-9);  // 150 of 200 ticks busy on 2 CPUs
}

TEST(Accounting, EnergyWindowsFromCountersAndPower) {
  Series counter{{0, 1, 2, 3}, {100, 110, 130, 160}};
  auto w = energy_in_window(counter, true, 0.5, 2.5);
  EXPECT_TRUE(w.ok);
  EXPECT_NEAR(w.joules, 145 - 105, 1e-9);
  Series power{{0, 1, 2}, {10, 20, 30}};
  w = energy_in_window(power, false, 0, 2);
  EXPECT_NEAR(w.joules, 40, 1e-9);
  EXPECT_NEAR(w.watts, 20, 1e-9);
  EXPECT_FALSE(energy_in_window(power, false, 0, 5).ok);  // not covered
}

}  // namespace
}  // namespace joulebench::power

namespace joulebench::power {
namespace {

// A sensor with a given name and domain, for the selection rules.
class NamedSensor final : public Sensor {
 public:
  NamedSensor(std::string name, std::string domain, Provenance p = Provenance::measured)
      : name_(std::move(name)), domain_(std::move(domain)), provenance_(p) {}
  std::string name() const override { return name_; }
  std::string domain() const override { return domain_; }
  Provenance provenance() const override { return provenance_; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return std::chrono::milliseconds(1); }
  SensorReading read() override { return {true, 0, {}}; }

 private:
  std::string name_, domain_;
  Provenance provenance_;
};

std::vector<std::string> names(const std::vector<Sensor*>& v) {
  std::vector<std::string> out;
  for (const auto* s : v) out.push_back(s->name());
  return out;
}

TEST(PrimarySensors, HwmonPerCoreAndPerSocketCountersAreNeverSummedTogether) {
  // amd_energy: one counter per socket and one per core, of the same energy.
  FakeTree tree;
  const std::string dir = "/sys/class/hwmon/hwmon2";
  tree.write(dir + "/name", "amd_energy");
  for (const auto& [n, label] :
       std::vector<std::pair<int, std::string>>{{1, "Ecore000"}, {2, "Ecore001"}, {3, "Esocket0"}}) {
    tree.write(dir + "/energy" + std::to_string(n) + "_label", label);
    tree.write(dir + "/energy" + std::to_string(n) + "_input", "1000");
  }
  const SensorSet set = discover_sensors({SysfsRoot(tree.root()), std::nullopt, false});
  EXPECT_EQ(names(set.primary), std::vector<std::string>{"hwmon:amd_energy/Esocket0"});  // before: all three
  EXPECT_NE(set.primary_rule.find("per-core counters excluded"), std::string::npos) << set.primary_rule;
}

// Ampere Altra (altra_hwmon): an energy counter per core, unlabelled: they are per-core
// counters, summed and said to leave the uncore out, never mistaken for whole-chip counters.
TEST(PrimarySensors, AltraPerCoreEnergyIsSummedAsPerCore) {
  FakeTree tree;
  const std::string dir = "/sys/class/hwmon/hwmon0";
  tree.write(dir + "/name", "altra_hwmon");
  for (int n = 1; n <= 4; ++n)
    tree.write(dir + "/energy" + std::to_string(n) + "_input", std::to_string(1000 * n));
  const SensorSet set = discover_sensors({SysfsRoot(tree.root()), std::nullopt, false});
  EXPECT_EQ(set.primary.size(), 4u);
  for (const auto* s : set.primary) {
    EXPECT_EQ(s->domain(), "core") << s->name();
    EXPECT_EQ(s->location(), "package") << s->name();
  }
  EXPECT_NE(set.primary_rule.find("per-core energy counters, summed"), std::string::npos) << set.primary_rule;
}

TEST(PrimarySensors, OnlyPerCoreCountersAreSummedAndSaySo) {
  std::vector<std::unique_ptr<Sensor>> s;
  s.push_back(std::make_unique<NamedSensor>("hwmon:x/Ecore000", "core"));
  s.push_back(std::make_unique<NamedSensor>("hwmon:x/Ecore001", "core"));
  const auto p = select_primary(s, false);
  EXPECT_EQ(p.sensors.size(), 2u);
  EXPECT_NE(p.rule.find("uncore not covered"), std::string::npos);
}

TEST(PrimarySensors, NvmlJoinsTheTotalWhenAGpuIsInUse) {
  std::vector<std::unique_ptr<Sensor>> s;
  s.push_back(std::make_unique<NamedSensor>("powercap:package-0", "package"));
  s.push_back(std::make_unique<NamedSensor>("powercap:package-0/dram", "dram"));
  s.push_back(std::make_unique<NamedSensor>("nvml:gpu0", "gpu"));
  EXPECT_EQ(names(select_primary(s, false).sensors), std::vector<std::string>{"powercap:package-0"});
  EXPECT_EQ(names(select_primary(s, true).sensors),
            (std::vector<std::string>{"powercap:package-0", "nvml:gpu0"}));
}

TEST(PrimarySensors, AnUnreadablePackageIsNamedNotReplacedByItsSubZone) {
  FakeTree tree;
  tree.add_rapl(0, 1000000000);
  tree.write("/sys/class/powercap/intel-rapl:0/energy_uj",
             "garbage");  // the package; its dram sub-zone reads fine
  const SensorSet set = discover_sensors({SysfsRoot(tree.root()), std::nullopt, false});
  for (const auto* p : set.primary)
    EXPECT_EQ(p->name().find("powercap:package-0/"), std::string::npos) << p->name();
  ASSERT_EQ(set.primary_unreadable.size(), 1u);
  EXPECT_EQ(set.primary_unreadable[0].name, "powercap:package-0");
  const auto r = testing::run_cli("power --duration 0.2 --sysfs-root " + tree.root().string());
  EXPECT_NE(r.output.find("powercap:package-0 cannot be read: unexpected contents 'garbage'"),
            std::string::npos)
      << r.output;
}

TEST(PrimarySensors, AZeroEnergyRangeMakesTheZoneUnavailable) {
  FakeTree tree;
  tree.add_rapl(0, 1000000000);
  tree.write("/sys/class/powercap/intel-rapl:0/max_energy_range_uj", "0");
  std::vector<Probe> probes;
  const auto sensors = powercap_sensors(SysfsRoot(tree.root()), probes);
  ASSERT_EQ(sensors.size(), 1u);  // only the dram sub-zone
  EXPECT_FALSE(probes[0].available);
  EXPECT_NE(probes[0].reason.find("is 0, so wraps cannot be unfolded"), std::string::npos)
      << probes[0].reason;
}

}  // namespace
}  // namespace joulebench::power
