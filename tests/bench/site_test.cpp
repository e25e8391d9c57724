// The site's parts: request streams, budgets and the site actuator, dynamic batching, the site
// figures, the worker-activity power model and the planner's allocation.
#include <gtest/gtest.h>

#include <functional>

#include <cmath>
#include <fstream>
#include <thread>

#include "../power/fake_tree.hpp"
#include "joulebench/inference/model.hpp"
#include "joulebench/power/sensor.hpp"
#include "results/planner.hpp"
#include "site/analysis.hpp"
#include "site/budget.hpp"
#include "site/front.hpp"
#include "site/stream.hpp"

namespace joulebench::site {
namespace {

using json = nlohmann::json;
using testing::FakeTree;

TEST(Stream, FormsAndErrors) {
  const LoadSpec p = parse_load("poisson:50%");
  EXPECT_TRUE(p.rate_share);
  EXPECT_DOUBLE_EQ(p.rate, 0.5);
  EXPECT_DOUBLE_EQ(mean_rate(p, 600, 10), 300);
  const LoadSpec b = parse_load("bursty:100,500,2");
  EXPECT_DOUBLE_EQ(mean_rate(b, 0, 10), 0.8 * 100 + 0.2 * 500);
  for (const char* bad :
       {"poisson", "poisson:-3", "poisson:fast", "bursty:1,2", "trace:", "gauss:3", "bursty:1,2,3%"}) {
    try {
      (void)parse_load(bad);
      ADD_FAILURE() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(Stream, PoissonRateIsRightAndSeeded) {
  const LoadSpec p = parse_load("poisson:2000");
  const auto a = arrivals(p, 0, 10, 7);
  // 20,000 expected; a Poisson count has sigma sqrt(N): within 5 sigma.
  EXPECT_NEAR(static_cast<double>(a.size()), 20000, 5 * std::sqrt(20000.0));
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(a, arrivals(p, 0, 10, 7));  // same seed, same requests
  EXPECT_NE(a, arrivals(p, 0, 10, 8));
}

TEST(Stream, BurstsCarryThePeakRate) {
  const auto a = arrivals(parse_load("bursty:500,5000,1"), 0, 20, 3);
  double in_burst = 0, outside = 0;
  for (double t : a) (std::fmod(t, 1.0) < 0.2 ? in_burst : outside) += 1;
  // 20 s: 4 s of bursts at 5000/s and 16 s at 500/s, each within 5 sigma.
  EXPECT_NEAR(in_burst, 20000, 5 * std::sqrt(20000.0));
  EXPECT_NEAR(outside, 8000, 5 * std::sqrt(8000.0));
}

TEST(Stream, TracesAreReadCheckedAndCut) {
  FakeTree tree;
  tree.write("/trace.csv", "t\n0.0\n0.5\n0.5\n2.5\n");
  const LoadSpec t = parse_load("trace:" + (tree.root() / "trace.csv").string());
  EXPECT_EQ(arrivals(t, 0, 2.0, 1), (std::vector<double>{0.0, 0.5, 0.5}));
  tree.write("/back.csv", "1\n0.5\n");
  EXPECT_THROW((void)parse_load("trace:" + (tree.root() / "back.csv").string()), std::invalid_argument);
}

TEST(Budget, WattsSharesAndSchedules) {
  EXPECT_DOUBLE_EQ(parse_budget("60W").watts(100), 60);
  EXPECT_DOUBLE_EQ(parse_budget("70%").watts(100), 70);
  EXPECT_THROW((void)parse_budget("lots"), std::invalid_argument);
  FakeTree tree;
  tree.write("/cut.csv", "time,watts\n20,60%\n30,100%\n");
  const BudgetSchedule s(parse_budget("100%"), BudgetSchedule::read((tree.root() / "cut.csv").string()));
  EXPECT_DOUBLE_EQ(s.watts_at(10, 50), 50);
  EXPECT_DOUBLE_EQ(s.watts_at(25, 50), 30);
  EXPECT_DOUBLE_EQ(s.watts_at(31, 50), 50);
  tree.write("/bad.csv", "5,10W\n2,20W\n");
  EXPECT_THROW((void)BudgetSchedule::read((tree.root() / "bad.csv").string()), std::invalid_argument);
}

TEST(SiteActuator, GivesUpTheBackFirstAndTheFrontOnlyWithTheBackStopped) {
  platform::ThrottleState back(2), front(2);
  SiteActuator a(back, front);
  a.set(0.75);  // half of the back, all of the front
  EXPECT_NEAR(back.run_fraction(), 0.5, 1e-6);
  EXPECT_EQ(back.active_workers(), 2u);
  EXPECT_DOUBLE_EQ(front.run_fraction(), 1.0);
  a.set(0.5);  // back stopped, front still untouched
  EXPECT_EQ(back.active_workers(), 0u);
  EXPECT_DOUBLE_EQ(front.run_fraction(), 1.0);
  a.set(0.25);  // now the front gives up half
  EXPECT_EQ(back.active_workers(), 0u);
  EXPECT_NEAR(front.run_fraction(), 0.5, 1e-6);
  EXPECT_DOUBLE_EQ(a.back_level(), 0.0);
  a.restore();
  EXPECT_EQ(back.active_workers(), 2u);
  EXPECT_DOUBLE_EQ(back.run_fraction(), 1.0);
  EXPECT_DOUBLE_EQ(front.run_fraction(), 1.0);
}

TEST(SiteActuator, HandsOverToTheFrontWithHysteresisAndNotAtAllUnderTheSloPolicy) {
  platform::ThrottleState back(2), front(2);
  SiteActuator a(back, front);
  a.set(0.47);  // just under the hand-over: inside the hysteresis, the front stays whole
  EXPECT_DOUBLE_EQ(front.run_fraction(), 1.0);
  a.set(0.4);  // past it: the front follows the position
  EXPECT_NEAR(front.run_fraction(), 0.8, 1e-6);
  a.set(0.47);  // and stays engaged until the position is back at the hand-over
  EXPECT_NEAR(front.run_fraction(), 0.94, 1e-6);
  a.set(0.5);
  EXPECT_DOUBLE_EQ(front.run_fraction(), 1.0);
  platform::ThrottleState back2(2), front2(2);
  SiteActuator slo(back2, front2, /*protect_front=*/true);
  slo.set(0.1);
  EXPECT_DOUBLE_EQ(front2.run_fraction(), 1.0);
  EXPECT_EQ(back2.active_workers(), 0u);
}

// The site's file inputs share one error helper: a missing file is named as such (no sysfs hint),
// and bytes from a file are escaped, never sent to the terminal.
TEST(SiteInputs, FileErrorsNameTheFileAndEscapeItsBytes) {
  FakeTree tree;
  tree.write("/trace.csv", "time_s\n\x1b[31mRED\x01");
  tree.write("/schedule.csv", "time_s,budget\n\x1b[2J,50%");
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  for (const std::string& m :
       {message([&] { (void)parse_load("trace:" + (tree.root() / "trace.csv").string()); }),
        message([&] { (void)BudgetSchedule::read((tree.root() / "schedule.csv").string()); })}) {
    EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
    EXPECT_NE(m.find("\\x1b"), std::string::npos) << m;
  }
  for (const std::string& m :
       {message([&] { (void)parse_load("trace:" + (tree.root() / "missing.csv").string()); }),
        message([&] { (void)BudgetSchedule::read((tree.root() / "missing.csv").string()); })}) {
    EXPECT_NE(m.find("missing.csv: no such file"), std::string::npos) << m;
    EXPECT_EQ(m.find("kernel"), std::string::npos) << m;
  }
}

TEST(Front, BatchesWhatArrivesWithinTheWaitAndYieldsPerBatch) {
  inference::ModelSpec spec = inference::parse_model("tiny");
  spec.batch = 4;
  inference::InferenceWorkload w(spec, nullptr, 1, false);
  FrontServer front(w, {4, 0.05});
  int yields = 0, resumes = 0;
  const Yield y{[&] { ++yields; }, [&] { ++resumes; }};
  // Three requests 1 ms apart (one batch: they arrive within the 50 ms wait), then six at once
  // 0.3 s later (a full batch of 4 and one of 2).
  const std::vector<double> a{0.0, 0.001, 0.002, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
  const auto requests = front.serve(a, std::chrono::steady_clock::now(), y, {});
  ASSERT_EQ(requests.size(), a.size());
  for (const auto& r : requests) {
    EXPECT_TRUE(r.served());
    EXPECT_GE(r.latency_ms(), 0);
    EXPECT_LE(r.batch, 4);
  }
  EXPECT_EQ(requests[0].batch, 3);
  EXPECT_EQ(requests[0].end, requests[2].end);
  EXPECT_EQ(requests[3].batch, 4);
  EXPECT_EQ(requests[8].batch, 2);
  EXPECT_EQ(yields, 3);
  EXPECT_EQ(resumes, 3);
  EXPECT_GE(requests[0].latency_ms(), 50 * 0.99);  // the first waited out the batching window
}

TEST(SiteFigures, LatencyAndSlo) {
  std::vector<Request> r(100);
  for (int i = 0; i < 100; ++i) r[i] = {.arrival = 0.01 * i, .end = 0.01 * i + (i + 1) * 1e-3, .batch = 1};
  r[99].end = -1;                        // unserved: an SLO miss
  const json l = latency_json(r, 50.5);  // off the grid: no rounding at the edge
  EXPECT_EQ(l["requests"], 100);
  EXPECT_EQ(l["unserved"], 1);
  EXPECT_NEAR(l["slo_attainment"].get<double>(), 0.50, 1e-9);  // 1..50 ms meet it
  EXPECT_NEAR(l["p50"].get<double>(), 50.0, 1e-6);
}

TEST(SiteFigures, PowerAgainstABudget) {
  const json p = power_stats({10, 20, 30, NAN}, {25, 25, 25, 25}, 0.1);
  EXPECT_DOUBLE_EQ(p["mean"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(p["peak"].get<double>(), 30);
  EXPECT_NEAR(p["over_budget_fraction"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(p["over_budget_joules"].get<double>(), 0.5, 1e-12);
}

// A counter sensor whose watts follow a schedule in sampler time.
class ScriptedPower final : public power::Sensor {
 public:
  explicit ScriptedPower(std::function<double(double)> watts) : watts_(std::move(watts)) {}
  /// Times the script on the sampler's clock (its t = 0).
  void set_epoch(std::chrono::steady_clock::time_point t0) { t0_ = t0; }
  std::string name() const override { return "test:scripted"; }
  std::string domain() const override { return "test"; }
  power::Provenance provenance() const override { return power::Provenance::measured; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return std::chrono::milliseconds(1); }
  power::SensorReading read() override {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    joules_ += watts_(last_) * (t - last_);
    last_ = t;
    return {true, joules_, {}};
  }

 private:
  std::function<double(double)> watts_;
  std::chrono::steady_clock::time_point t0_;
  double last_ = 0, joules_ = 0;
};

TEST(SiteFigures, TimeToGetInsideANewBudget) {
  // 100 W until 0.3 s, then down to 50 W by 0.4 s (a 100 ms ramp); budget 60 W from 0.3 s.
  ScriptedPower sensor([](double t) { return t < 0.3 ? 100.0 : t < 0.4 ? 100 - 500 * (t - 0.3) : 50.0; });
  power::Sampler sampler({&sensor}, {});
  sensor.set_epoch(sampler.instant(0));
  sampler.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  sampler.stop();
  const auto within = time_to_within_ms(sampler, 1, 0.3, 0.85, 60, 0.05);
  ASSERT_TRUE(within.has_value());
  // 61.2 W (60 W + 2%) is passed at 0.378 s; a 50 ms window's mean is under it from a start
  // near 0.353 s, 53 ms after the change (a sampler tick either way).
  EXPECT_GT(*within, 35.0);
  EXPECT_LT(*within, 100.0);
  // Still over at the end: never inside.
  EXPECT_FALSE(time_to_within_ms(sampler, 1, 0.3, 0.85, 40, 0.05).has_value());
}

TEST(WorkerActivity, IntegratesTheModelOverRunningWorkers) {
  std::atomic<double> busy{0};
  auto s = power::worker_activity_sensor({10, 4, "test", std::nullopt}, {[&] { return busy.load(); }}, 2);
  EXPECT_EQ(s->name(), "estimated:workers");
  EXPECT_EQ(s->provenance(), power::Provenance::estimated);
  power::Sampler sampler({s.get()}, {});
  sampler.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double t_mid = sampler.now();
  busy = 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double t_end = sampler.now();
  sampler.stop();
  const auto series = sampler.sensor_series(0);
  const auto idle = power::energy_in_window(series, true, series.t.front(), t_mid - 0.01);
  const auto busy2 = power::energy_in_window(series, true, t_mid + 0.01, t_end - 0.01);
  EXPECT_NEAR(idle.watts, 10, 0.01);
  EXPECT_NEAR(busy2.watts, 18, 0.01);  // 10 W + 2 cores x 4 W
}

// A planner document with round numbers: idle 10 W; the front (batch 2) does 100 inferences/s
// at 30 W with p99 20 ms; mining does 1e8 hashes/s at 30 W full, 5e7 at 20 W at half duty.
json planner_doc() {
  json front{{"name", "ffn-b2-fp32"}, {"unit", "inference"}, {"batch", 2}, {"actuators", json::array()}};
  front["full"] = {
      {"throughput_per_s", 100.0}, {"watts", 30.0}, {"latency_ms", {{"p50", 10.0}, {"p99", 20.0}}}};
  json duty{{"name", "duty"}, {"levels", json::array()}};
  duty["levels"].push_back({{"level", 0.5}, {"throughput_per_s", 5e7}, {"watts", 20.0}});
  duty["levels"].push_back({{"level", 1.0}, {"throughput_per_s", 1e8}, {"watts", 30.0}});
  json back{{"name", "sha256d"}, {"unit", "hash"}, {"actuators", json::array({duty})}};
  back["full"] = {{"throughput_per_s", 1e8}, {"watts", 30.0}};
  return {{"schema", "joulebench-planner/2"},
          {"energy_kind", "measured"},
          {"idle_watts", 10.0},
          {"workloads", json::array({front, back})}};
}

TEST(Planner, ServesTheDemandAndGivesTheRestToMining) {
  suite::PlanRequest r;
  r.budget_watts = 25;
  r.demand_per_s = 50;  // a quarter of the front's 200 requests/s
  r.value_per_hash = 1e-6;
  const json p = suite::plan(planner_doc(), r);
  // t(b) = 5 ms x b and no batch wait: busy 50/s x 5 ms per request, over a simulated stream of
  // 20,000 requests (the share's relative spread is about 1/sqrt(20000) = 0.7%).
  const double share = p["front"]["share"].get<double>();
  EXPECT_NEAR(share, 0.25, 0.01);
  EXPECT_NEAR(p["front"]["watts"].get<double>(), 10 + share * 20, 1e-9);
  EXPECT_DOUBLE_EQ(p["front"]["back_share"].get<double>(), 1 - share);  // no yield cost measured
  // A request waits at most for the batch in progress and then runs in a batch of a few.
  EXPECT_GT(p["front"]["predicted_p99_ms"].get<double>(), 5.0);
  EXPECT_LT(p["front"]["predicted_p99_ms"].get<double>(), 25.0);
  // 15 W above idle, less the front's share x 20 W, left for mining in the rest of the time:
  // between the half (10 W) and full (20 W) duty points.
  const double back_extra = (15 - share * 20) / (1 - share);
  EXPECT_NEAR(p["back"]["duty_level"].get<double>(), 0.5 + 0.5 * (back_extra - 10) / 10, 1e-9);
  EXPECT_NEAR(p["site"]["watts"].get<double>(), 25, 1e-9);
  EXPECT_TRUE(p["site"]["within_budget"].get<bool>());
  EXPECT_NEAR(p["value_per_s"].get<double>(), p["back"]["units_per_s"].get<double>() * 1e-6, 1e-9);
}

// The batcher simulation against cases with exact answers.
TEST(FrontLoad, AnIdleServerServesEachRequestAlone) {
  suite::BatchTime t;
  t.per_row_s = 5e-3;
  // 0.2 requests/s: 0.1% of requests find the server busy, so the 99th percentile is one alone.
  const suite::FrontLoad f = suite::front_load(t, 0.2, 8, 0);
  EXPECT_LT(f.mean_batch, 1.005);
  EXPECT_NEAR(f.p99_ms, 5.0, 1e-6);
  EXPECT_NEAR(f.busy_share, 0.2 * 5e-3 * f.mean_batch, 1e-4);
}

TEST(FrontLoad, TheBatchWaitGathersThePoissonArrivalsOfItsWindow) {
  suite::BatchTime t;
  t.fixed_s = 1e-6;
  // A free server, a 2 ms wait at 1000/s: 1 + 1000 x 2 ms = 3 requests per batch on average; the
  // first of each waits the whole 2 ms (a third of the requests), so that is the 99th percentile.
  const suite::FrontLoad f = suite::front_load(t, 1000, 100, 2e-3);
  EXPECT_NEAR(f.mean_batch, 3.0, 0.05);
  EXPECT_NEAR(f.p99_ms, 2.001, 1e-6);
  EXPECT_NEAR(f.batches_per_s, 1000 / f.mean_batch, 0.01 * 1000 / f.mean_batch);  // the stream's own rate
  // A long wait: every batch fills to max_batch (60,000 requests in batches of 4).
  const suite::FrontLoad full = suite::front_load(t, 1000, 4, 1.0);
  EXPECT_NEAR(full.mean_batch, 4.0, 1e-9);
  EXPECT_FALSE(full.overloaded);
}

// The batcher's thread wakes at the first request of a batch, at each one while the batch fills
// and at the deadline when it does not fill (site/front.cpp); the back pays for each wake.
TEST(FrontLoad, CountsTheWakesOfTheBatchersThread) {
  suite::BatchTime t;
  t.fixed_s = 1e-6;
  // No wait: one wake per batch, at its only request.
  const suite::FrontLoad alone = suite::front_load(t, 200, 8, 0);
  EXPECT_NEAR(alone.wakes_per_s, alone.batches_per_s, 1e-3 * alone.batches_per_s);
  // A long wait, batches of 4: woken by each of the 4 requests, never by the deadline.
  const suite::FrontLoad full = suite::front_load(t, 1000, 4, 1.0);
  EXPECT_NEAR(full.wakes_per_s / full.batches_per_s, 4.0, 1e-3);
  // A 2 ms wait at 1000/s, never full: 3 requests per batch on average, each a wake, and the
  // deadline.
  const suite::FrontLoad window = suite::front_load(t, 1000, 100, 2e-3);
  EXPECT_NEAR(window.wakes_per_s / window.batches_per_s, window.mean_batch + 1, 5e-3);  // 0.1%: busy for 1 us
  // A slow server (8 ms batches at 1000/s): the next batch is ready when it frees, no wakes.
  t.fixed_s = 8e-3;
  const suite::FrontLoad busy = suite::front_load(t, 1000, 16, 2e-3);
  EXPECT_LT(busy.wakes_per_s, 0.01 * busy.batches_per_s);
}

TEST(FrontLoad, MeasuredBatchTimesInterpolateAndExtendByTheLastSlope) {
  suite::BatchTime t;
  t.measured = {{0.5e-3, {{1, 1e-3}, {2, 1.2e-3}, {4, 2e-3}}}, {2e-3, {{1, 2e-3}, {2, 2.2e-3}, {4, 3e-3}}}};
  EXPECT_NEAR(t.at(1, 0.5e-3), 1e-3, 1e-12);
  EXPECT_NEAR(t.at(3, 0.5e-3), 1.6e-3, 1e-12);
  EXPECT_NEAR(t.at(6, 0.5e-3), 2.8e-3, 1e-12);  // 2 ms + 2 rows x 0.4 ms
  // Between gaps: linear in the gap; outside them: the nearest gap measured.
  EXPECT_NEAR(t.at(1, 1.25e-3), 1.5e-3, 1e-12);
  EXPECT_NEAR(t.at(3, 0), 1.6e-3, 1e-12);
  EXPECT_NEAR(t.at(3, 5e-3), 2.6e-3, 1e-12);
}

TEST(FrontLoad, EachBatchDrawsItsTimeFromTheMeasuredSpread) {
  suite::BatchTime t;
  t.per_row_s = 5e-3;
  // One batch in ten takes three times the median (between quantiles 0.9 and 0.901 it ramps).
  t.spread = {{0.01, 1.0}, {0.9, 1.0}, {0.901, 3.0}, {0.99, 3.0}};
  EXPECT_DOUBLE_EQ(t.spread_at(0.001), 1.0);
  EXPECT_DOUBLE_EQ(t.spread_at(0.95), 3.0);
  EXPECT_NEAR(t.spread_at(0.9005), 2.0, 1e-9);
  // 0.2 requests/s: no queueing, so latency is the batch's own time: p99 is a slow one, 15 ms,
  // and the busy share grows by the spread's mean (0.9 x 1 + 0.1 x 3 = 1.2).
  const suite::FrontLoad f = suite::front_load(t, 0.2, 8, 0);
  EXPECT_NEAR(f.p99_ms, 15.0, 1e-6);
  EXPECT_NEAR(f.busy_share, 0.2 * 5e-3 * 1.2 * f.mean_batch, 0.03 * 0.2 * 5e-3 * 1.2);
}

// With a serving probe in the planner, its batch times (beside the back) are the front's, and
// each yield's cost comes out of the back's time.
TEST(Planner, UsesTheServingProbeAndChargesEachYield) {
  json doc = planner_doc();
  doc["serving"] = {
      {"workload", "ffn-b2-fp32"},
      {"alone",
       {{"batch_ms", json::array({{{"rows", 1}, {"median", 9.0}}, {{"rows", 2}, {"median", 9.0}}})}}},
      {"beside_back",
       {{"batch_ms", json::array({{{"rows", 1}, {"median", 6.0}}, {{"rows", 2}, {"median", 8.0}}})},
        {"back", {{"lost_ms_per_yield", 0.5}}}}}};
  suite::PlanRequest r;
  r.budget_watts = 40;
  r.demand_per_s = 50;
  const json p = suite::plan(doc, r);
  const json& f = p["front"];
  EXPECT_NE(f["batch_time_ms"]["source"].get<std::string>().find("beside the yielding back"),
            std::string::npos);
  EXPECT_NEAR(f["batch_time_ms"]["at"][0]["ms"].get<double>(), 6.0, 1e-12);
  EXPECT_NEAR(f["capacity_per_s"].get<double>(), 2 / 8e-3, 1e-9);
  EXPECT_NEAR(f["yield_cost_ms"].get<double>(), 0.5, 1e-12);
  EXPECT_TRUE(f["batch_time_ms"]["spread"].empty());  // no min/p5/p95/max/n: every batch at its median
  const double back_share = 1 - f["share"].get<double>() - f["batches_per_s"].get<double>() * 0.5e-3;
  EXPECT_NEAR(f["back_share"].get<double>(), back_share, 1e-12);
  EXPECT_NEAR(p["back"]["units_per_s"].get<double>(), back_share * 1e8, 1e-3);  // full duty fits 40 W
}

// The probe's yield cost holds its one wake per batch; each further wake of the batcher costs
// the back what the probe measured per wake.
TEST(Planner, ChargesEachFurtherWakeOfTheBatcher) {
  json doc = planner_doc();
  doc["serving"] = {
      {"workload", "ffn-b2-fp32"},
      {"beside_back",
       {{"batch_ms", json::array({{{"rows", 1}, {"median", 1.0}}, {{"rows", 2}, {"median", 1.5}}})},
        {"back", {{"lost_ms_per_yield", 0.05}, {"wake", {{"lost_ms_per_wake", 0.03}}}}}}}};
  suite::PlanRequest r;
  r.budget_watts = 40;
  r.demand_per_s = 200;
  r.batch_wait_s = 5e-3;
  const json f = suite::plan(doc, r)["front"];
  EXPECT_NEAR(f["wake_cost_ms"].get<double>(), 0.03, 1e-12);
  const double bps = f["batches_per_s"].get<double>(), wakes = f["wakes_per_batch"].get<double>();
  // Two wakes a batch from a free server (its two requests, or the first and the deadline), none
  // for a request that came while it was busy.
  EXPECT_GT(wakes, 1.5);
  EXPECT_LT(wakes, 2.0);
  EXPECT_NEAR(f["back_share"].get<double>(),
              1 - f["share"].get<double>() - bps * 0.05e-3 - (wakes - 1) * bps * 0.03e-3, 1e-9);
  // Unmeasured or negative (noise): no charge.
  doc["serving"]["beside_back"]["back"]["wake"]["lost_ms_per_wake"] = -0.01;
  const json g = suite::plan(doc, r)["front"];
  EXPECT_NEAR(g["back_share"].get<double>(), 1 - g["share"].get<double>() - bps * 0.05e-3, 1e-9);
}

// The spread is pooled over the probe's cells, each weighted by its n, at the plotting positions
// of min and max.
TEST(Planner, PoolsTheServingProbesSpreadAroundItsMedians) {
  json doc = planner_doc();
  const auto cell = [](int rows, double median, double min, double p5, double p95, double max, int n) {
    return json{{"rows", rows}, {"median", median}, {"min", min}, {"p5", p5},
                {"p95", p95},   {"max", max},       {"n", n}};
  };
  doc["serving"] = {
      {"workload", "ffn-b2-fp32"},
      {"alone",
       {{"batch_ms", json::array({cell(1, 2.0, 1.6, 1.8, 3.0, 4.0, 40), cell(2, 4.0, 3.6, 3.8, 5.2, 6.0, 40),
                                  cell(4, 1.0, 0, 0, 9, 9, 5)})}}}};
  suite::PlanRequest r;
  r.budget_watts = 40;
  r.demand_per_s = 50;
  const json spread = suite::plan(doc, r)["front"]["batch_time_ms"]["spread"];
  ASSERT_EQ(spread.size(), 5u) << spread;
  const double expected[5][2] = {{0.0125, 0.85}, {0.05, 0.925}, {0.5, 1}, {0.95, 1.4}, {0.9875, 1.75}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(spread[i]["quantile"].get<double>(), expected[i][0], 1e-12) << i;
    EXPECT_NEAR(spread[i]["of_median"].get<double>(), expected[i][1], 1e-12) << i;  // n = 5 left out
  }
}

TEST(Planner, FitsTheBatchTimeAcrossBatchSizesOfOneModel) {
  json doc = planner_doc();
  // t(b) = 4 ms + 0.5 ms x b: batch 2 at 200 batches/s, batch 16 at 1/12 ms.
  doc["workloads"][0]["full"]["throughput_per_s"] = 1.0 / 5e-3;
  json b16 = doc["workloads"][0];
  b16["name"] = "ffn-b16-fp32";
  b16["batch"] = 16;
  b16["full"]["throughput_per_s"] = 1.0 / 12e-3;
  doc["workloads"].push_back(b16);
  suite::PlanRequest r;
  r.budget_watts = 40;
  r.demand_per_s = 400;
  r.front = "ffn-b8-fp32";  // not run: the model family's fit serves it
  r.max_batch = 8;
  const json p = suite::plan(doc, r);
  EXPECT_NEAR(p["front"]["batch_time_ms"]["fixed"].get<double>(), 4.0, 1e-9);
  EXPECT_NEAR(p["front"]["batch_time_ms"]["per_row"].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(p["front"]["capacity_per_s"].get<double>(), 8 / 8e-3, 1e-6);
  // Half the capacity in requests, but a greedy batcher with a fixed cost per batch stays busy:
  // batches of ~2 (b = 400/s x (4 + 0.5 b) ms = 1.6 + 0.2 b) keep it running nearly all the time.
  EXPECT_GT(p["front"]["share"].get<double>(), 0.9);
  EXPECT_NEAR(p["front"]["mean_batch"].get<double>(), 1.6 / 0.8, 0.4);
  r.demand_per_s = 1100;  // above 1000/s: even full batches fall behind
  const json over = suite::plan(doc, r);
  EXPECT_FALSE(over["front"]["meets_demand"].get<bool>());
  EXPECT_TRUE(over["front"]["predicted_p99_ms"].is_null());
}

TEST(Planner, ABudgetBelowTheDemandThrottlesTheFrontAndSaysSo) {
  suite::PlanRequest r;
  r.budget_watts = 12;
  r.demand_per_s = 100;  // half the capacity needs 20 W
  const json p = suite::plan(planner_doc(), r);
  EXPECT_FALSE(p["feasible"].get<bool>());
  EXPECT_NE(p["infeasible_because"][0].get<std::string>().find("the front alone needs"), std::string::npos)
      << p;
  EXPECT_TRUE(p["objective"].is_null());
  EXPECT_TRUE(p["front"]["throttled"].get<bool>());
  EXPECT_FALSE(p["front"]["meets_demand"].get<bool>());
  EXPECT_DOUBLE_EQ(p["back"]["units_per_s"].get<double>(), 0);
  EXPECT_NEAR(p["site"]["watts"].get<double>(), 12, 1e-9);
}

}  // namespace
}  // namespace joulebench::site
