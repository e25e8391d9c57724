// Worker arenas: two workloads' arenas in one process each get all their threads at once (one
// arena's size no longer caps the other's).
#include "joulebench/platform/topology.hpp"

#include <sched.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace joulebench::platform {
namespace {

TEST(WorkerArena, TwoArenasRunAllTheirThreadsSideBySide) {
  WorkerArena small(1, false), large(3, false);
  std::atomic<int> arrived{0}, met{0};
  // Every worker of both arenas waits until all four are running at the same time; one that gives
  // up first was never running beside the others.
  const auto meet = [&](std::size_t) {
    ++arrived;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived.load() < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    if (arrived.load() >= 4) ++met;
  };
  std::jthread a([&] { small.run_each(meet); });
  std::jthread b([&] { large.run_each(meet); });
  a.join();
  b.join();
  EXPECT_EQ(arrived.load(), 4);
  EXPECT_EQ(met.load(), 4) << "the 1-thread arena capped the 3-thread one";
}

}  // namespace
}  // namespace joulebench::platform

namespace joulebench::platform {
namespace {

TEST(BackgroundPriority, IdlesTheCallingThreadOnlyAndRestoresIt) {
  const int before = sched_getscheduler(0);
  std::thread([] {
    BackgroundPriority behind;
    if (!behind.active()) GTEST_SKIP() << "the OS refused SCHED_IDLE here";
    EXPECT_EQ(sched_getscheduler(0), SCHED_IDLE);
  }).join();
  EXPECT_EQ(sched_getscheduler(0), before);  // another thread's scope never touches this one
  {
    BackgroundPriority behind;
    if (behind.active()) {
      EXPECT_EQ(sched_getscheduler(0), SCHED_IDLE);
    }
  }
  EXPECT_EQ(sched_getscheduler(0), before);
}

}  // namespace
}  // namespace joulebench::platform
