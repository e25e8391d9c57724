// ThrottleState: lock-free fast path, mutex + condition variable only while throttled.
#include "joulebench/platform/throttle.hpp"

#include <algorithm>
#include <cmath>

namespace joulebench::platform {

ThrottleState::ThrottleState(std::size_t workers)
    : workers_(workers),
      period_ns_(kDefaultDutyPeriod.count()),
      duty_epoch_(std::chrono::steady_clock::now()) {}

ThrottleState::Fields ThrottleState::decode(std::uint64_t word) const {
  const std::uint64_t cap = (word >> 32) & kWorkersMask;
  return Fields{(word & kPausedBit) != 0,
                cap == kUnthrottledWorkers ? workers_ : static_cast<std::size_t>(cap),
                static_cast<double>(word & 0xffffffffull) / static_cast<double>(kFullFraction)};
}

std::uint64_t ThrottleState::encode(const Fields& fields) const {
  const double f = std::clamp(fields.fraction, 0.0, 1.0);
  const auto fixed = static_cast<std::uint64_t>(std::llround(f * static_cast<double>(kFullFraction)));
  // An uncapped worker count is stored as the sentinel so "no throttle" stays one constant.
  const std::uint64_t cap = fields.active >= workers_ ? kUnthrottledWorkers : fields.active;
  return (fields.paused ? kPausedBit : 0) | (cap << 32) | fixed;
}

template <typename Edit>
void ThrottleState::update(Edit edit) {
  {
    std::lock_guard lock(mutex_);
    Fields fields = decode(word_.load(std::memory_order_relaxed));
    edit(fields);
    word_.store(encode(fields), std::memory_order_release);
  }
  changed_.notify_all();
}

void ThrottleState::pause() {
  update([](Fields& f) { f.paused = true; });
}

void ThrottleState::resume() {
  update([](Fields& f) { f.paused = false; });
}

void ThrottleState::set_run_fraction(double fraction, std::chrono::nanoseconds period) {
  if (period.count() <= 0) period = kDefaultDutyPeriod;
  period_ns_.store(period.count());
  update([fraction](Fields& f) { f.fraction = fraction; });
}

void ThrottleState::set_active_workers(std::size_t n) {
  update([n](Fields& f) { f.active = n; });
}

bool ThrottleState::paused() const { return decode(word_.load()).paused; }

double ThrottleState::run_fraction() const { return decode(word_.load()).fraction; }

std::chrono::nanoseconds ThrottleState::duty_period() const {
  return std::chrono::nanoseconds(period_ns_.load());
}

std::size_t ThrottleState::active_workers() const { return decode(word_.load()).active; }

bool ThrottleState::await_turn_slow(std::size_t worker, const std::stop_token& stop, bool honor_worker_cap) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stop.stop_requested()) return false;
    const std::uint64_t word = word_.load(std::memory_order_acquire);
    const auto word_changed = [&] { return word_.load(std::memory_order_acquire) != word; };
    const Fields state = decode(word);
    const bool blocked =
        state.paused || (honor_worker_cap && worker >= state.active) || state.fraction <= 0.0;
    parked_.fetch_add(1, std::memory_order_acq_rel);
    if (blocked) {
      changed_.wait(lock, stop, word_changed);
      parked_.fetch_sub(1, std::memory_order_acq_rel);
      continue;
    }
    const double fraction = state.fraction;
    const auto period = std::chrono::nanoseconds(period_ns_.load());
    const auto now = std::chrono::steady_clock::now();
    const auto phase = (now - duty_epoch_) % period;
    const auto on_time =
        std::chrono::nanoseconds(static_cast<std::int64_t>(fraction * static_cast<double>(period.count())));
    if (fraction >= 1.0 || phase < on_time) {
      parked_.fetch_sub(1, std::memory_order_acq_rel);
      return true;
    }
    changed_.wait_until(lock, stop, now + (period - phase), word_changed);
    parked_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace joulebench::platform
