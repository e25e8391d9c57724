// End-to-end runs of `joulebench run`: a --quick run writes every file with every energy figure
// labelled, and SIGINT leaves a valid partial result. They load both cores, so ctest runs them
// alone (RUN_SERIAL) rather than beside the timing-sensitive unit tests.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "../power/fake_tree.hpp"
#include "suite/outputs.hpp"
#include "test_support.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
using testing::FakeTree;

// Every object carrying watts or joules must say where the figure came from.
void expect_labelled(const json& j, const std::string& where) {
  if (j.is_object()) {
    bool energy = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      energy |= it.key().find("watts") != std::string::npos || it.key().find("joules") != std::string::npos;
      expect_labelled(it.value(), where + "." + it.key());
    }
    if (energy) {
      EXPECT_TRUE(j.contains("energy_kind") || j.contains("kind"))
          << where << " has an energy figure without energy_kind";
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) expect_labelled(j[i], where + "[" + std::to_string(i) + "]");
  }
}

TEST(RunQuick, EndToEndWritesEveryFileWithLabelledEnergy) {
  FakeTree tree;
  const auto out = tree.root() / "out";
  const auto r = testing::run_cli("run --quick --no-progress --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = load_results(out);
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_TRUE(j["quick"].get<bool>());
  ASSERT_EQ(j["workloads"].size(), 3u);
  for (const auto& w : j["workloads"]) {
    EXPECT_TRUE(w["complete"].get<bool>()) << w["name"];
    EXPECT_GT(w["throughput_per_s"].get<double>(), 0) << w["name"];
    EXPECT_FALSE(w["curve"].empty());
    EXPECT_FALSE(w["steps"].empty());
  }
  EXPECT_TRUE(j["workloads"][1].contains("latency_ms"));
  expect_labelled(j, "results");
  // A verdict, and the same verdict as the last line before the file list.
  const std::string verdict = j["validity"]["verdict"];
  EXPECT_TRUE(verdict == "valid" || verdict == "warnings" || verdict == "invalid") << verdict;
  EXPECT_NE(r.output.find("Result is "), std::string::npos) << r.output;
  for (const auto& w : j["workloads"]) {
    std::set<double> duty_depths;
    for (const auto& p : w["curve"]) {
      if (!p["energy_ok"].get<bool>()) {
        EXPECT_TRUE(p["watts"].is_null()) << "energy figure without valid energy";
      }
      if (p["level"].get<double>() >= 1.0) {
        EXPECT_TRUE(p["cap_binding_fraction"].is_null()) << "100% is no cap";
      }
      EXPECT_TRUE(p.contains("cap"));
    }
    for (const auto& s : w["steps"]) {
      for (const char* k : {"to_level", "t50_ms", "t90_ms", "band_pct", "signal_window_ms", "sample_period_ms"})
        EXPECT_TRUE(s.contains(k)) << k;
      if (s["actuator"] == "duty") duty_depths.insert(s["to_level"].get<double>());
      if (j["energy_kind"] == "estimated") {
        EXPECT_TRUE(s["power_react_ms"].is_null());
      }
    }
    EXPECT_GE(duty_depths.size(), 2u) << "steps to several depths";
    EXPECT_TRUE(w.contains("inputs"));
  }
  for (const char* f : {"curves.csv", "steps.csv", "steps_timeseries.csv", "report.html"}) {
    EXPECT_GT(std::filesystem::file_size(out / f), 100u) << f;
  }
  EXPECT_NE(r.output.find(j["energy_kind"].get<std::string>() == "measured" ? "measured" : "ESTIMATED"),
            std::string::npos);
}

TEST(RunQuick, SigintLeavesAParseableIncompleteResult) {
  FakeTree tree;
  const auto out = tree.root() / "partial";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(JOULEBENCH_BINARY, "joulebench", "run", "--quick", "--no-progress", "--workloads", "sha256d",
            "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Interrupt once the first workload has started.
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    try {
      if (!load_results(out)["workloads"].empty()) break;
    } catch (const std::exception&) {
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const json j = load_results(out);
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_TRUE(j["interrupted"].get<bool>());
}

TEST(RunQuick, ForceMovesEarlierResultsAsideInsteadOfMixing) {
  FakeTree tree;
  tree.write("/out/results.json", "{\"old\": true}");
  tree.write("/out/curves.csv", "old");
  const auto out = tree.root() / "out";
  const auto r = testing::run_cli(
      "run --quick --no-progress --workloads sha256d --actuators duty --levels 100,50 "
      "--force --out " +
      out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(load_results(out)["complete"].get<bool>());
  std::filesystem::path aside;
  for (const auto& e : std::filesystem::directory_iterator(out))
    if (e.path().filename().string().rfind("previous-", 0) == 0) aside = e.path();
  ASSERT_FALSE(aside.empty());
  EXPECT_EQ(tree.read("/out/" + aside.filename().string() + "/results.json"), "{\"old\": true}");
  EXPECT_EQ(tree.read("/out/" + aside.filename().string() + "/curves.csv"), "old");
}

// A run holding a (fake) RAPL cap, ended by SIGHUP, puts the limit back and exits 129.
TEST(RunHardwareCaps, SighupRestoresTheLimitAndLeavesAValidPartialResult) {
  FakeTree tree;
  tree.add_rapl(0, 1000000000, 120000000, 150000000);
  const std::string limit = "/sys/class/powercap/intel-rapl:0/constraint_0_power_limit_uw";
  const auto out = tree.root() / "out";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(JOULEBENCH_BINARY, "joulebench", "run", "--quick", "--no-progress", "--allow-hw-caps",
            "--sysfs-root", tree.root().c_str(), "--workloads", "sha256d", "--actuators",
            "powercap:package-0", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool capped = false;
  for (int i = 0; i < 3000 && !capped; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    capped = tree.read(limit) != "120000000";
  }
  ASSERT_TRUE(capped);
  ::kill(pid, SIGHUP);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 129);
  EXPECT_EQ(tree.read(limit), "120000000");
  EXPECT_FALSE(load_results(out)["complete"].get<bool>());
}

}  // namespace
}  // namespace joulebench::suite
