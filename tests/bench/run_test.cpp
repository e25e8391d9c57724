// End-to-end runs of `joulebench run`: a --quick run writes every file with every energy figure
// labelled, and SIGINT leaves a valid partial result. They load both cores, so ctest runs them
// alone (RUN_SERIAL) rather than beside the timing-sensitive unit tests.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "../power/fake_tree.hpp"
#include "../power/redfish_mockup.hpp"
#include "results/outputs.hpp"
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

// results/results.schema.json (JSON Schema 2020-12), checked by python3-jsonschema.
int schema_check(const std::filesystem::path& file, const char* schema = JOULEBENCH_RESULTS_SCHEMA) {
  const std::string cmd =
      std::string(JOULEBENCH_VALIDATE_RESULTS) + " " + schema + " '" + file.string() + "'";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
void expect_schema_valid(const std::filesystem::path& dir) {
  EXPECT_EQ(schema_check(dir / "results.json"), 0) << dir << "/results.json does not match the schema";
  if (std::filesystem::exists(dir / "planner.json")) {
    EXPECT_EQ(schema_check(dir / "planner.json", JOULEBENCH_PLANNER_SCHEMA), 0)
        << dir << "/planner.json does not match results/planner.schema.json";
  }
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ResultsSchema, RejectsAResultMissingARequiredMember) {
  FakeTree tree;
  json j = json::parse(slurp(JOULEBENCH_REFERENCE_RESULTS));
  ASSERT_EQ(schema_check(JOULEBENCH_REFERENCE_RESULTS), 0);
  j["workloads"][0]["curve"][0].erase("energy_kind");
  tree.write("/bad.json", j.dump());
  EXPECT_EQ(schema_check(tree.root() / "bad.json"), 1);
  j = json::parse(slurp(JOULEBENCH_REFERENCE_RESULTS));
  j["energy_kind"] = "guessed";
  tree.write("/bad.json", j.dump());
  EXPECT_EQ(schema_check(tree.root() / "bad.json"), 1);
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
      for (const char* k :
           {"to_level", "t50_ms", "t90_ms", "band_pct", "signal_window_ms", "sample_period_ms"})
        EXPECT_TRUE(s.contains(k)) << k;
      if (s["actuator"] == "duty") duty_depths.insert(s["to_level"].get<double>());
      if (j["energy_kind"] == "estimated") {
        EXPECT_TRUE(s["power_react_ms"].is_null());
      }
    }
    EXPECT_GE(duty_depths.size(), 2u) << "steps to several depths";
    EXPECT_TRUE(w.contains("inputs"));
    // Every inference workload says how our kernel compares with the library on its own model.
    if (w["unit"] == "inference") {
      ASSERT_TRUE(w["kernel_vs_library"].is_object()) << w["name"];
      const json& l = w["kernel_vs_library"];
      EXPECT_TRUE(l["ratio"].is_number() || l["reason"].is_string()) << l.dump();
    } else {
      EXPECT_FALSE(w.contains("kernel_vs_library")) << w["name"];
    }
  }
  // The estimated source names the coefficient row it used.
  for (const auto& s : j["power_source"]) {
    if (s["kind"] != "estimated") continue;
    ASSERT_TRUE(s.contains("estimate")) << s.dump();
    EXPECT_TRUE(s["estimate"].contains("source")) << s.dump();
  }
  for (const char* f : {"curves.csv", "steps.csv", "steps_timeseries.csv", "report.html"}) {
    EXPECT_GT(std::filesystem::file_size(out / f), 100u) << f;
  }
  EXPECT_NE(r.output.find(j["energy_kind"].get<std::string>() == "measured" ? "measured" : "ESTIMATED"),
            std::string::npos);
  expect_schema_valid(out);
  const std::string report = slurp(out / "report.html");
  for (const char* part : {"QUICK RUN", "Verdict:", "Efficiency frontier", "Zoom: −20 … +100 ms",
                           "settle band", "id='disclosure'", "Validity checks", "<table>"})
    EXPECT_NE(report.find(part), std::string::npos) << part;
}

// The HTML pages of two runs and of a fleet, from one real run: compare overlays it on itself
// (no change), and merge lists a directory without a result as failed and exits 1.
TEST(RunQuick, CompareAndMergeWriteTheirPages) {
  FakeTree tree;
  const auto out = tree.root() / "a";
  ASSERT_EQ(testing::run_cli("run --quick --no-progress --workloads sha256d --out " + out.string()).exit_code,
            0);
  const auto cmp = testing::run_cli("compare " + out.string() + " " + out.string() + " --html " +
                                    (tree.root() / "cmp.html").string());
  EXPECT_EQ(cmp.exit_code, 0) << cmp.output;
  const std::string page = slurp(tree.root() / "cmp.html");
  EXPECT_NE(page.find("no regression"), std::string::npos);
  EXPECT_NE(page.find("base dashed"), std::string::npos);
  std::filesystem::create_directories(tree.root() / "failed-node");
  const auto merge = testing::run_cli("merge " + out.string() + " " + (tree.root() / "failed-node").string() +
                                      " --csv " + (tree.root() / "fleet.csv").string() + " --html " +
                                      (tree.root() / "fleet.html").string());
  EXPECT_EQ(merge.exit_code, 1) << merge.output;
  const std::string csv = slurp(tree.root() / "fleet.csv");
  EXPECT_NE(csv.find(out.string() + ","), std::string::npos) << csv;
  EXPECT_NE(csv.find("failed-node,failed-node,,failed,"), std::string::npos) << csv;
  EXPECT_NE(slurp(tree.root() / "fleet.html").find("failed"), std::string::npos);
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
  expect_schema_valid(out);
}

// A run forced onto the portable kernel describes that kernel, not the machine: where a library is
// built in to show it, the verdict says so.
TEST(RunQuick, PortableKernelIsFlaggedAgainstTheLibrary) {
  FakeTree tree;
  const auto out = tree.root() / "out";
  const auto r = testing::run_cli(
      "run --quick --no-progress --workloads ffn-b32 --kernel portable --actuators duty --levels 100,50 "
      "--step-to 50 --out " +
      out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = load_results(out);
  const json& l = j["workloads"][0]["kernel_vs_library"];
  EXPECT_EQ(j["workloads"][0]["kernel"], "gemm_f32_portable_4x16");
  if (!l["ratio"].is_number()) GTEST_SKIP() << "no library to compare with: " << l["reason"];
  bool flagged = false;
  for (const auto& c : j["validity"]["checks"])
    flagged |= c["name"] == "ffn-b32-fp32: kernel vs library" && c["ok"] == false;
  EXPECT_LT(l["ratio"].get<double>(), 0.8) << l.dump();
  EXPECT_TRUE(flagged) << j["validity"].dump(2);
  EXPECT_NE(r.output.find("describes our kernel more than the machine"), std::string::npos) << r.output;
  // The serving probe: every batch size up to the model's after each idle gap; no back to probe.
  const json& sv = j["serving"];
  ASSERT_TRUE(sv["alone"]["batch_ms"].is_array()) << sv;
  std::set<int> rows;
  for (const auto& c : sv["alone"]["batch_ms"]) {
    rows.insert(c["rows"].get<int>());
    EXPECT_GT(c["median"].get<double>(), 0);
    EXPECT_GE(c["n"].get<double>(), 10);
    EXPECT_GE(c["slept_ms"].get<double>(), 0.9 * c["gap_ms"].get<double>());  // slept about the gap asked for
  }
  EXPECT_EQ(rows, (std::set<int>{1, 2, 4, 8, 16, 32}));
  EXPECT_EQ(sv["alone"]["batch_ms"].size(), 6u * sv["idle_gaps_ms"].size());
  EXPECT_TRUE(sv["beside_back"].is_null());
  expect_schema_valid(out);
}

// `run --meter` against DMTF's Redfish mockup, its power sensor PATCHed every 100 ms to 150 W +
// 250 W x the machine's busy share (a BMC metering this server): energy per unit comes from the
// meter, labelled measured at the wall, and the 100 ms meter is kept out of the step responses.
TEST(RunQuick, AWallMeterOverRedfishGivesMeasuredWallJoulesPerUnit) {
  testing::RedfishMockup mock;
  if (!mock.skip().empty()) GTEST_SKIP() << mock.skip();
  testing::Child trace({JOULEBENCH_PYTHON3_PATH, JOULEBENCH_REDFISH_TRACE, std::to_string(mock.port())});
  // A (fake) RAPL package beside it drawing 500 W, more than the meter ever reads: the meter
  // cannot be metering this CPU, and the verdict must say so.
  FakeTree tree;
  tree.add_rapl(0, 1000000000, 120000000, 150000000);
  testing::CounterWriter package(tree, "/sys/class/powercap/intel-rapl:0/energy_uj", 500.0, 1e-6, 1000000000);
  const auto out = tree.root() / "out";
  const auto r = testing::run_cli(
      "run --quick --no-progress --workloads sha256d --actuators duty,redfish:127.0.0.1/1U/limit "
      "--allow-hw-caps --levels 100,40 --step-to 40 --sysfs-root " +
      tree.root().string() + " --meter " + mock.chassis_url() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = load_results(out);
  // The chassis limit was swept (40% of its AllowableMax written and read back) and put back.
  const std::string limit_name = "redfish:127.0.0.1/1U/limit";
  std::vector<double> settings;
  std::vector<json> in_force;
  for (const auto& pt : j["workloads"][0]["curve"]) {
    if (pt["actuator"] != limit_name) continue;
    settings.push_back(pt["setting"].get<double>());
    in_force.push_back(pt["cap"]["in_force"]);
  }
  const json limit = mock.get("/redfish/v1/Chassis/1U/Controls/PowerLimit");
  ASSERT_EQ(settings.size(), 2u) << j["workloads"][0]["curve"].dump(1);
  EXPECT_DOUBLE_EQ(settings[1], 0.4 * limit["AllowableMax"].get<double>());
  ASSERT_TRUE(in_force[1].is_number()) << in_force[1];
  EXPECT_DOUBLE_EQ(in_force[1].get<double>(), settings[1]);  // read back from the mockup while swept
  EXPECT_DOUBLE_EQ(limit["SetPoint"].get<double>(), 500);    // the mockup's own value again
  EXPECT_EQ(j["energy_kind"], "measured");
  EXPECT_EQ(j["energy_location"], "wall");
  EXPECT_EQ(j["energy_sensor"], "redfish:127.0.0.1/1U/power");
  EXPECT_NE(r.output.find("measured (wall)"), std::string::npos) << r.output;
  const json& w = j["workloads"][0];
  const double watts = w["watts"].get<double>(), idle = j["idle"]["watts"].get<double>();
  // The trace spans 150..400 W; mining both cores reads near the top, idle near the bottom.
  EXPECT_GT(watts, idle) << "idle " << idle << " W, mining " << watts << " W";
  EXPECT_GE(idle, 150 - 1e-9);
  EXPECT_LE(watts, 400 + 1e-9);
  EXPECT_NEAR(w["joules_per_unit"]["gross"].get<double>(), watts / w["throughput_per_s"].get<double>(),
              1e-6 * watts / w["throughput_per_s"].get<double>());
  bool noted = false;
  for (const auto& st : w["steps"])
    noted |= st.value("power_note", "").find("cannot time how fast power follows") != std::string::npos;
  EXPECT_TRUE(noted) << w["steps"].dump(1);
  std::ifstream html_in(out / "report.html"), planner_in(out / "planner.json");
  const std::string html((std::istreambuf_iterator<char>(html_in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("redfish:127.0.0.1/1U/power"), std::string::npos);
  const json planner = json::parse(planner_in);
  EXPECT_EQ(planner["meter"]["placement"], "wall");
  // Both sources are shown; the meter below the package is flagged.
  const json& beside = w["beside_meter"];
  EXPECT_EQ(beside["sensors"][0], "powercap:package-0");
  EXPECT_EQ(beside["location"], "package");
  EXPECT_NEAR(beside["watts"].get<double>(), 500, 25);
  bool flagged = false;
  for (const auto& c : j["validity"]["checks"])
    flagged |= c["name"] == "sha256d: meter above package" && c["ok"] == false;
  EXPECT_TRUE(flagged) << j["validity"].dump(1);
  expect_schema_valid(out);
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

// `site --quick` with a 40% budget cut in the middle and a planner to check against: the site
// section has every figure the issue names, each watt figure labelled.
TEST(SiteQuick, WritesTheSiteSectionWithBudgetStepsAndPlanCheck) {
  FakeTree tree;
  tree.write("/cut.csv", "time_s,budget\n2,60%\n3,100%\n");
  json front1{{"name", "ffn-b1-fp32"}, {"unit", "inference"}, {"batch", 1}, {"actuators", json::array()}};
  front1["full"] = {
      {"throughput_per_s", 170.0}, {"watts", 18.0}, {"latency_ms", {{"p50", 6.0}, {"p99", 8.0}}}};
  json front32 = front1;
  front32["name"] = "ffn-b32-fp32";
  front32["batch"] = 32;
  front32["full"]["throughput_per_s"] = 45.0;
  json duty{{"name", "duty"},
            {"levels", json::array({json{{"level", 1.0}, {"throughput_per_s", 2e7}, {"watts", 19.0}}})}};
  json back{{"name", "sha256d"},
            {"unit", "hash"},
            {"actuators", json::array({duty})},
            {"full", {{"throughput_per_s", 2e7}, {"watts", 19.0}}}};
  tree.write("/planner/planner.json", json{{"schema", "joulebench-planner/2"},
                                           {"energy_kind", "estimated"},
                                           {"idle_watts", 11.0},
                                           {"workloads", json::array({front1, front32, back})}}
                                          .dump());
  const auto out = tree.root() / "site";
  const auto r = testing::run_cli("site --quick --no-progress --duration 4 --budget 100% --budget-schedule " +
                                  (tree.root() / "cut.csv").string() + " --planner " +
                                  (tree.root() / "planner").string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = load_results(out);
  EXPECT_TRUE(j["complete"].get<bool>());
  expect_schema_valid(out);
  const json& site = j["site"];
  for (const char* phase : {"alone", "corun"}) {
    for (const char* q : {"p50", "p99", "p999", "slo_attainment"})
      EXPECT_TRUE(site["front"]["latency_ms"][phase][q].is_number()) << phase << " " << q;
  }
  // The back mines at background priority: on a machine busy with other work it may get no time
  // while the front runs, so only mining alone must show hashes.
  EXPECT_GT(site["back"]["units_per_s"]["alone"].get<double>(), 0);
  EXPECT_GE(site["back"]["units_per_s"]["corun"].get<double>(), 0);
  EXPECT_TRUE(site["back"].contains("spare_harvested"));
  for (const char* k : {"mean", "std", "peak", "over_budget_fraction", "over_budget_joules"})
    EXPECT_TRUE(site["power"]["corun"].contains(k)) << k;
  EXPECT_TRUE(site["power"].contains("std_with_back"));
  EXPECT_TRUE(site["power"].contains("std_without_back"));
  ASSERT_EQ(site["budget_steps"].size(), 2u);
  EXPECT_NEAR(
      site["budget_steps"][0]["to_watts"].get<double>() / site["budget_steps"][0]["from_watts"].get<double>(),
      0.6, 1e-9);
  for (const auto& step : site["budget_steps"]) EXPECT_TRUE(step.contains("time_to_within_ms"));
  // Feasibility is judged before the co-run, per budget phase, with the policy that applies.
  for (const char* k : {"front_alone_watts", "budget_watts", "feasible", "policy", "margin_watts"})
    EXPECT_TRUE(site["feasibility"].contains(k)) << k;
  EXPECT_EQ(site["feasibility"]["policy"], "budget");
  EXPECT_EQ(site["feasibility"]["phases"].size(), 3u);
  // Adherence per phase of the schedule, with the band the controller held.
  ASSERT_EQ(site["power"]["phases"].size(), 3u);
  for (const auto& ph : site["power"]["phases"])
    for (const char* k : {"over_budget_fraction", "over_budget_joules", "band_watts", "budget_watts"})
      EXPECT_TRUE(ph.contains(k)) << k;
  EXPECT_TRUE(site["controller"]["settled_position_std"].is_number());
  // No serving probe in this planner: the batch time is fitted to its two back-to-back runs.
  EXPECT_EQ(site["plan"]["predicted"]["front"]["batch_time_ms"]["fitted_from"].size(), 2u);
  for (const char* phase : {"alone", "corun"})
    EXPECT_GT(site["front"]["service"][phase]["batches"].get<double>(), 0) << phase;
  EXPECT_TRUE(site["plan"]["error_pct"].contains("site_watts"));
  // Other processes and VM steal beside each phase, each judged by the verdict.
  for (const char* phase : {"front_alone", "back_alone", "corun"}) {
    EXPECT_TRUE(site["background"][phase].contains("ok")) << phase;
    bool judged = false;
    for (const auto& c : j["validity"]["checks"])
      judged = judged || c["name"].get<std::string>().rfind(std::string("site ") + phase + ":", 0) == 0;
    EXPECT_TRUE(judged) << phase;
  }
  // The machine's drift since the run: the plan's inputs against the site's phases alone.
  const json& drift = site["plan"]["machine_drift"]["front_busy_share_alone"];
  EXPECT_EQ(drift["measured"], site["front"]["busy_fraction"]["alone"]);
  EXPECT_NEAR(drift["error_pct"].get<double>(),
              100 * (drift["predicted"].get<double>() / drift["measured"].get<double>() - 1), 1e-9);
  EXPECT_NEAR(site["plan"]["machine_drift"]["back_units_per_s_alone_error_pct"].get<double>(),
              100 * (1 / site["plan"]["calibrated"]["calibration"]["back_rate_scale"].get<double>() - 1),
              1e-9);
  EXPECT_NE(r.output.find("the machine's drift since the run"), std::string::npos);
  expect_labelled(j, "results");
  const auto html = tree.read("/site/report.html");
  EXPECT_NE(html.find("Site"), std::string::npos);
  EXPECT_NE(r.output.find(j["energy_kind"].get<std::string>() == "measured" ? "measured" : "ESTIMATED"),
            std::string::npos);
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
  expect_schema_valid(out);
}

}  // namespace
}  // namespace joulebench::suite
