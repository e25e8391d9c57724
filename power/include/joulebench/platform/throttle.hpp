// The throttle every workload obeys: workers ask for their turn between small units of work
// (a mining batch, a GEMM tile), so a pause, duty cycle or worker-count cap acts within one unit.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stop_token>

namespace joulebench::platform {

/// Pause / run-fraction / active-worker state shared by a workload's workers and the actuators
/// that drive it. Setters may be called from any thread; `await_turn` is the workers' checkpoint.
class ThrottleState {
 public:
  static constexpr std::chrono::nanoseconds kDefaultDutyPeriod = std::chrono::milliseconds(10);

  /// `workers`: how many workers will call `await_turn` (indices 0..workers-1).
  explicit ThrottleState(std::size_t workers);

  void pause();
  void resume();
  /// Duty cycle: each worker runs `fraction` (0..1) of every `period`, all in phase, so the
  /// machine sees whole idle gaps rather than a smear. 1 means unthrottled.
  void set_run_fraction(double fraction, std::chrono::nanoseconds period = kDefaultDutyPeriod);
  /// Workers with index >= n park until the count rises again. Clamped to [0, workers].
  void set_active_workers(std::size_t n);

  [[nodiscard]] bool paused() const;
  [[nodiscard]] double run_fraction() const;
  [[nodiscard]] std::chrono::nanoseconds duty_period() const;
  [[nodiscard]] std::size_t active_workers() const;
  [[nodiscard]] std::size_t workers() const { return workers_; }
  /// Workers currently parked in `await_turn` (paused, over the worker cap, or in a duty gap).
  [[nodiscard]] std::size_t parked() const { return parked_.load(std::memory_order_acquire); }

  /// Worker checkpoint, called between units of work. Returns at once (one relaxed load) when
  /// unthrottled; otherwise blocks until this worker may run. Returns false once `stop` is
  /// requested, true when the worker should do its next unit.
  bool await_turn(std::size_t worker, const std::stop_token& stop) {
    if (word_.load(std::memory_order_relaxed) == kUnthrottled) return !stop.stop_requested();
    return await_turn_slow(worker, stop, true);
  }

  /// Checkpoint inside a unit of fork-join work (a GEMM tile) that other workers will wait for:
  /// obeys pause and the duty cycle but not the worker cap, so a worker over the cap finishes
  /// what it holds instead of stalling its peers. Fork-join loops apply the cap before taking work.
  bool await_within_unit(const std::stop_token& stop) {
    if (word_.load(std::memory_order_relaxed) == kUnthrottled) return !stop.stop_requested();
    return await_turn_slow(0, stop, false);
  }

 private:
  // Packed so the fast path is one load: bit 63 paused, bits 32..55 active-worker cap,
  // bits 0..31 run fraction in units of 2^-31 (2^31 = full speed).
  static constexpr std::uint64_t kFullFraction = 1ull << 31;
  static constexpr std::uint64_t kPausedBit = 1ull << 63;
  static constexpr std::uint64_t kWorkersMask = (1ull << 24) - 1;
  static constexpr std::uint64_t kUnthrottledWorkers = kWorkersMask;
  static constexpr std::uint64_t kUnthrottled = (kUnthrottledWorkers << 32) | kFullFraction;

  struct Fields {
    bool paused;
    std::size_t active;
    double fraction;
  };

  bool await_turn_slow(std::size_t worker, const std::stop_token& stop, bool honor_worker_cap);
  /// Applies `edit` to the decoded state under the lock, then wakes every parked worker.
  template <typename Edit>
  void update(Edit edit);
  [[nodiscard]] Fields decode(std::uint64_t word) const;
  [[nodiscard]] std::uint64_t encode(const Fields& fields) const;

  const std::size_t workers_;
  std::atomic<std::uint64_t> word_{kUnthrottled};
  std::atomic<std::int64_t> period_ns_;
  std::atomic<std::size_t> parked_{0};
  std::chrono::steady_clock::time_point duty_epoch_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
};

}  // namespace joulebench::platform
