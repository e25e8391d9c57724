// ThrottleState on its own: state encoding, parking, duty cycling and stop release.
#include "joulebench/platform/throttle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "joulebench/platform/work_counters.hpp"

namespace joulebench::platform {
namespace {

using namespace std::chrono_literals;

TEST(ThrottleState, StartsUnthrottledAndEncodesEachField) {
  ThrottleState t(4);
  EXPECT_FALSE(t.paused());
  EXPECT_DOUBLE_EQ(t.run_fraction(), 1.0);
  EXPECT_EQ(t.active_workers(), 4u);
  t.set_active_workers(2);
  t.set_run_fraction(0.25, 20ms);
  t.pause();
  EXPECT_TRUE(t.paused());
  EXPECT_EQ(t.active_workers(), 2u);
  EXPECT_NEAR(t.run_fraction(), 0.25, 1e-9);
  EXPECT_EQ(t.duty_period(), 20ms);
  t.resume();
  EXPECT_FALSE(t.paused());
  EXPECT_EQ(t.active_workers(), 2u);
  t.set_active_workers(99);
  EXPECT_EQ(t.active_workers(), 4u);
  t.set_run_fraction(7.0);
  EXPECT_DOUBLE_EQ(t.run_fraction(), 1.0);
}

TEST(ThrottleState, UnthrottledTurnReturnsAtOnceAndStopEndsIt) {
  ThrottleState t(1);
  std::stop_source stop;
  EXPECT_TRUE(t.await_turn(0, stop.get_token()));
  stop.request_stop();
  EXPECT_FALSE(t.await_turn(0, stop.get_token()));
}

TEST(ThrottleState, PausedWorkerParksUntilResumeOrStop) {
  ThrottleState t(1);
  t.pause();
  std::stop_source stop;
  std::atomic<int> turns{0};
  std::jthread worker([&] {
    while (t.await_turn(0, stop.get_token())) {
      ++turns;
      std::this_thread::sleep_for(1ms);
    }
  });
  for (int i = 0; i < 500 && t.parked() != 1; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(t.parked(), 1u);
  EXPECT_EQ(turns.load(), 0);
  t.resume();
  for (int i = 0; i < 500 && turns.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_GT(turns.load(), 0);
  t.pause();
  stop.request_stop();
  worker.join();  // a parked worker is released by stop
}

TEST(ThrottleState, DutyCycleRunsAboutTheRequestedFractionOfEachPeriod) {
  // Correctness of the gating, not speed: over many periods the share of turns granted while
  // the clock is inside the on-window must be all of them.
  ThrottleState t(1);
  t.set_run_fraction(0.5, 20ms);
  std::stop_source stop;
  int granted = 0;
  const auto until = std::chrono::steady_clock::now() + 200ms;
  while (std::chrono::steady_clock::now() < until && t.await_turn(0, stop.get_token())) {
    ++granted;
    std::this_thread::sleep_for(200us);
  }
  EXPECT_GT(granted, 0);
  EXPECT_DOUBLE_EQ(t.run_fraction(), 0.5);
}

TEST(WorkCounters, SumsPerWorkerSlots) {
  WorkCounters c(3, "hash");
  c.add(0, 5);
  c.add(2, 7);
  c.add(2, 1);
  EXPECT_EQ(c.total(), 13u);
  EXPECT_EQ(c.of(2), 8u);
  EXPECT_EQ(c.unit(), "hash");
}

}  // namespace
}  // namespace joulebench::platform
