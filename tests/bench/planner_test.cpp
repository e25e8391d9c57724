// planner.json v2 from a results document: the efficiency frontier across actuators, the step
// dynamics in a grid operator's terms and the meter, on round numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "results/export.hpp"
#include "results/planner.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
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

// The best back rate by enumeration: every duty segment (linear in t on [0, 1], so the best
// feasible t is an end of the feasible interval) and every worker count, within `avail` watts
// over the back's share of time.
double oracle_back_rate(const std::vector<std::array<double, 2>>& duty,
                        const std::vector<std::array<double, 2>>& workers, double avail, double share) {
  double best = 0;
  for (std::size_t i = 1; i < duty.size(); ++i) {
    const auto& [w0, r0] = duty[i - 1];
    const auto& [w1, r1] = duty[i];
    std::vector<double> ts{0, 1};
    if (w1 != w0) ts.push_back(std::clamp((avail / share - w0) / (w1 - w0), 0.0, 1.0));
    for (double t : ts) {
      if (share * (w0 + t * (w1 - w0)) <= avail + 1e-9) best = std::max(best, share * (r0 + t * (r1 - r0)));
    }
  }
  for (const auto& [w, r] : workers)
    if (share * w <= avail + 1e-9) best = std::max(best, share * r);
  return best;
}

TEST(PlanMilp, AgreesWithABruteForceOracleOnRandomCurves) {
  std::mt19937 rng(20261207);
  std::uniform_real_distribution<double> u(0, 1);
  int feasible = 0, infeasible = 0, nonconcave = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const double idle = 10;
    json duty{{"name", "duty"}, {"levels", json::array()}};
    std::vector<std::array<double, 2>> dpts{{0, 0}};
    double w = 0, r = 0;
    for (int l = 1; l <= 10; ++l) {
      w += 0.2 + 3 * u(rng);
      r += (u(rng) < 0.3 ? 0.1 : 1.0) * 1e6 * (0.2 + u(rng));  // some flat steps: non-concave
      duty["levels"].push_back(
          {{"level", l / 10.0}, {"setting", l / 10.0}, {"watts", idle + w}, {"throughput_per_s", r}});
      dpts.push_back({w, r});
    }
    for (std::size_t i = 2; i < dpts.size(); ++i) {
      const double s0 = (dpts[i - 1][1] - dpts[i - 2][1]) / (dpts[i - 1][0] - dpts[i - 2][0]);
      const double s1 = (dpts[i][1] - dpts[i - 1][1]) / (dpts[i][0] - dpts[i - 1][0]);
      nonconcave += s1 > s0 * 1.0001;
    }
    json workers{{"name", "workers"}, {"levels", json::array()}};
    std::vector<std::array<double, 2>> wpts;
    for (int k = 1; k <= 3; ++k) {
      const double ww = w * k / 3 * (0.6 + 0.6 * u(rng)), rr = r * k / 3 * (0.6 + 0.6 * u(rng));
      workers["levels"].push_back(
          {{"level", k / 3.0}, {"setting", k}, {"watts", idle + ww}, {"throughput_per_s", rr}});
      wpts.push_back({ww, rr});
    }
    json back{{"name", "sha256d"}, {"unit", "hash"}, {"actuators", json::array({duty, workers})}};
    json front{{"name", "ffn-b4-fp32"}, {"unit", "inference"}, {"batch", 4}, {"actuators", json::array()}};
    front["full"] = {{"throughput_per_s", 50.0 + 100 * u(rng)}, {"watts", idle + 5 + 20 * u(rng)}};
    const json doc{{"schema", "joulebench-planner/2"},
                   {"energy_kind", "estimated"},
                   {"idle_watts", idle},
                   {"workloads", json::array({front, back})}};
    suite::PlanRequest req;
    req.budget_watts = idle + (w + 10) * u(rng);
    req.demand_per_s = u(rng) < 0.5 ? 0 : 300 * u(rng);
    if (u(rng) < 0.2) req.slo_ms = 1 + 60 * u(rng);
    const json p = suite::plan(doc, req);
    double share = 0, front_extra = 0;
    bool front_ok = true;
    if (req.demand_per_s > 0) {
      share = p["front"]["share"].get<double>();
      front_extra = share * (front["full"]["watts"].get<double>() - idle);
      const json& p99 = p["front"]["predicted_p99_ms"];
      front_ok = p["front"]["capacity_per_s"].get<double>() > req.demand_per_s &&
                 idle + front_extra <= req.budget_watts &&
                 (!req.slo_ms || (p99.is_number() && p99.get<double>() <= *req.slo_ms));
    }
    const double avail = req.budget_watts - idle - front_extra;
    ASSERT_EQ(p["feasible"].get<bool>(), front_ok && avail >= -1e-9) << "trial " << trial << ": " << p.dump();
    if (!p["feasible"].get<bool>()) {
      ++infeasible;
      EXPECT_FALSE(p["infeasible_because"].empty());
      continue;
    }
    ++feasible;
    const double expect = oracle_back_rate(dpts, wpts, avail, 1 - share);
    EXPECT_NEAR(p["objective"].get<double>(), expect, 1e-6 * std::max(1.0, expect)) << "trial " << trial;
    EXPECT_NEAR(p["back"]["units_per_s"].get<double>(), expect, 1e-6 * std::max(1.0, expect))
        << "trial " << trial;
    EXPECT_LE(p["site"]["watts"].get<double>(), req.budget_watts + 1e-6) << "trial " << trial;
  }
  // the seeds cover every case the test exists for
  EXPECT_GT(feasible, 100);
  EXPECT_GT(infeasible, 20);
  EXPECT_GT(nonconcave, 100);
}

TEST(PlanMilp, TheLpTextIsTheProblemSolved) {
  json duty{{"name", "duty"},
            {"levels", json::array({json{{"level", 0.5}, {"watts", 15.0}, {"throughput_per_s", 50.0}},
                                    json{{"level", 1.0}, {"watts", 20.0}, {"throughput_per_s", 100.0}}})}};
  const json doc{
      {"schema", "joulebench-planner/2"},
      {"idle_watts", 10.0},
      {"workloads",
       json::array({json{{"name", "sha256d"}, {"unit", "hash"}, {"actuators", json::array({duty})}}})}};
  suite::PlanRequest req;
  req.budget_watts = 17.5;
  std::string lp;
  const json p = suite::plan(doc, req, &lp);
  EXPECT_NEAR(p["objective"].get<double>(), 75, 1e-9);  // half way between the points: 17.5 W
  EXPECT_NEAR(p["back"]["duty_level"].get<double>(), 0.75, 1e-9);
  EXPECT_EQ(lp.rfind("\\* joulebench plan", 0), 0u);
  for (const char* part : {"Maximize", "Subject To", " site_watts:", "<= 7.5", "Bounds", "General", "End"})
    EXPECT_NE(lp.find(part), std::string::npos) << part << "\n" << lp;
}

}  // namespace
}  // namespace joulebench
