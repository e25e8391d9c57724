// Per-worker counters of work done, written by each worker and read by a sampler at ~1 kHz
// without locks or contention.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace joulebench::platform {

/// One padded slot per worker: the owner adds with a relaxed store (no lock prefix), readers
/// sum relaxed loads, so sampling never slows the workers.
class WorkCounters {
 public:
  /// `unit`: what one count is ("hash", "flop", "inference").
  WorkCounters(std::size_t workers, std::string unit);

  /// Called only by `worker`'s own thread.
  void add(std::size_t worker, std::uint64_t units) noexcept {
    auto& v = slots_[worker].value;
    v.store(v.load(std::memory_order_relaxed) + units, std::memory_order_relaxed);
  }

  /// Total over all workers; monotonic, safe from any thread.
  [[nodiscard]] std::uint64_t total() const noexcept;
  [[nodiscard]] std::uint64_t of(std::size_t worker) const noexcept {
    return slots_[worker].value.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::size_t workers() const noexcept { return workers_; }
  [[nodiscard]] const std::string& unit() const noexcept { return unit_; }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> value{0};
  };
  std::size_t workers_;
  std::string unit_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace joulebench::platform
