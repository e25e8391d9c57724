// The suite: results schema round-trip, compare on doctored files, merge, a --quick end-to-end
// run (files exist and parse, every energy figure labelled), and SIGINT leaving a valid partial.
#include <gtest/gtest.h>
#include <fstream>
#include <functional>
#include <thread>

#include "../power/fake_tree.hpp"
#include "report/chart.hpp"
#include "report/pages.hpp"
#include "results/fleet.hpp"
#include "results/outputs.hpp"
#include "results/si.hpp"
#include "results/validity.hpp"
#include "suite/progress.hpp"
#include "test_support.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
using testing::FakeTree;

json sample_results(double throughput, double jpu, double spread_pct) {
  const auto stats = [&](double mid) {
    return json{{"median", mid},
                {"p5", mid * (1 - spread_pct / 100)},
                {"p95", mid * (1 + spread_pct / 100)},
                {"min", mid * (1 - spread_pct / 100)},
                {"max", mid * (1 + spread_pct / 100)},
                {"n", 5}};
  };
  json w{{"name", "sha256d"},
         {"unit", "hash"},
         {"kernel", "avx512"},
         {"threads", 2},
         {"throughput_per_s", throughput},
         {"watts", 20.0},
         {"energy_kind", "estimated"},
         {"joules_per_unit", {{"gross", jpu}, {"net", jpu / 2}, {"energy_kind", "estimated"}}},
         {"spread", {{"throughput_per_s", stats(throughput)}, {"joules_per_unit_gross", stats(jpu)}}},
         {"curve", json::array({{{"actuator", "duty"},
                                 {"level", 0.5},
                                 {"setting", 0.5},
                                 {"watts", 15.0},
                                 {"energy_kind", "estimated"},
                                 {"throughput_per_s", throughput / 2},
                                 {"joules_per_unit", {{"gross", jpu}, {"net", jpu}}},
                                 {"cap_binding_fraction", 0.9}}})},
         {"steps", json::array({{{"actuator", "duty"},
                                 {"direction", "down"},
                                 {"from", 1.0},
                                 {"to", 0.3},
                                 {"repeats", 3},
                                 {"react_ms", 1.5},
                                 {"react_ms_p95", 2.0},
                                 {"settle_ms", 20.0},
                                 {"settle_ms_p95", 21.0},
                                 {"overshoot_pct", 1.0},
                                 {"overshoot_pct_p95", 2.0},
                                 {"unsettled", 0},
                                 {"energy_kind", "estimated"}}})},
         {"complete", true}};
  return {{"schema", "joulebench/1"},
          {"complete", true},
          {"quick", true},
          {"energy_kind", "estimated"},
          {"energy_sensor", "estimated:cpu"},
          {"machine", {{"hostname", "node1"}, {"cpu", "test cpu"}}},
          {"idle", {{"watts", 10.0}, {"energy_kind", "estimated"}}},
          {"method", {{"step_hold_s", 0.3}}},
          {"workloads", json::array({w})}};
}

std::string save(const FakeTree& tree, const std::string& name, const json& j) {
  tree.write("/" + name, j.dump());
  return (tree.root() / name).string();
}

TEST(ResultsSchema, RoundTripsThroughTheFilesAndCsv) {
  FakeTree tree;
  const json r = sample_results(1e8, 2e-7, 1);
  write_outputs(tree.root(), r,
                json::array({json::array({"sha256d", "duty", 0.3, -1.0, 1e8, 20.0, "estimated"})}));
  EXPECT_EQ(load_results(tree.root()), r);
  for (const char* f : {"results.json", "curves.csv", "steps.csv", "steps_timeseries.csv", "report.html"}) {
    EXPECT_TRUE(std::filesystem::exists(tree.root() / f)) << f;
  }
  const std::string curves = curves_csv(r);
  EXPECT_EQ(std::count(curves.begin(), curves.end(), '\n'), 2);
  EXPECT_NE(curves.find("node1,sha256d,hash,duty,0.5,0.5,,,15,,estimated"), std::string::npos) << curves;
  const std::string html = render_report(r, json::array());
  EXPECT_NE(html.find("estimated"), std::string::npos);
  EXPECT_EQ(html.find("http"),
            html.find("http://www.w3.org/2000/svg"));  // no network references but the SVG namespace
}

TEST(ResultsSchema, ReportReRendersFromTheFiles) {
  FakeTree tree;
  write_outputs(tree.root(), sample_results(1e8, 2e-7, 1),
                json::array({json::array({"sha256d", "duty", 0.3, -1.0, 1e8, 20.0, "estimated"}),
                             json::array({"sha256d", "duty", 0.3, 5.0, 3e7, nullptr, "estimated"})}));
  EXPECT_EQ(load_timeseries(tree.root()).size(), 2u);
  std::filesystem::remove(tree.root() / "report.html");
  const auto r = testing::run_cli("report " + tree.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GT(std::filesystem::file_size(tree.root() / "report.html"), 1000u);
  EXPECT_EQ(testing::run_cli("report " + (tree.root() / "nothing").string()).exit_code, 2);
}

TEST(ResultsSchema, LoadRejectsOtherSchemasAndGarbage) {
  FakeTree tree;
  json other = sample_results(1, 1, 1);
  other["schema"] = "joulebench/0";
  EXPECT_THROW(load_results(save(tree, "old.json", other)), std::runtime_error);
  tree.write("/bad.json", "{not json");
  EXPECT_THROW(load_results(tree.root() / "bad.json"), std::runtime_error);
  EXPECT_THROW(load_results(tree.root() / "missing.json"), std::runtime_error);
  // Found by fuzzing: two workloads of one name made a run regress against itself in compare.
  json twice = sample_results(1, 1, 1);
  twice["workloads"].push_back(twice["workloads"][0]);
  EXPECT_THROW(load_results(save(tree, "twice.json", twice)), std::runtime_error);
}

TEST(Compare, RegressionImprovementNoiseAndIncompatibleFiles) {
  FakeTree tree;
  const std::string base = save(tree, "base.json", sample_results(1e8, 2e-7, 1));
  auto r =
      testing::run_cli("compare " + base + " " + save(tree, "slow.json", sample_results(0.8e8, 2.5e-7, 1)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("REGRESSION"), std::string::npos);
  r = testing::run_cli("compare " + base + " " + save(tree, "fast.json", sample_results(1.2e8, 1.6e-7, 1)));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("improvement"), std::string::npos);
  // -8% but both runs spread +-10%: noise, not a regression.
  r = testing::run_cli("compare " + base + " " + save(tree, "noisy.json", sample_results(0.92e8, 2e-7, 10)) +
                       " --threshold 5");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("noise"), std::string::npos);
  json other = sample_results(1e8, 2e-7, 1);
  other["schema"] = "joulebench/0";
  r = testing::run_cli("compare " + base + " " + save(tree, "old.json", other));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(testing::run_cli("compare " + base + " /nonexistent.json").exit_code, 2);
}

TEST(Compare, RefusesWhatCannotBeComparedUnlessForced) {
  FakeTree tree;
  const std::string base = save(tree, "base.json", sample_results(1e8, 2e-7, 1));
  struct Case {
    const char* what;
    std::function<void(json&)> change;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"killed run", [](json& r) { r["complete"] = false; }, "the new run is incomplete"},
      {"no workloads", [](json& r) { r["workloads"] = json::array(); }, "the new run has no workloads"},
      {"quick vs full", [](json& r) { r["quick"] = false; }, "one run is --quick"},
      {"another CPU", [](json& r) { r["machine"]["cpu"] = "other cpu"; }, "different CPU models"},
      {"another kernel", [](json& r) { r["workloads"][0]["kernel"] = "shani"; }, "different kernel"},
      {"other threads", [](json& r) { r["workloads"][0]["threads"] = 1; }, "different threads"},
  };
  for (const auto& c : cases) {
    json now = sample_results(1e8, 2e-7, 1);
    c.change(now);
    const std::string file = save(tree, "now.json", now);
    auto r = testing::run_cli("compare " + base + " " + file);
    EXPECT_EQ(r.exit_code, 2) << c.what << "\n" << r.output;  // before: 0, "no regression"
    EXPECT_NE(r.output.find(c.reason), std::string::npos) << c.what << "\n" << r.output;
    r = testing::run_cli("compare " + base + " " + file + " --force");
    EXPECT_NE(r.exit_code, 2) << c.what << "\n" << r.output;
    EXPECT_NE(r.output.find("warning (forced)"), std::string::npos) << c.what;
  }
}

TEST(Compare, AMissingWorkloadIsARegressionAndMalformedFieldsAreNamed) {
  FakeTree tree;
  json base = sample_results(1e8, 2e-7, 1);
  json extra = base["workloads"][0];
  extra["name"] = "ffn-b1-fp32";
  base["workloads"].push_back(extra);
  const std::string b = save(tree, "base.json", base);
  auto r = testing::run_cli("compare " + b + " " + save(tree, "now.json", sample_results(1e8, 2e-7, 1)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ffn-b1-fp32"), std::string::npos);
  EXPECT_NE(r.output.find("missing"), std::string::npos);
  json typed = base;
  typed["workloads"][0]["spread"]["throughput_per_s"] = "wide";
  r = testing::run_cli("compare " + save(tree, "typed.json", typed) + " " + b);
  EXPECT_EQ(r.exit_code, 2) << r.output;  // before: exit 1, as if a regression, with parser text
  EXPECT_NE(r.output.find("/workloads/0/spread/throughput_per_s"), std::string::npos) << r.output;
}

TEST(Compare, JsonOutputIsJson) {
  FakeTree tree;
  const std::string base = save(tree, "base.json", sample_results(1e8, 2e-7, 1));
  const auto r = testing::run_cli("compare --json " + base + " " +
                                  save(tree, "slow.json", sample_results(0.8e8, 2.5e-7, 1)));
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.output);
  EXPECT_TRUE(j["regression"].get<bool>());
  EXPECT_TRUE(j["comparable"].get<bool>());
  EXPECT_EQ(j["changes"][0]["verdict"], "REGRESSION");
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Merge, RowsAreKeyedByDirectoryAndHostEvenWhenHostnamesRepeat) {
  FakeTree tree;
  json a = sample_results(1e8, 2e-7, 1), b = sample_results(2e8, 1e-7, 1);  // both hosts are "node1"
  tree.write("/r/n1/results.json", a.dump());
  tree.write("/r/n2/results.json", b.dump());
  const auto csv = tree.root() / "fleet.csv";
  const auto r = testing::run_cli("merge " + (tree.root() / "r/n1").string() + " " +
                                  (tree.root() / "r/n2").string() + " --csv " + csv.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string all = slurp(csv);
  EXPECT_NE(all.find((tree.root() / "r/n1").string() + ",node1,test cpu,ok,"), std::string::npos) << all;
  EXPECT_NE(all.find((tree.root() / "r/n2").string() + ",node1,test cpu,ok,"), std::string::npos) << all;
}

TEST(Merge, ListsFailedDirectoriesAsFailedNamesThemAndExits1) {
  FakeTree tree;
  json good = sample_results(1e8, 2e-7, 1), typed = sample_results(1e8, 2e-7, 1);
  typed["workloads"][0]["throughput_per_s"] = "fast";  // a wrong-typed field
  tree.write("/good/results.json", good.dump());
  tree.write("/typed/results.json", typed.dump());
  tree.write("/garbage/results.json", "{\"schema\": \"joulebench/1\", ");
  const auto csv = tree.root() / "fleet.csv";
  const auto r = testing::run_cli("merge " + (tree.root() / "garbage").string() + " " +
                                  (tree.root() / "good").string() + " " + (tree.root() / "typed").string() +
                                  " " + (tree.root() / "missing").string() + " --csv " + csv.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string all = slurp(csv);
  for (const char* failed : {"garbage", "typed", "missing"}) {
    EXPECT_NE(r.output.find("failed " + (tree.root() / failed).string()), std::string::npos) << r.output;
    EXPECT_NE(all.find((tree.root() / failed).string() + "," + failed + ",,failed,"), std::string::npos)
        << all;
  }
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 5) << all;  // header, the good row, three failed rows
}

TEST(Merge, FlagsANodeFurtherFromTheMedianThanItsOwnSpreadAndListsInvalidRuns) {
  FakeTree tree;
  std::vector<std::filesystem::path> dirs;
  for (int i = 0; i < 4; ++i) {
    json r = sample_results(1e8, i == 3 ? 3e-7 : 2e-7 * (1 + 0.001 * i), 2);  // node 3 needs 1.5x the energy
    if (i == 2) r["validity"] = {{"verdict", "invalid"}, {"checks", json::array()}};
    tree.write("/n" + std::to_string(i) + "/results.json", r.dump());
    dirs.push_back(tree.root() / ("n" + std::to_string(i)));
  }
  const Fleet f = load_fleet(dirs);
  ASSERT_EQ(f.nodes.size(), 4u);
  EXPECT_EQ(f.nodes[2].status, "invalid");  // listed, not dropped; not part of the median
  EXPECT_FALSE(f.nodes[0].workloads[0].outlier);
  EXPECT_FALSE(f.nodes[1].workloads[0].outlier);
  EXPECT_TRUE(f.nodes[3].workloads[0].outlier) << f.nodes[3].workloads[0].outlier_note;
  EXPECT_TRUE(f.skipped().empty());
  const std::string page = render_fleet(f);
  EXPECT_NE(page.find("(outlier)"), std::string::npos);
  EXPECT_NE(page.find("invalid"), std::string::npos);
}

TEST(Progress, TimeLeftFollowsThePaceOfTheFinishedStages) {
  Progress slow(false);
  slow.set_plan(1.0);
  slow.set_stage("a", "", "", 0.1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // at least twice the plan
  slow.set_stage("b", "", "", 0.1);
  // Uncorrected, 0.8 s of plan would be left; at >= 2x the pace it is >= 1.6 s (clamped at 4x).
  EXPECT_GE(slow.seconds_left(), 1.6 - 0.05);
  EXPECT_LE(slow.seconds_left(), 0.9 * 4 + 1e-9);
  Progress fast(false);
  fast.set_plan(30);
  fast.set_stage("a", "", "", 10);
  fast.set_stage("b", "", "", 10);  // stage a took ~0 s of its 10: the pace clamps at 0.5x
  EXPECT_NEAR(fast.seconds_left(), 10 * 0.5 + 10 * 0.5, 0.1);
}

TEST(Chart, SiTicksAndMarkerLabelsInRowsAboveThePlot) {
  html::Chart c{.title = "t",
                .x = {.label = "time", .unit = "ms", .min = -20.0, .max = 100.0},
                .y = {.label = "throughput", .unit = "H/s"},
                .series = {{"s", {-10, 0, 50, 100}, {4.1e7, 4.0e7, 2.0e7, 2.1e7}}},
                .markers = {{0, "cap command"}, {2, "react"}, {300, "outside"}}};
  const std::string svg = html::render(c);
  EXPECT_NE(svg.find("throughput (MH/s)"), std::string::npos);
  EXPECT_NE(svg.find(">40<"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("e+"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("outside"), std::string::npos);  // beyond the zoom's range
  // The two close labels are in different rows, both above the plot frame.
  const auto label_y = [&](const std::string& text) {
    const auto at = svg.rfind("<text", svg.find(">" + text + "<"));
    return std::stod(svg.substr(svg.find("y='", at) + 3));
  };
  const auto frame = svg.find("class='frame'");
  const double top = std::stod(svg.substr(svg.rfind("y='", frame) + 3));
  EXPECT_NE(label_y("cap command"), label_y("react"));
  EXPECT_LT(std::max(label_y("cap command"), label_y("react")), top);
}

TEST(RunErrors, AnEarlierRunsResultsAreNeverMixedWithANewOne) {
  FakeTree tree;
  tree.write("/out/results.json", "{}");
  tree.write("/out/report.html", "old");
  const auto r = testing::run_cli("run --quick --out " + (tree.root() / "out").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("already holds results (results.json, report.html)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  EXPECT_EQ(tree.read("/out/report.html"), "old");
}

// A results document as a quiet, measured, full run would leave it, for the validity checks.
json clean_results() {
  json r = sample_results(1e8, 2e-7, 1);
  r["quick"] = false;
  r["energy_kind"] = "measured";
  r["energy_sensor"] = "powercap:package-0";
  const json quiet{{"ok", true}, {"other_cores", 0.01}, {"steal_pct", 0.0}, {"ticks", 1000}};
  r["idle"] = {{"watts", 10.0}, {"ok", true}, {"energy_kind", "measured"}, {"background", quiet}};
  r["limiters"] = {{"before", json::array({{{"name", "powercap:package-0"}, {"value", 120.0}}})},
                   {"after", json::array({{{"name", "powercap:package-0"}, {"value", 120.0}}})}};
  json& w = r["workloads"][0];
  w["warmup"] = {{"steady", true}};
  w["background"] = quiet;
  w["energy_ok"] = true;
  w["measured_seconds"] = 60.0;
  w["sampler"] = {{"achieved_hz", 999.0},
                  {"max_gap_ms", 2.0},
                  {"ticks", 60000},
                  {"late_ticks", 3},
                  {"overhead_pct", 0.4}};
  w["curve"][0]["energy_ok"] = true;
  w["curve"][0]["cap"] = {{"requested", 0.5}, {"in_force", 0.5}, {"warning", ""}};
  return r;
}

TEST(Validity, AQuietMeasuredFullRunIsValid) {
  const json v = validity(clean_results());
  EXPECT_EQ(v["verdict"], "valid") << v.dump(2);
  EXPECT_EQ(verdict_line(v), "Result is VALID");
}

TEST(Validity, EachProblemGivesItsVerdict) {
  struct Case {
    const char* what;
    std::function<void(json&)> spoil;
    const char* verdict;
    const char* check;
  };
  const std::vector<Case> cases = {
      {"a busy loop beside the run", [](json& r) { r["workloads"][0]["background"]["other_cores"] = 1.0; },
       "invalid", "sha256d: quiet machine"},
      {"an emulator under the run",
       [](json& r) {
         r["machine"]["emulated"] = "an aarch64 binary on a CPU whose /proc/cpuinfo is x86-64's";
       },
       "invalid", "native execution"},
      {"a little background load", [](json& r) { r["idle"]["background"]["other_cores"] = 0.1; }, "warnings",
       "idle: quiet machine"},
      {"heavy VM steal", [](json& r) { r["idle"]["background"]["steal_pct"] = 15.0; }, "invalid",
       "idle: quiet machine"},
      {"a busy loop beside a site's co-run",
       [](json& r) {
         const json quiet{{"ok", true}, {"other_cores", 0.01}, {"steal_pct", 0.0}, {"ticks", 1000}};
         r["site"]["background"] = {{"front_alone", quiet}, {"back_alone", quiet}, {"corun", quiet}};
         r["site"]["background"]["corun"]["other_cores"] = 0.9;
       },
       "invalid", "site corun: quiet machine"},
      {"a limiter left changed", [](json& r) { r["limiters"]["after"][0]["value"] = 75.0; }, "invalid",
       "limiters unchanged"},
      {"interrupted", [](json& r) { r["complete"] = false; }, "invalid", "run complete"},
      {"quick", [](json& r) { r["quick"] = true; }, "warnings", "full run"},
      {"estimated energy", [](json& r) { r["energy_kind"] = "estimated"; }, "warnings", "energy measured"},
      {"our kernel far behind the library",
       [](json& r) {
         r["workloads"][0]["kernel_vs_library"] = {{"library", "onednn"},
                                                   {"implementation", "brg:avx512_core"},
                                                   {"ratio", 0.2},
                                                   {"reason", nullptr}};
       },
       "warnings", "sha256d: kernel vs library"},
      {"an estimate from a CPU the coefficient table lacks",
       [](json& r) {
         r["power_source"] =
             json::array({{{"name", "estimated:cpu"},
                           {"kind", "estimated"},
                           {"primary", true},
                           {"estimate",
                            {{"method", "coefficients"},
                             {"architecture", "unknown: mean of the 11 GenuineIntel rows"},
                             {"cpu", "GenuineIntel family 6 model 0x97"},
                             {"fallback", true},
                             {"warning", "CPU GenuineIntel family 6 model 0x97 is not in the table"}}}}});
       },
       "warnings", "estimate coefficients"},
      {"not steady", [](json& r) { r["workloads"][0]["warmup"]["steady"] = false; }, "warnings",
       "sha256d: warm-up steady"},
      {"a curve point without energy",
       [](json& r) {
         r["workloads"][0]["curve"][0]["energy_ok"] = false;
         r["workloads"][0]["curve"][0]["watts"] = nullptr;
       },
       "warnings", "sha256d: curve energy"},
      {"a cap read back differently",
       [](json& r) { r["workloads"][0]["curve"][0]["cap"]["warning"] = "asked 0.5"; }, "warnings",
       "sha256d: caps read back"},
      {"negative net energy", [](json& r) { r["workloads"][0]["joules_per_unit"]["net"] = -0.229; },
       "invalid", "sha256d: net energy positive"},
      {"sampler overhead -75%", [](json& r) { r["workloads"][0]["sampler"]["overhead_pct"] = -75.0; },
       "warnings", "sha256d: sampler overhead"},
      {"a slow sampler", [](json& r) { r["workloads"][0]["sampler"]["achieved_hz"] = 500.0; }, "warnings",
       "sha256d: sampler rate"},
      {"50 s measured", [](json& r) { r["workloads"][0]["measured_seconds"] = 50.0; }, "warnings",
       "sha256d: measured duration"},
  };
  for (const auto& c : cases) {
    json r = clean_results();
    c.spoil(r);
    const json v = validity(r);
    EXPECT_EQ(v["verdict"], c.verdict) << c.what;
    bool named = false;
    for (const auto& check : v["checks"]) named = named || (check["name"] == c.check && check["ok"] == false);
    EXPECT_TRUE(named) << c.what << " should fail " << c.check;
    EXPECT_NE(verdict_line(v).find(c.check), std::string::npos) << c.what;
  }
}

TEST(RunErrors, BadWorkloadActuatorAndLevelsAreNamed) {
  EXPECT_EQ(testing::run_cli("run --quick --workloads bitcoin").exit_code, 2);
  const auto r = testing::run_cli("run --quick --actuators powercap:package-0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--allow-hw-caps"), std::string::npos) << r.output;
  EXPECT_NE(testing::run_cli("run --levels 150").output.find("--levels item '150'"), std::string::npos);
}

}  // namespace
}  // namespace joulebench::suite

namespace joulebench::cli {
namespace {

TEST(SiFormat, PrefixesAndThreeSignificantDigits) {
  EXPECT_EQ(si(4.12e7, "H/s"), "41.2 MH/s");
  EXPECT_EQ(si(1.82e-7, "J/hash"), "182 nJ/hash");
  EXPECT_EQ(si(5.49e6, "H/J"), "5.49 MH/J");
  EXPECT_EQ(si(0.0163, "J/inf"), "16.3 mJ/inf");
  EXPECT_EQ(si(61.3, "inf/J"), "61.3 inf/J");
  EXPECT_EQ(si(999.96, "W"), "1.00 kW");  // rounding carries into the next prefix
  EXPECT_EQ(si(-2.5e-3, "s"), "-2.50 ms");
  EXPECT_EQ(si(0, "W"), "0 W");
  EXPECT_EQ(si(NAN, "W"), "-");
  EXPECT_EQ(sig(1161.8), "1162");
  EXPECT_EQ(sig(0.004321), "0.00432");
}

}  // namespace
}  // namespace joulebench::cli
