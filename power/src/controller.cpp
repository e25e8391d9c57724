// PI with conditional-integration anti-windup and output slew limit; the controller thread.
#include "joulebench/power/controller.hpp"

#include <algorithm>
#include <cmath>

namespace joulebench::power {

PiConfig pi_for_plant(double lag_s, double noise_fraction) {
  PiConfig c;
  if (lag_s > 0) c.ki = std::min(c.ki, 0.3 / lag_s);
  c.dead_band = std::max(0.0, noise_fraction);
  return c;
}

PiController::PiController(PiConfig config, double initial_output)
    : config_(config), integral_(initial_output), output_(initial_output) {}

void PiController::reset(double output) {
  integral_ = output;
  output_ = output;
}

double PiController::update(double target, double measured, double dt) {
  if (!(target > 0) || !(dt > 0) || !std::isfinite(measured)) return output_;
  const double error = (target - measured) / target;
  if (std::fabs(error) <= config_.dead_band) return output_;
  const double candidate = integral_ + config_.ki * error * dt;
  const double unclamped = candidate + config_.kp * error;
  // Anti-windup: keep integrating only if that does not push further into a saturated limit.
  const bool saturated_high = unclamped > 1.0 && error > 0;
  const bool saturated_low = unclamped < 0.0 && error < 0;
  if (!saturated_high && !saturated_low) integral_ = std::clamp(candidate, 0.0, 1.0);
  const double wanted = std::clamp(integral_ + config_.kp * error, 0.0, 1.0);
  const double max_step = config_.max_step_per_s * dt;
  output_ = std::clamp(wanted, output_ - max_step, output_ + max_step);
  return output_;
}

CapController::CapController(PowerReader power, Actuator& actuator, PiConfig config)
    : power_(std::move(power)), actuator_(actuator), config_(config) {}

CapController::~CapController() { stop(); }

void CapController::start(double target_watts) {
  target_ = target_watts;
  thread_ = std::jthread([this](std::stop_token st) { loop(st); });
}

void CapController::set_target(double target_watts) { target_ = target_watts; }

void CapController::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::vector<CapController::Point> CapController::history() const {
  std::lock_guard lock(mutex_);
  return history_;
}

void CapController::loop(const std::stop_token& stop) {
  using clock = std::chrono::steady_clock;
  const double range = actuator_.max() - actuator_.min();
  PiController pi(config_, (actuator_.value() - actuator_.min()) / range);
  const auto epoch = clock::now();
  auto last_t = epoch;
  const auto period = std::chrono::duration<double>(config_.period_s);
  auto next = epoch;
  while (!stop.stop_requested()) {
    next += std::chrono::duration_cast<clock::duration>(period);
    std::this_thread::sleep_until(next);
    const auto now = clock::now();
    const double dt = std::chrono::duration<double>(now - last_t).count();
    last_t = now;
    const std::optional<double> watts = power_();
    if (!watts) continue;  // a gap: hold the output
    const double out = pi.update(target_.load(), *watts, dt);
    actuator_.set(actuator_.min() + out * range);
    std::lock_guard lock(mutex_);
    history_.push_back({std::chrono::duration<double>(now - epoch).count(), *watts, actuator_.value()});
  }
}

}  // namespace joulebench::power
