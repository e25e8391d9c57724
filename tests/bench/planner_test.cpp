// planner.json v2 from a results document: the efficiency frontier across actuators, the step
// dynamics in a grid operator's terms and the meter, on round numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "results/export.hpp"
#include "results/planner.hpp"

#include <algorithm>
#include <sstream>

namespace joulebench {
namespace {

using json = nlohmann::json;

json level(const char* actuator, double lvl, double setting, double watts, double rate) {
  return {{"actuator", actuator},
          {"unit", "fraction"},
          {"level", lvl},
          {"setting", setting},
          {"watts", watts},
          {"throughput_per_s", rate},
          {"joules_per_unit", {{"gross", watts / rate}}}};
}

json step(const char* actuator, const char* direction, double to_level, double react, double t90) {
  return {{"actuator", actuator}, {"direction", direction}, {"to_level", to_level},
          {"react_ms", react},    {"t90_ms", t90},          {"settle_ms", t90 + 5}};
}

// Idle 10 W. Duty: half at 15 W / 50 units/s, full at 20 W / 100. One worker of two: 14 W / 60
// (better than half duty), and a level that draws more than full duty for less work.
json results_doc() {
  json w{{"name", "sha256d"}, {"unit", "hash"}, {"kernel", "avx512"}, {"inputs", json::object()}};
  w["curve"] = json::array({level("duty", 0.5, 0.5, 15, 50), level("duty", 1.0, 1.0, 20, 100),
                            level("workers", 0.5, 1, 14, 60), level("workers", 1.0, 2, 21, 99)});
  w["steps"] = json::array({step("duty", "down", 0.5, 2, 12), step("duty", "restore", 0.5, 1, 7)});
  return {{"idle", {{"watts", 10.0}}},
          {"energy_kind", "measured"},
          {"power_source", json::array({{{"name", "rapl:package-0"},
                                         {"kind", "measured"},
                                         {"domain", "package"},
                                         {"primary", true},
                                         {"update_interval_s", 0.001},
                                         {"path", "/sys/class/powercap/intel-rapl:0"}}})},
          {"workloads", json::array({w})}};
}

TEST(PlannerV2, FrontierIsTheUpperConcaveHullAcrossActuators) {
  const json p = suite::planner_from_results(results_doc());
  EXPECT_EQ(p["schema"], "joulebench-planner/2");
  const json& points = p["workloads"][0]["frontier"]["points"];
  ASSERT_EQ(points.size(), 3u) << points.dump(1);
  EXPECT_EQ(points[0]["actuator"], "idle");
  EXPECT_EQ(points[0]["watts"], 10.0);
  EXPECT_EQ(points[1]["actuator"], "workers");  // 15 units/W above idle beats half duty's 10
  EXPECT_EQ(points[1]["setting"], 1);
  EXPECT_EQ(points[2]["actuator"], "duty");  // full duty; 2 workers (21 W, 99/s) is dominated
  EXPECT_EQ(points[2]["level"], 1.0);
  EXPECT_DOUBLE_EQ(points[2]["joules_per_unit"].get<double>(), 20.0 / 100);
  EXPECT_FALSE(p["workloads"][0]["frontier"]["between_points"].get<std::string>().empty());
}

TEST(PlannerV2, DynamicsInGridTerms) {
  const json p = suite::planner_from_results(results_doc());
  const json& d = p["workloads"][0]["dynamics"]["duty"];
  ASSERT_EQ(d.size(), 1u);
  EXPECT_DOUBLE_EQ(d[0]["response_delay_s"].get<double>(), 0.002);
  EXPECT_DOUBLE_EQ(d[0]["full_response_s"].get<double>(), 0.012);
  EXPECT_DOUBLE_EQ(d[0]["restoration_s"].get<double>(), 0.007);
  // 80% of the 5 W between full (20 W) and half duty (15 W) in t90 - react = 10 ms
  EXPECT_DOUBLE_EQ(d[0]["ramp_w_per_s"].get<double>(), 0.8 * 5 / 0.010);
  EXPECT_TRUE(d[0]["min_on_s"].is_null());  // not measured: said, not invented
  EXPECT_TRUE(p["workloads"][0]["dynamics"]["workers"].empty());
}

TEST(PlannerV2, MeterAndUnits) {
  const json p = suite::planner_from_results(results_doc());
  EXPECT_EQ(p["meter"]["kind"], "measured");
  EXPECT_EQ(p["meter"]["placement"], "package");
  EXPECT_DOUBLE_EQ(p["meter"]["sampling_interval_s"].get<double>(), 0.001);
  EXPECT_EQ(p["units"]["watts"], "W");
  json estimated = results_doc();
  estimated["power_source"][0]["kind"] = "estimated";
  EXPECT_NE(suite::planner_from_results(estimated)["meter"]["placement"].get<std::string>().find("model"),
            std::string::npos);
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, sep);) out.push_back(cell);
  return out;
}

TEST(Export, SpecpowerRowsPerTargetLoadThenIdleThenOverall) {
  const std::string csv = suite::export_specpower_csv(suite::planner_from_results(results_doc()));
  std::stringstream in(csv);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(split(line, ','));
  ASSERT_EQ(rows.size(), 1u + 2 + 1 + 1) << csv;  // header, duty 100% and 50%, idle, overall
  EXPECT_EQ(rows[0][2], "Target Load (%)");
  EXPECT_EQ(rows[0][5], "Average Active Power (W)");
  EXPECT_EQ(rows[1][2], "100");
  EXPECT_EQ(rows[2][2], "50");
  EXPECT_EQ(rows[2][3], "50");           // actual load: 50 of 100 units/s
  EXPECT_EQ(rows[2][6], "3.333333333");  // 50 units/s over 15 W
  EXPECT_EQ(rows[3][2], "Active Idle");
  EXPECT_EQ(rows[4][5], "45");           // 20 + 15 + 10 W
  EXPECT_EQ(rows[4][6], "3.333333333");  // 150 units/s over 45 W, as SPECpower sums both
  EXPECT_EQ(rows[1][7], "measured");
}

TEST(Export, PypsaColumnsArePypsaAttributesAndSegmentsSpanTheFrontier) {
  const auto files = suite::export_pypsa(suite::planner_from_results(results_doc()), 2.0, 5.0);
  ASSERT_TRUE(files.count("buses.csv") && files.count("generators.csv"));
  std::stringstream in(files.at("generators.csv"));
  std::string header;
  std::getline(in, header);
  const auto& attrs = suite::pypsa_generator_attributes();
  for (const auto& col : split(header, ','))
    EXPECT_NE(std::find(attrs.begin(), attrs.end(), col), attrs.end()) << col << " is not a PyPSA attribute";
  const auto cols = split(header, ',');
  const auto at = [&](const std::string& name) {
    return std::find(cols.begin(), cols.end(), name) - cols.begin();
  };
  double p_nom = 0;
  std::vector<double> costs;
  for (std::string line; std::getline(in, line);) {
    const auto cells = split(line, ',');
    p_nom += std::stod(cells[at("p_nom")]);
    costs.push_back(std::stod(cells[at("marginal_cost")]));
    EXPECT_EQ(cells[at("sign")], "-1");
  }
  EXPECT_NEAR(p_nom, (20 - 10) / 1e6, 1e-15);  // idle to full duty, in MW
  ASSERT_EQ(costs.size(), 2u);
  // The first segment adds 60 units per 4 W: 15 units/J = 5.4e10 per MWh, worth 2 each.
  EXPECT_NEAR(costs[0], -15 * 3.6e9 * 2, 1);
  EXPECT_LT(costs[0], costs[1]);  // a concave frontier: the first segment is the most valuable
}

TEST(Export, OpenMetricsFamiliesCarryTheirUnit) {
  const std::string text = suite::export_openmetrics(suite::planner_from_results(results_doc()));
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
  std::stringstream in(text);
  std::string family;
  int samples = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) family = split(line, ' ')[2];
    if (line.rfind("# UNIT ", 0) == 0) {
      const auto parts = split(line, ' ');
      EXPECT_EQ(parts[2], family);
      EXPECT_TRUE(family.size() > parts[3].size() && family.ends_with(parts[3])) << line;
    }
    if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(line.rfind(family + "{", 0), 0u) << line;
      ++samples;
    }
  }
  EXPECT_EQ(samples, 4 * 3 + 1 + 2);  // watts, rate, J/unit of 4 levels; idle; 1 step's 2 times
  EXPECT_NE(
      text.find("joulebench_power_watts{workload=\"sha256d\",unit=\"hashes\",actuator=\"duty\",level=\"0.5\","
                "energy_kind=\"measured\"} 15"),
      std::string::npos)
      << text;
}

TEST(Export, GeopmPolicyCapsAtThePlannedSiteWatts) {
  const json policy = suite::export_geopm_policy({{"site", {{"watts", 42.37}}}});
  EXPECT_EQ(policy, (json{{"POWER_PACKAGE_LIMIT_TOTAL", 42.3}}));
  EXPECT_THROW(suite::export_geopm_policy(json::object()), std::invalid_argument);
}

}  // namespace
}  // namespace joulebench
