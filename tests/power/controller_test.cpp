// The PI cap controller against a simulated plant: first-order lag, dead time, sensor noise.
#include "joulebench/power/controller.hpp"
#include "joulebench/power/sampler.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <thread>

namespace joulebench::power {
namespace {

struct Response {
  double settle_s = -1;    // first time after which |P - target| <= 5% for good
  double overshoot = 0;    // max excursion past the target, fraction of the step
  int late_reversals = 0;  // direction changes of the actuator after settling
};

// Plant: P = idle + span * u(t - dead), through a first-order lag tau; measured with noise.
Response simulate(PiConfig cfg, double target, double tau, double dead, double noise, double seconds = 10) {
  PiController pi(cfg, 1.0);
  const double idle = 20, span = 100, dt = cfg.period_s;
  std::deque<double> pipe(static_cast<std::size_t>(std::round(dead / dt)) + 1, 1.0);
  double p = idle + span;
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0.0, noise);
  Response r;
  const double start = p;
  double last_u = 1.0, last_du = 0;
  for (double t = 0; t < seconds; t += dt) {
    const double u = pi.update(target, p * (1 + n(rng)), dt);
    pipe.push_back(u);
    const double applied = pipe.front();
    pipe.pop_front();
    p += (idle + span * applied - p) * (1 - std::exp(-dt / tau));
    r.overshoot = std::max(r.overshoot, (target - p) / (start - target));
    const bool inside = std::fabs(p - target) <= 0.05 * target;
    if (!inside) r.settle_s = -1;
    if (inside && r.settle_s < 0) r.settle_s = t;
    const double du = u - last_u;
    if (r.settle_s >= 0 && du * last_du < 0 && std::fabs(du) > 0.02) ++r.late_reversals;
    if (std::fabs(du) > 1e-9) last_du = du;
    last_u = u;
  }
  return r;
}

TEST(PiController, RaplLikePlantSettlesFastWithoutOvershoot) {
  // 120 W -> 70 W, lag 200 ms, dead time 50 ms, 1% sensor noise: ~1.5 s, ~1%.
  const Response r = simulate(PiConfig{}, 70, 0.2, 0.05, 0.01);
  EXPECT_GE(r.settle_s, 0);
  EXPECT_LE(r.settle_s, 2.0);
  EXPECT_LE(r.overshoot, 0.05);
  EXPECT_EQ(r.late_reversals, 0);
}

TEST(PiController, DeepAndVeryFastStepsSettle) {
  Response r = simulate(PiConfig{}, 30, 0.2, 0.05, 0.01);  // 120 W -> 30 W
  EXPECT_LE(r.settle_s, 2.0);
  EXPECT_LE(r.overshoot, 0.08);
  EXPECT_EQ(r.late_reversals, 0);
  r = simulate(PiConfig{}, 100, 0.05, 0.02, 0.01);  // fast lag, small step
  EXPECT_LE(r.settle_s, 2.0);
  EXPECT_EQ(r.late_reversals, 0);
}

TEST(PiController, GpuLikeSlowPlantSettlesWithoutOscillating) {
  // Lag 1 s, dead time 0.2 s, 2% noise: ~8 s, ~21% overshoot, no oscillation at the defaults.
  Response r = simulate(PiConfig{}, 50, 1.0, 0.2, 0.02, 20);
  EXPECT_GE(r.settle_s, 0);
  EXPECT_LE(r.settle_s, 10.0);
  EXPECT_LE(r.overshoot, 0.25);
  EXPECT_EQ(r.late_reversals, 0);
  PiConfig gentle;
  gentle.ki = 0.3;  // the documented setting for slow sensors/plants
  r = simulate(gentle, 50, 1.0, 0.2, 0.02, 20);
  EXPECT_LE(r.settle_s, 7.0);
  EXPECT_LE(r.overshoot, 0.08);
  EXPECT_EQ(r.late_reversals, 0);
}

TEST(PiController, AntiWindupRecoversFromAnUnreachableTarget) {
  PiController pi(PiConfig{}, 1.0);
  for (int i = 0; i < 200; ++i) pi.update(500, 120, 0.05);  // cannot reach: output pinned at 1
  EXPECT_DOUBLE_EQ(pi.output(), 1.0);
  // Now a reachable lower target: the output must start falling at once, not unwind first.
  pi.update(60, 120, 0.05);
  EXPECT_LT(pi.output(), 1.0);
}

TEST(PiController, RateLimitBoundsEachStep) {
  PiConfig cfg;
  cfg.kp = 100;
  cfg.max_step_per_s = 1.0;
  PiController pi(cfg, 1.0);
  EXPECT_NEAR(pi.update(10, 100, 0.05), 0.95, 1e-9);
}

// A budget held on a noisy plant as the site holds it: the target 2 sigma of the 100 ms bins below
// the budget, a dead band of 1 sigma. The plant: P = idle + span * u through a first-order lag,
// plus per-millisecond noise (bursty work) and a slow wander; the sensor averages the last
// `avg_s` (RAPL-like 1 ms, NVML-like 100 ms, a wall meter's 1 s), simulated at 1 ms steps.
struct BudgetRun {
  double settle_s = -1;      // first time after which the 1 s mean stays within 5% of the target
  double over_fraction = 0;  // share of 100 ms bins of true power over the budget, after settling
  double settled_u_std = 0;  // the output's spread over the last half: a limit cycle's amplitude
};

BudgetRun hold_budget(double tau, double avg_s, double budget, double seconds = 30) {
  const double idle = 20, span = 100, dt = 1e-3;
  std::mt19937 rng(11);
  std::normal_distribution<double> white(0.0, 0.30), slow(0.0, 0.001);
  double p = idle + span, wander = 0, u = 1.0;
  std::deque<double> window;
  double window_sum = 0;
  const auto step = [&](double target_u) {
    wander = 0.995 * wander + slow(rng);
    p += (idle + span * target_u - p) * (1 - std::exp(-dt / tau));
    const double inst = p * (1 + white(rng) + wander);
    window.push_back(inst);
    window_sum += inst;
    // The controller reads energy over its period (recent_watts), or the sensor's own longer average.
    while (window.size() > static_cast<std::size_t>(std::lround(std::max(avg_s, PiConfig{}.period_s) / dt)))
      window_sum -= window.front(), window.pop_front();
    return inst;
  };
  // Open loop at full power first: the noise of 100 ms bins, as the site measures it front-alone.
  std::vector<double> bins;
  double acc = 0;
  for (int i = 1; i <= 3000; ++i) {
    acc += step(1.0);
    if (i % 100 == 0) bins.push_back(acc / 100), acc = 0;
  }
  double mean = 0, var = 0;
  for (double b : bins) mean += b / static_cast<double>(bins.size());
  for (double b : bins) var += (b - mean) * (b - mean) / static_cast<double>(bins.size() - 1);
  const double sigma = std::sqrt(var), target = budget - 2 * sigma;
  PiController pi(pi_for_plant(tau + avg_s / 2, sigma / budget), 1.0);
  const double period = PiConfig{}.period_s;
  BudgetRun r;
  std::vector<double> us, true_bins, sec;
  double bin = 0, second = 0;
  const int steps = static_cast<int>(seconds / dt), per_period = static_cast<int>(period / dt);
  for (int i = 1; i <= steps; ++i) {
    const double inst = step(u);
    bin += inst, second += inst;
    if (i % per_period == 0) u = pi.update(target, window_sum / static_cast<double>(window.size()), period);
    if (i % 100 == 0) true_bins.push_back(bin / 100), bin = 0, us.push_back(u);
    if (i % 1000 == 0) {
      const bool inside = std::fabs(second / 1000 - target) <= 0.05 * target;
      if (!inside) r.settle_s = -1;
      if (inside && r.settle_s < 0) r.settle_s = i * dt;
      second = 0;
    }
  }
  double over = 0, n = 0;
  for (std::size_t k = 0; k < true_bins.size(); ++k) {
    if (r.settle_s < 0 || (static_cast<double>(k) + 1) * 0.1 <= r.settle_s) continue;
    n += 1, over += true_bins[k] > budget ? 1 : 0;
  }
  r.over_fraction = n > 0 ? over / n : 1;
  double um = 0, uv = 0;
  const std::size_t half = us.size() / 2;
  for (std::size_t k = half; k < us.size(); ++k) um += us[k] / static_cast<double>(us.size() - half);
  for (std::size_t k = half; k < us.size(); ++k)
    uv += (us[k] - um) * (us[k] - um) / static_cast<double>(us.size() - half);
  r.settled_u_std = std::sqrt(uv);
  return r;
}

struct PlantCase {
  const char* name;
  double tau, avg_s;
};

TEST(BudgetControl, HoldsAFeasibleBudgetWithoutLimitCycleOnEachSensorKind) {
  for (const PlantCase c :
       {PlantCase{"RAPL-like (1 ms)", 0.05, 0.001}, PlantCase{"NVML-like (100 ms)", 0.2, 0.1},
        PlantCase{"wall meter (1 s averaging)", 0.2, 1.0}}) {
    const BudgetRun r = hold_budget(c.tau, c.avg_s, 80.0);
    const double lag = c.tau + c.avg_s / 2;
    EXPECT_GE(r.settle_s, 0) << c.name;
    // Settling is judged on 1 s means; the loop's own integral time is 1 / ki <= 1 s at the defaults
    // (the rate limit adds about 0.2 s for this 40% step); then ten of the plant's lags.
    EXPECT_LE(r.settle_s, 3.0 + 10 * lag) << c.name;
    ::testing::Test::RecordProperty(std::string(c.name) + " settle_s / over / u_std",
                                    std::to_string(r.settle_s) + " / " + std::to_string(r.over_fraction) +
                                        " / " + std::to_string(r.settled_u_std));
    EXPECT_LE(r.over_fraction, 0.05) << c.name;
    EXPECT_LE(r.settled_u_std, 0.03) << c.name << ": the output keeps moving after settling";
  }
}

TEST(BudgetControl, GainsFollowThePlantsLagAndNoise) {
  EXPECT_DOUBLE_EQ(pi_for_plant(0.05, 0.02).ki, PiConfig{}.ki);  // fast plant: the defaults
  EXPECT_NEAR(pi_for_plant(0.6, 0.02).ki, 0.5, 1e-12);           // slow: ki x lag = 0.3
  EXPECT_DOUBLE_EQ(pi_for_plant(0.6, 0.02).dead_band, 0.02);
  PiConfig band;
  band.dead_band = 0.05;
  PiController pi(band, 0.7);
  EXPECT_DOUBLE_EQ(pi.update(100, 97, 0.05), 0.7);  // inside the band: held
  EXPECT_LT(pi.update(100, 110, 0.05), 0.7);        // outside: moves
}

}  // namespace
}  // namespace joulebench::power

namespace joulebench::power {
namespace {

// A plant in a Sensor: power follows the throttle's run fraction through a first-order lag,
// integrated into an energy counter as a real RAPL zone would report it.
class SimulatedPackage final : public Sensor {
 public:
  explicit SimulatedPackage(const platform::ThrottleState& t)
      : throttle_(t), last_(std::chrono::steady_clock::now()) {}
  std::string name() const override { return "sim:package"; }
  std::string domain() const override { return "package"; }
  Provenance provenance() const override { return Provenance::measured; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return std::chrono::milliseconds(1); }
  SensorReading read() override {
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    const double target = 20 + 100 * throttle_.run_fraction();
    watts_ += (target - watts_) * (1 - std::exp(-dt / 0.1));
    joules_ += watts_ * dt;
    return {true, joules_, {}};
  }

 private:
  const platform::ThrottleState& throttle_;
  std::chrono::steady_clock::time_point last_;
  double watts_ = 120, joules_ = 0;
};

TEST(CapController, HoldsAWattTargetByDrivingTheDutyCycle) {
  platform::ThrottleState throttle(2);
  SimulatedPackage sensor(throttle);
  auto duty = make_duty_cycle_actuator(throttle);
  Sampler sampler({&sensor}, {});  // the sensor's one reader; the controller reads its series
  sampler.start();
  CapController controller([&] { return recent_watts(sampler, {0}, PiConfig{}.period_s); }, *duty,
                           PiConfig{});
  controller.start(70.0);  // needs a run fraction of 0.5
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  controller.stop();
  const auto history = controller.history();
  ASSERT_GT(history.size(), 40u);
  double late_watts = 0;
  int n = 0;
  for (const auto& p : history) {
    if (p.t < 2.5) continue;
    late_watts += p.watts;
    ++n;
  }
  ASSERT_GT(n, 0);
  EXPECT_NEAR(late_watts / n, 70.0, 3.5);  // within 5% of the target after 2.5 s
  EXPECT_NEAR(throttle.run_fraction(), 0.5, 0.06);
  duty->restore();
  EXPECT_DOUBLE_EQ(throttle.run_fraction(), 1.0);
}

}  // namespace
}  // namespace joulebench::power
