// Sampler thread and window accounting.
#include "joulebench/power/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace joulebench::power {

Sampler::Sampler(std::vector<Sensor*> sensors, std::vector<const WorkCounters*> counters,
                 SamplerConfig config)
    : sensors_(std::move(sensors)),
      counters_(std::move(counters)),
      config_(config),
      epoch_(std::chrono::steady_clock::now()),
      width_(1 + sensors_.size() + counters_.size()),
      next_read_s_(sensors_.size(), 0.0),
      last_read_s_(sensors_.size(), -1.0),
      gaps_(sensors_.size(), 0),
      last_error_(sensors_.size()),
      row_(width_) {
  ring_.assign(config_.capacity * width_, std::numeric_limits<double>::quiet_NaN());
}

Sampler::~Sampler() { stop(); }

void Sampler::start() {
  if (thread_.joinable()) return;
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
  const double t = now();
  std::vector<double>& row = row_;  // reused: no allocation per tick
  std::fill(row.begin(), row.end(), std::numeric_limits<double>::quiet_NaN());
  row[0] = t;
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    if (t < next_read_s_[i] && !all_sensors) continue;
    next_read_s_[i] = t + std::chrono::duration<double>(sensors_[i]->update_interval()).count() * 0.999;
    const SensorReading r = sensors_[i]->read();
    if (r.ok) {
      row[1 + i] = r.value;
      std::lock_guard lock(mutex_);
      last_read_s_[i] = t;
    } else {
      std::lock_guard lock(mutex_);
      ++gaps_[i];
      last_error_[i] = r.error;
    }
  }
  for (std::size_t c = 0; c < counters_.size(); ++c)
    row[1 + sensors_.size() + c] = static_cast<double>(counters_[c]->total());
  std::lock_guard lock(mutex_);
  const std::size_t slot = taken_.load() % config_.capacity;
  std::copy(row.begin(), row.end(), ring_.begin() + static_cast<std::ptrdiff_t>(slot * width_));
  taken_.fetch_add(1);
}

namespace {

Series column(const std::vector<double>& ring, std::size_t width, std::size_t capacity, std::size_t taken,
              std::size_t col) {
  Series s;
  const std::size_t n = std::min(taken, capacity);
  for (std::size_t k = taken - n; k < taken; ++k) {
    const double* row = &ring[(k % capacity) * width];
    if (std::isnan(row[col])) continue;
    s.t.push_back(row[0]);
    s.v.push_back(row[col]);
  }
  return s;
}

}  // namespace

Series Sampler::sensor_series(std::size_t sensor) const {
  std::lock_guard lock(mutex_);
  return column(ring_, width_, config_.capacity, taken_.load(), 1 + sensor);
}

Series Sampler::counter_series(std::size_t counter) const {
  std::lock_guard lock(mutex_);
  return column(ring_, width_, config_.capacity, taken_.load(), 1 + sensors_.size() + counter);
}

bool Sampler::wait_until_read(double t) const {
  double slowest = 0.001;
  for (const Sensor* s : sensors_)
    slowest = std::max(slowest, std::chrono::duration<double>(s->update_interval()).count());
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

Efficiency efficiency(const Sampler& sampler, std::size_t sensor, std::size_t counter, double counts_per_unit,
                      double t0, double t1, double idle_watts) {
  Efficiency e;
  const Sensor& s = *sampler.sensors()[sensor];
  e.sensor = s.name();
  e.provenance = s.provenance();
  const WindowEnergy w = energy_in_window(sampler.sensor_series(sensor), s.is_counter(), t0, t1);
  const Series work = sampler.counter_series(counter);
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
