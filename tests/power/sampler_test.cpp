// The sampler's storage grows with the run (chunked series, nothing preallocated per sensor),
// slices return the window plus one point either side, and the first sample comes at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "joulebench/power/sampler.hpp"

namespace joulebench::power {
namespace {

using namespace std::chrono_literals;

// A counter sensor whose value is its read count: cheap, deterministic, always readable.
class CountingSensor final : public Sensor {
 public:
  std::string name() const override { return "test:counting"; }
  std::string domain() const override { return "test"; }
  Provenance provenance() const override { return Provenance::estimated; }
  bool is_counter() const override { return true; }
  std::chrono::microseconds update_interval() const override { return 1ms; }
  SensorReading read() override { return {true, static_cast<double>(++reads_), {}}; }

 private:
  std::uint64_t reads_ = 0;
};

TEST(ChunkedSeries, MemoryFollowsThePointsKept) {
  ChunkedSeries s;
  EXPECT_EQ(s.bytes(), 0u);
  s.push(0, 0);
  const std::size_t chunk = s.bytes();
  EXPECT_GE(chunk, ChunkedSeries::kChunkPoints * 16);
  for (std::size_t i = 1; i < ChunkedSeries::kChunkPoints; ++i) s.push(static_cast<double>(i), 0);
  EXPECT_EQ(s.bytes(), chunk);  // one chunk holds kChunkPoints
  s.push(1e9, 0);
  EXPECT_EQ(s.bytes(), 2 * chunk);
  EXPECT_EQ(s.size(), ChunkedSeries::kChunkPoints + 1);
}

TEST(ChunkedSeries, SliceKeepsOnePointEitherSideAcrossChunks) {
  ChunkedSeries s;
  const std::size_t n = 3 * ChunkedSeries::kChunkPoints + 17;
  for (std::size_t i = 0; i < n; ++i) s.push(static_cast<double>(i) * 0.001, static_cast<double>(i));
  const double t0 = 4.0955, t1 = 8.2;  // inside the second and the third chunk
  const Series w = s.slice(t0, t1);
  ASSERT_GE(w.t.size(), 2u);
  EXPECT_LT(w.t.front(), t0);
  EXPECT_GT(w.t.back(), t1);
  EXPECT_DOUBLE_EQ(w.v.front(), 4095.0);
  EXPECT_DOUBLE_EQ(w.v.back(), 8201.0);
  for (std::size_t i = 1; i < w.t.size(); ++i) EXPECT_DOUBLE_EQ(w.v[i] - w.v[i - 1], 1.0);
  EXPECT_DOUBLE_EQ(value_at(w, 5.0), 5000.0);
  // Whole range, and windows past either end.
  EXPECT_EQ(s.slice(-1, 1e9).t.size(), n);
  EXPECT_EQ(s.slice(1e6, 2e6).t.size(), 1u);  // only the last point before it
  EXPECT_EQ(s.slice(-2, -1).t.size(), 1u);    // only the first point after it
}

TEST(Sampler, HundredSensorsCostNothingUntilRead) {
  std::vector<std::unique_ptr<CountingSensor>> owned(100);
  std::vector<Sensor*> sensors;
  for (auto& s : owned) {
    s = std::make_unique<CountingSensor>();
    sensors.push_back(s.get());
  }
  Sampler sampler(sensors, {});
  EXPECT_EQ(sampler.stats().bytes, 0u);
  // The clock starts after construction: the first sample lands at once.
  sampler.start();
  const double started = sampler.now();
  const Series first = sampler.sensor_series(0);
  ASSERT_GE(first.t.size(), 1u);
  EXPECT_GE(first.t.front(), 0.0);
  EXPECT_LE(first.t.front(), started);  // taken inside start(), not on the thread's first tick
  std::this_thread::sleep_for(30ms);
  sampler.stop();
  const SamplerStats st = sampler.stats();
  EXPECT_GE(st.ticks, 2u);
  // One chunk per sensor so far: memory grows with points read, not with a fixed ring.
  EXPECT_EQ(st.bytes, 100 * sizeof(double) * 2 * ChunkedSeries::kChunkPoints);
}

TEST(Sampler, StatsReportRateAndGaps) {
  CountingSensor sensor;
  platform::WorkCounters counters(1, "unit");
  Sampler sampler({&sensor}, {&counters});
  sampler.start();
  std::this_thread::sleep_for(200ms);
  sampler.stop();
  const SamplerStats st = sampler.stats();
  EXPECT_GT(st.ticks, 10u);
  EXPECT_GT(st.seconds, 0.15);
  EXPECT_NEAR(st.achieved_hz, static_cast<double>(st.ticks - 1) / st.seconds, 1e-9);
  EXPECT_GE(st.max_gap_ms, 1000.0 / st.achieved_hz * 0.999);  // the longest gap is at least the mean
  EXPECT_EQ(sampler.counter_series(0).t.size(), st.ticks);
  // A stopped span is no gap and no sampled time: stop, wait, start again for a while.
  std::this_thread::sleep_for(100ms);
  const double resumed = sampler.now();
  sampler.start();
  std::this_thread::sleep_for(20ms);
  sampler.stop();
  const double running = sampler.now() - resumed;  // as long as this second run really took
  const SamplerStats after = sampler.stats();
  EXPECT_LE(after.max_gap_ms, std::max(st.max_gap_ms, running * 1e3) + 1e-6);
  EXPECT_LE(after.seconds, st.seconds + running + 1e-6);
}

TEST(Sampler, MinSensorIntervalThinsSlowReads) {
  CountingSensor sensor;
  SamplerConfig config;
  config.min_sensor_interval = 20ms;
  Sampler sampler({&sensor}, {}, config);
  sampler.start();
  std::this_thread::sleep_for(100ms);
  sampler.stop();
  const std::size_t ticks = sampler.stats().ticks;
  const std::size_t reads = sampler.sensor_series(0).t.size();
  // Reads: first + one per 20 ms (each tick may be late, never early) + last; ticks are ~1 ms.
  EXPECT_LE(reads, 2 + sampler.stats().seconds / 0.02 + 1);
  EXPECT_LT(reads, ticks);
}

}  // namespace
}  // namespace joulebench::power
