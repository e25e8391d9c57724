// detail::PolledSensor.
#include "detail/meter_poll.hpp"

#include <cstdio>
#include <stdexcept>

namespace joulebench::power::detail {

using clock = std::chrono::steady_clock;

PolledSensor::PolledSensor(PolledSensorSpec spec, std::function<PolledValue()> poll)
    : spec_(std::move(spec)), poll_(std::move(poll)) {
  const auto t0 = clock::now();
  first_ = poll_();
  take(first_, t0 + (clock::now() - t0) / 2);
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

PolledSensor::~PolledSensor() {
  thread_.request_stop();
  wake_.notify_all();
}

void PolledSensor::loop(const std::stop_token& stop) {
  auto next = clock::now() + spec_.interval;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, next, [] { return false; });
    }
    if (stop.stop_requested()) break;
    const auto t0 = clock::now();
    const PolledValue v = poll_();
    take(v, t0 + (clock::now() - t0) / 2);
    next = std::max(next + spec_.interval, clock::now());  // a slow device is not polled back to back
  }
}

void PolledSensor::take(const PolledValue& v, clock::time_point at) {
  std::lock_guard lock(mutex_);
  if (v.device_time_s)
    device_offset_s_ =
        *v.device_time_s -
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!v.ok) {
    error_ = v.error;
    return;
  }
  double value = v.value;
  if (spec_.counter) {
    if (have_ && v.value < raw_last_) {
      if (++backwards_ < 3) {
        char text[160];
        std::snprintf(text, sizeof text,
                      "the energy counter went backwards (%.6g J after %.6g J); reading rejected", v.value,
                      raw_last_);
        error_ = text;
        return;
      }
      offset_ = value_ - v.value;  // restarted three times in a row: continue from the last total
    }
    backwards_ = 0;
    raw_last_ = v.value;
    value = v.value + offset_;
  }
  // An averaging meter's value holds for its window: stamped at the window's middle.
  if (spec_.window_s)
    at -= std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(*spec_.window_s / 2));
  have_ = true;
  value_ = value;
  at_ = at;
  good_at_ = clock::now();
  error_.clear();
}

std::optional<double> PolledSensor::device_time_offset_s() const {
  std::lock_guard lock(mutex_);
  return device_offset_s_;
}

SensorReading PolledSensor::read() {
  std::lock_guard lock(mutex_);
  if (!have_) return {false, 0, error_.empty() ? "no reading yet from " + spec_.path : error_, std::nullopt};
  const double age = std::chrono::duration<double>(clock::now() - good_at_).count();
  if (age > spec_.stall_s) {
    char text[96];
    std::snprintf(text, sizeof text, "no new reading for %.1f s (stall limit %.1f s)", age, spec_.stall_s);
    return {false, 0, std::string(text) + (error_.empty() ? "" : ": " + error_) + " from " + spec_.path,
            std::nullopt};
  }
  if (!error_.empty() && spec_.counter && backwards_ > 0) return {false, 0, error_, std::nullopt};
  return {true, value_, {}, at_};
}

std::unique_ptr<Sensor> PolledSensor::open(PolledSensorSpec spec, std::function<PolledValue()> poll,
                                           const std::string& meter, std::vector<Probe>& probes) {
  auto sensor = std::make_unique<PolledSensor>(std::move(spec), std::move(poll));
  if (!sensor->first_poll().ok && !sensor->first_poll().flagged)
    throw std::runtime_error("--meter " + meter + ": " + sensor->first_poll().error);
  const PolledSensorSpec& s = sensor->spec_;
  Probe p =
      Probe::sensor(s.name, "measured", s.domain, s.path, std::chrono::duration<double>(s.interval).count());
  p.location = s.location;
  p.averaging_window_s = s.window_s;
  p.resolution = s.resolution;
  p.device_time_offset_s = sensor->device_time_offset_s();
  p.available = true;
  probes.push_back(p);
  return sensor;
}

}  // namespace joulebench::power::detail
