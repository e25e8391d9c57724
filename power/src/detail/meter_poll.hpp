// The sensor every network meter is: a thread polls the device at its interval and keeps the
// latest value with the time it was taken; read() never blocks on the network. A value older
// than the stall limit, a null reading and an energy counter going backwards are gaps, each with
// its reason, so a window over them is flagged rather than filled in.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "joulebench/power/sensor.hpp"

namespace joulebench::power::detail {

/// One poll: watts (or cumulative joules for a counter), or why there is none.
struct PolledValue {
  bool ok = false;
  double value = 0;
  std::string error;
  /// The device answered but its value is not usable (e.g. above an uncertainty limit): a gap
  /// like any error, yet the meter itself works, so opening it does not fail.
  bool flagged = false;
  /// When the device says it took the value (Unix seconds), where it says.
  std::optional<double> device_time_s;
};

struct PolledSensorSpec {
  std::string name, domain, location, path;
  bool counter = false;
  std::chrono::microseconds interval{1000000};
  std::optional<double> window_s, resolution;
  double stall_s = 10;
};

class PolledSensor final : public Sensor {
 public:
  /// Polls once now (first_poll() says how it went), then on a thread every interval.
  PolledSensor(PolledSensorSpec spec, std::function<PolledValue()> poll);
  ~PolledSensor() override;
  PolledSensor(const PolledSensor&) = delete;
  PolledSensor& operator=(const PolledSensor&) = delete;

  [[nodiscard]] std::string name() const override { return spec_.name; }
  [[nodiscard]] std::string domain() const override { return spec_.domain; }
  [[nodiscard]] Provenance provenance() const override { return Provenance::measured; }
  [[nodiscard]] bool is_counter() const override { return spec_.counter; }
  [[nodiscard]] std::chrono::microseconds update_interval() const override { return spec_.interval; }
  [[nodiscard]] std::string path() const override { return spec_.path; }
  [[nodiscard]] std::string location() const override { return spec_.location; }
  [[nodiscard]] std::optional<double> averaging_window_s() const override { return spec_.window_s; }
  [[nodiscard]] std::optional<double> resolution() const override { return spec_.resolution; }
  [[nodiscard]] bool stamps_its_readings() const override { return true; }
  [[nodiscard]] std::optional<double> device_time_offset_s() const override;
  SensorReading read() override;

  [[nodiscard]] const PolledValue& first_poll() const { return first_; }

  /// A meter's sensor, checked: its first poll must give a reading (else std::runtime_error naming
  /// `meter` and why), and its probe is added to `probes`.
  static std::unique_ptr<Sensor> open(PolledSensorSpec spec, std::function<PolledValue()> poll,
                                      const std::string& meter, std::vector<Probe>& probes);

 private:
  void take(const PolledValue& v, std::chrono::steady_clock::time_point at);
  void loop(const std::stop_token& stop);

  PolledSensorSpec spec_;
  std::function<PolledValue()> poll_;
  PolledValue first_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  bool have_ = false;
  double value_ = 0;
  std::chrono::steady_clock::time_point at_{}, good_at_{};
  std::string error_;
  std::optional<double> device_offset_s_;
  // A counter that went backwards: the readings are rejected; three in a row are a restart.
  double raw_last_ = 0, offset_ = 0;
  int backwards_ = 0;
  std::jthread thread_;
};

}  // namespace joulebench::power::detail
