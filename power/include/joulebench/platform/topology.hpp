// Machine topology from hwloc (cores, caches) and the pinned worker arena every workload runs on.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace joulebench::platform {

/// Physical layout of this machine as hwloc sees it. Loaded once; cheap to query.
struct Topology {
  std::size_t cores = 1;           ///< physical cores
  std::size_t pus = 1;             ///< hardware threads
  std::size_t l1d_bytes = 32768;   ///< per core
  std::size_t l2_bytes = 1 << 20;  ///< per core
  std::size_t l3_bytes = 8 << 20;  ///< per L3 domain
  std::string summary;             ///< e.g. "1 package, 2 cores, 2 PUs, L2 1 MiB, L3 32 MiB"
};

/// hwloc's view of this machine (falls back to defaults with a summary saying so).
const Topology& topology();

/// Pins the calling thread to physical core `core % cores`. Returns false (thread left unpinned)
/// when the OS refuses, e.g. inside a restricted cpuset.
bool pin_current_thread_to_core(std::size_t core);

/// While alive, the calling thread runs at background priority (Linux SCHED_IDLE): any normal
/// thread that wakes on its core preempts it at once instead of waiting out a time slice. Work
/// that soaks up spare capacity behind a latency-sensitive workload runs this way. `active()` is
/// false when the OS refused (the thread keeps its priority).
class BackgroundPriority {
 public:
  BackgroundPriority();
  ~BackgroundPriority();
  BackgroundPriority(const BackgroundPriority&) = delete;
  BackgroundPriority& operator=(const BackgroundPriority&) = delete;
  [[nodiscard]] bool active() const { return active_; }

 private:
  bool active_ = false;
  int policy_ = 0;
  int priority_ = 0;
};

/// A fixed set of `threads` oneTBB workers, each pinned to its own core when `pin` is set,
/// on which a workload runs its parallel loops.
class WorkerArena {
 public:
  WorkerArena(std::size_t threads, bool pin);
  ~WorkerArena();
  WorkerArena(const WorkerArena&) = delete;
  WorkerArena& operator=(const WorkerArena&) = delete;

  [[nodiscard]] std::size_t threads() const { return threads_; }
  [[nodiscard]] bool pinned() const { return pin_; }

  /// Runs `body(worker)` once for each worker 0..threads-1, concurrently, each on its own arena
  /// thread; returns when all have returned.
  void run_each(const std::function<void(std::size_t worker)>& body);
  /// Runs `fn` inside the arena so its oneTBB parallel loops use exactly these threads.
  void execute(const std::function<void()>& fn);

  /// Arena slot of the calling thread (0..threads-1), valid inside `run_each`/`execute`.
  static std::size_t current_slot();
  /// True when the calling thread is running inside some arena.
  static bool inside();

 private:
  struct Impl;
  std::size_t threads_;
  bool pin_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace joulebench::platform
