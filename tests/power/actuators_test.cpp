// Actuators against fake trees: within range, refused outside, read back, journaled before the
// first write, restored on normal exit, on SIGTERM of a `joulebench cap` child, and by
// `joulebench restore` after SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_tree.hpp"
#include "joulebench/power/actuator.hpp"
#include "test_support.hpp"

namespace joulebench::power {
namespace {

using testing::FakeTree;
using namespace std::chrono_literals;

const std::string kLimit = "/sys/class/powercap/intel-rapl:0/constraint_0_power_limit_uw";

Actuator& named(std::vector<std::unique_ptr<Actuator>>& all, const std::string& name) {
  for (auto& a : all) {
    if (a->name() == name) return *a;
  }
  throw std::runtime_error("no actuator " + name);
}

TEST(SoftwareActuators, DutyAndWorkersSteerTheThrottle) {
  platform::ThrottleState t(4);
  auto duty = make_duty_cycle_actuator(t);
  auto workers = make_worker_count_actuator(t);
  EXPECT_FALSE(duty->hardware());
  EXPECT_NEAR(duty->set(0.3).in_force, 0.3, 1e-6);
  EXPECT_NEAR(t.run_fraction(), 0.3, 1e-6);
  EXPECT_THROW(duty->set(1.5), std::invalid_argument);
  EXPECT_EQ(workers->set(2).in_force, 2);
  EXPECT_THROW(workers->set(5), std::invalid_argument);
  duty->restore();
  workers->restore();
  EXPECT_DOUBLE_EQ(t.run_fraction(), 1.0);
  EXPECT_EQ(t.active_workers(), 4u);
}

TEST(RaplLimit, SetsWithinRangeRefusesOutsideJournalsAndRestores) {
  FakeTree tree;
  tree.add_rapl(0, 1000000000, 120000000, 150000000);
  const SysfsRoot root(tree.root());
  CapJournal journal(CapJournal::default_path(root), root);
  std::vector<Probe> probes;
  auto acts = hardware_actuators(root, journal, probes, false);
  Actuator& rapl = named(acts, "powercap:package-0");
  EXPECT_TRUE(rapl.hardware());
  EXPECT_DOUBLE_EQ(rapl.max(), 150.0);
  EXPECT_DOUBLE_EQ(rapl.value(), 120.0);
  try {
    rapl.set(200);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("outside its range [1, 150] W"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(journal.entries().empty());  // nothing written, nothing journaled
  {
    CapSession session;
    const CapResult r = session.apply(rapl, 80);
    EXPECT_DOUBLE_EQ(r.in_force, 80.0);
    EXPECT_TRUE(r.warning.empty());
    EXPECT_EQ(tree.read(kLimit), "80000000");
    ASSERT_EQ(journal.entries().size(), 1u);
    EXPECT_EQ(journal.entries()[0].original, "120000000");
    session.apply(rapl, 60);  // the journal keeps the pre-run value, not the previous cap
    EXPECT_EQ(journal.entries()[0].original, "120000000");
  }
  EXPECT_EQ(tree.read(kLimit), "120000000");
  EXPECT_TRUE(journal.entries().empty());
}

TEST(Cpufreq, CapsEveryPolicyAndReportsTheTightest) {
  FakeTree tree;
  for (int p = 0; p < 2; ++p) {
    const std::string dir = "/sys/devices/system/cpu/cpufreq/policy" + std::to_string(p);
    tree.write(dir + "/cpuinfo_min_freq", "400000");
    tree.write(dir + "/cpuinfo_max_freq", "3000000");
    tree.write(dir + "/scaling_max_freq", "3000000");
  }
  const SysfsRoot root(tree.root());
  CapJournal journal(CapJournal::default_path(root), root);
  std::vector<Probe> probes;
  auto acts = hardware_actuators(root, journal, probes, false);
  Actuator& f = named(acts, "cpufreq");
  EXPECT_DOUBLE_EQ(parse_cap_value("2.1GHz", f), 2.1e9);
  EXPECT_DOUBLE_EQ(parse_cap_value("50%", f), 1.5e9);
  EXPECT_THROW(parse_cap_value("fast", f), std::invalid_argument);
  EXPECT_THROW(parse_cap_value("120W", f), std::invalid_argument);
  f.set(2.1e9);
  EXPECT_EQ(tree.read("/sys/devices/system/cpu/cpufreq/policy1/scaling_max_freq"), "2100000");
  EXPECT_EQ(journal.entries().size(), 2u);
  f.restore();
  EXPECT_EQ(tree.read("/sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq"), "3000000");
}

class CapCommand : public ::testing::Test {
 protected:
  void SetUp() override { tree_.add_rapl(0, 1000000000, 120000000, 150000000); }
  // Starts `joulebench cap ... -- sleep 30` and waits until the cap is in force.
  pid_t start_cap() {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);  // its own group, so a SIGKILL test can take the orphaned command down too
      ::execl(JOULEBENCH_BINARY, "joulebench", "cap", "powercap:package-0=75W", "--allow-hw-caps",
              "--sysfs-root", tree_.root().c_str(), "--", "sleep", "30", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 500 && tree_.read(kLimit) != "75000000"; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(tree_.read(kLimit), "75000000");
    return pid;
  }
  FakeTree tree_;
};

TEST_F(CapCommand, RefusesHardwareCapsWithoutPermissionFlag) {
  const auto r =
      testing::run_cli("cap powercap:package-0=75W --sysfs-root " + tree_.root().string() + " -- true");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--allow-hw-caps"), std::string::npos);
  EXPECT_EQ(tree_.read(kLimit), "120000000");
}

TEST_F(CapCommand, RestoresOnNormalExitAndPassesTheExitCode) {
  const auto r =
      testing::run_cli("cap powercap:package-0=50% --allow-hw-caps --sysfs-root " + tree_.root().string() +
                       " -- sh -c 'cat " + (tree_.root() / kLimit.substr(1)).string() + "; exit 3'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("75000000"), std::string::npos) << r.output;  // 50% of the 150 W maximum
  EXPECT_EQ(tree_.read(kLimit), "120000000");
}

TEST_F(CapCommand, RestoresOnSigterm) {
  const pid_t pid = start_cap();
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(tree_.read(kLimit), "120000000");
  EXPECT_FALSE(std::filesystem::exists(CapJournal::default_path(SysfsRoot(tree_.root()))));
}

TEST_F(CapCommand, RestoreCommandUndoesASigkilledRun) {
  const pid_t pid = start_cap();
  ::kill(-pid, SIGKILL);  // joulebench and its command, with no chance to restore
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(tree_.read(kLimit), "75000000");  // nobody restored it...
  ASSERT_TRUE(std::filesystem::exists(CapJournal::default_path(SysfsRoot(tree_.root()))));
  const auto r = testing::run_cli("restore --sysfs-root " + tree_.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("restored powercap:package-0"), std::string::npos) << r.output;
  EXPECT_EQ(tree_.read(kLimit), "120000000");  // ...until `joulebench restore`
  EXPECT_EQ(
      testing::run_cli("restore --sysfs-root " + tree_.root().string()).output.find("nothing to restore"),
      0u);
}

TEST_F(CapCommand, TheNextRunRestoresLeftoversWithAWarning) {
  const pid_t pid = start_cap();
  ::kill(-pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const auto r = testing::run_cli("cap powercap:package-0=100W --allow-hw-caps --sysfs-root " +
                                  tree_.root().string() + " -- true");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("a run that is gone left a hardware cap"), std::string::npos) << r.output;
  EXPECT_EQ(tree_.read(kLimit), "120000000");
}

}  // namespace
}  // namespace joulebench::power
