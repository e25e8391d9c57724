// Sampler thread and window accounting.
#include "joulebench/power/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace joulebench::power {

void ChunkedSeries::push(double t, double v) {
  if (size_ == chunks_.size() * kChunkPoints) chunks_.push_back(std::make_unique<Chunk>());
  Chunk& c = *chunks_[size_ / kChunkPoints];
  c.t[size_ % kChunkPoints] = t;
  c.v[size_ % kChunkPoints] = v;
  ++size_;
}

std::size_t ChunkedSeries::lower_bound(double t) const {
  std::size_t lo = 0, hi = size_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (time_at(mid) < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

Series ChunkedSeries::slice(double t0, double t1) const {
  Series s;
  if (size_ == 0) return s;
  std::size_t first = lower_bound(t0);
  if (first > 0) --first;  // one point before the window, for interpolation at t0
  std::size_t last = std::min(lower_bound(std::nextafter(t1, INFINITY)) + 1, size_);  // one after t1
  s.t.reserve(last - first);
  s.v.reserve(last - first);
  for (std::size_t i = first; i < last; ++i) {
    const Chunk& c = *chunks_[i / kChunkPoints];
    s.t.push_back(c.t[i % kChunkPoints]);
    s.v.push_back(c.v[i % kChunkPoints]);
  }
  return s;
}

Sampler::Sampler(std::vector<Sensor*> sensors, std::vector<const platform::WorkCounters*> counters,
                 SamplerConfig config)
    : sensors_(std::move(sensors)),
      counters_(std::move(counters)),
      config_(config),
      sensor_points_(sensors_.size()),
      counter_points_(counters_.size()),
      next_read_s_(sensors_.size(), 0.0),
      last_read_s_(sensors_.size(), -1.0),
      gaps_(sensors_.size(), 0),
      last_error_(sensors_.size()) {
  for (const Sensor* s : sensors_) {
    interval_s_.push_back(
        std::chrono::duration<double>(std::max(s->update_interval(), config_.min_sensor_interval)).count());
  }
  // Last, after every allocation: a series' t = 0 is when the sampler could first read.
  epoch_ = std::chrono::steady_clock::now();
}

Sampler::~Sampler() { stop(); }

void Sampler::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    resumed_ = true;  // the time stopped is no gap in the sampling
  }
  take_sample(true);  // a first point of every signal, so a window can begin right away
  thread_ = std::jthread([this](std::stop_token st) { loop(st); });
}

void Sampler::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  take_sample(true);  // and a last one, so a window can end right away
}

double Sampler::seconds_at(std::chrono::steady_clock::time_point t) const {
  return std::chrono::duration<double>(t - epoch_).count();
}

std::chrono::steady_clock::time_point Sampler::instant(double seconds) const {
  return epoch_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(seconds));
}

double Sampler::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

void Sampler::loop(const std::stop_token& stop) {
  auto next = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    next += config_.period;
    std::this_thread::sleep_until(next);
    take_sample(false);
    const auto now = std::chrono::steady_clock::now();
    if (now - next > 10 * config_.period) next = now;  // fell far behind (suspended): do not burst
  }
}

void Sampler::take_sample(bool all_sensors) {
  const double tick = now();
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    if (tick < next_read_s_[i] && !all_sensors) continue;
    // A self-polling meter's new value is picked up within 10 ms of its poll, not a whole
    // interval later (its reads are a cached value, not a device access).
    next_read_s_[i] =
        tick + (sensors_[i]->stamps_its_readings() ? std::min(0.01, interval_s_[i]) : interval_s_[i] * 0.999);
    const double before = now();
    const SensorReading r = sensors_[i]->read();
    // Stamped at the middle of its own read: many sensors, or a preempted read, would
    // otherwise shift late readings onto the tick's start.
    const double at = r.at ? seconds_at(*r.at) : 0.5 * (before + now());
    std::lock_guard lock(mutex_);
    if (r.ok && r.at && at <= last_read_s_[i] && sensor_points_[i].size() > 0) continue;  // held already
    if (r.ok) {
      sensor_points_[i].push(at, r.value);
      last_read_s_[i] = at;
    } else {
      ++gaps_[i];
      last_error_[i] = r.error;
    }
  }
  std::lock_guard lock(mutex_);
  for (std::size_t c = 0; c < counters_.size(); ++c)
    counter_points_[c].push(tick, static_cast<double>(counters_[c]->total()));
  if (!resumed_) {
    const double gap = tick - last_tick_s_;
    active_s_ += gap;
    ++intervals_;
    max_gap_s_ = std::max(max_gap_s_, gap);
    if (gap > 2 * std::chrono::duration<double>(config_.period).count()) ++late_ticks_;
  }
  resumed_ = false;
  last_tick_s_ = tick;
  ++ticks_;
}

Series Sampler::sensor_series(std::size_t sensor) const { return sensor_series(sensor, -INFINITY, INFINITY); }

Series Sampler::sensor_series(std::size_t sensor, double t0, double t1) const {
  std::lock_guard lock(mutex_);
  return sensor_points_[sensor].slice(t0, t1);
}

Series Sampler::counter_series(std::size_t counter) const {
  return counter_series(counter, -INFINITY, INFINITY);
}

Series Sampler::counter_series(std::size_t counter, double t0, double t1) const {
  std::lock_guard lock(mutex_);
  return counter_points_[counter].slice(t0, t1);
}

SamplerStats Sampler::stats() const {
  std::lock_guard lock(mutex_);
  SamplerStats s;
  s.ticks = ticks_;
  s.seconds = active_s_;
  s.achieved_hz = active_s_ > 0 ? static_cast<double>(intervals_) / active_s_ : 0;
  s.max_gap_ms = max_gap_s_ * 1e3;
  s.late_ticks = late_ticks_;
  for (const auto& p : sensor_points_) s.bytes += p.bytes();
  for (const auto& p : counter_points_) s.bytes += p.bytes();
  return s;
}

bool Sampler::wait_until_read(double t) const {
  double slowest = 0.001;
  for (double interval : interval_s_) slowest = std::max(slowest, interval);
  const double deadline = now() + 2 * slowest + 0.005;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (std::all_of(last_read_s_.begin(), last_read_s_.end(), [&](double r) { return r >= t; }))
        return true;
    }
    if (now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

std::size_t Sampler::gaps(std::size_t sensor) const {
  std::lock_guard lock(mutex_);
  return gaps_[sensor];
}

std::string Sampler::last_error(std::size_t sensor) const {
  std::lock_guard lock(mutex_);
  return last_error_[sensor];
}

double value_at(const Series& s, double t) {
  if (s.t.empty()) return 0;
  if (t <= s.t.front()) return s.v.front();
  if (t >= s.t.back()) return s.v.back();
  const auto it = std::upper_bound(s.t.begin(), s.t.end(), t);
  const std::size_t hi = static_cast<std::size_t>(it - s.t.begin()), lo = hi - 1;
  const double f = (t - s.t[lo]) / (s.t[hi] - s.t[lo]);
  return s.v[lo] + f * (s.v[hi] - s.v[lo]);
}

WindowEnergy energy_in_window(const Series& s, bool counter, double t0, double t1) {
  WindowEnergy w;
  w.seconds = t1 - t0;
  if (s.t.size() < 2 || s.t.front() > t0 + 1e-9 || s.t.back() < t1 - 1e-9 || !(t1 > t0)) return w;
  if (counter) {
    w.joules = value_at(s, t1) - value_at(s, t0);
  } else {
    // Trapezoids over the points inside, plus the interpolated edges.
    double prev_t = t0, prev_v = value_at(s, t0);
    for (std::size_t i = 0; i < s.t.size(); ++i) {
      if (s.t[i] <= t0 || s.t[i] >= t1) continue;
      w.joules += 0.5 * (prev_v + s.v[i]) * (s.t[i] - prev_t);
      prev_t = s.t[i];
      prev_v = s.v[i];
    }
    w.joules += 0.5 * (prev_v + value_at(s, t1)) * (t1 - prev_t);
  }
  w.watts = w.joules / w.seconds;
  w.ok = true;
  return w;
}

std::optional<double> recent_watts(const Sampler& sampler, const std::vector<std::size_t>& sensors,
                                   double window_s) {
  double t1 = INFINITY;
  std::vector<Series> recent;
  for (std::size_t i : sensors) {
    recent.push_back(sampler.sensor_series(i, sampler.now() - window_s - 1.0, INFINITY));
    if (recent.back().t.empty()) return std::nullopt;
    t1 = std::min(t1, recent.back().t.back());
  }
  if (sensors.empty()) return std::nullopt;
  double joules = 0;
  for (std::size_t k = 0; k < sensors.size(); ++k) {
    const auto w =
        energy_in_window(recent[k], sampler.sensors()[sensors[k]]->is_counter(), t1 - window_s, t1);
    if (!w.ok) return std::nullopt;
    joules += w.joules;
  }
  return joules / window_s;
}

std::optional<double> observed_update_interval(const Series& s) {
  std::vector<double> gaps;
  double last_change = NAN;
  for (std::size_t i = 1; i < s.t.size(); ++i) {
    if (s.v[i] == s.v[i - 1]) continue;
    if (!std::isnan(last_change)) gaps.push_back(s.t[i] - last_change);
    last_change = s.t[i];
  }
  if (gaps.size() < 2) return std::nullopt;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

Efficiency efficiency(const Sampler& sampler, std::size_t sensor, std::size_t counter, double counts_per_unit,
                      double t0, double t1, double idle_watts) {
  Efficiency e;
  const Sensor& s = *sampler.sensors()[sensor];
  e.sensor = s.name();
  e.provenance = s.provenance();
  const WindowEnergy w = energy_in_window(sampler.sensor_series(sensor, t0, t1), s.is_counter(), t0, t1);
  const Series work = sampler.counter_series(counter, t0, t1);
  e.seconds = t1 - t0;
  e.joules = w.joules;
  e.watts = w.watts;
  e.idle_watts = idle_watts;
  e.units = (value_at(work, t1) - value_at(work, t0)) / counts_per_unit;
  e.throughput_per_s = e.units / e.seconds;
  if (e.units > 0) {
    e.joules_per_unit_gross = e.joules / e.units;
    e.joules_per_unit_net = (e.joules - idle_watts * e.seconds) / e.units;
  }
  return e;
}

}  // namespace joulebench::power
