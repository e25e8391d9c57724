// hwloc topology, thread pinning, and the pinned oneTBB worker arena.
#include "joulebench/platform/topology.hpp"

#include <sched.h>

#include <hwloc.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_scheduler_observer.h>
#include <optional>
#include <thread>

#include <mutex>
#include <sstream>

namespace joulebench::platform {
namespace {

// hwloc's topology handle lives for the whole process: pinning needs it on every arena entry.
hwloc_topology_t hwloc_handle() {
  static hwloc_topology_t handle = [] {
    hwloc_topology_t t = nullptr;
    if (hwloc_topology_init(&t) != 0) return static_cast<hwloc_topology_t>(nullptr);
    if (hwloc_topology_load(t) != 0) {
      hwloc_topology_destroy(t);
      return static_cast<hwloc_topology_t>(nullptr);
    }
    return t;
  }();
  return handle;
}

std::size_t cache_size(hwloc_topology_t t, hwloc_obj_type_t type, std::size_t fallback) {
  hwloc_obj_t obj = hwloc_get_obj_by_type(t, type, 0);
  return (obj != nullptr && obj->attr != nullptr && obj->attr->cache.size > 0)
             ? static_cast<std::size_t>(obj->attr->cache.size)
             : fallback;
}

Topology load_topology() {
  Topology topo;
  hwloc_topology_t t = hwloc_handle();
  if (t == nullptr) {
    topo.summary = "hwloc unavailable: assuming 1 core and default cache sizes";
    return topo;
  }
  const int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
  const int pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
  const int packages = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
  topo.cores = cores > 0 ? static_cast<std::size_t>(cores) : 1;
  topo.pus = pus > 0 ? static_cast<std::size_t>(pus) : topo.cores;
  topo.l1d_bytes = cache_size(t, HWLOC_OBJ_L1CACHE, topo.l1d_bytes);
  topo.l2_bytes = cache_size(t, HWLOC_OBJ_L2CACHE, topo.l2_bytes);
  topo.l3_bytes = cache_size(t, HWLOC_OBJ_L3CACHE, topo.l3_bytes);
  std::ostringstream s;
  s << (packages > 0 ? packages : 1) << " package(s), " << topo.cores << " cores, " << topo.pus
    << " PUs, L1d " << topo.l1d_bytes / 1024 << " KiB, L2 " << topo.l2_bytes / 1024 << " KiB, L3 "
    << topo.l3_bytes / (1024 * 1024) << " MiB";
  topo.summary = s.str();
  return topo;
}

// Each arena thread is pinned on entry and given back its old affinity on exit, so the caller's
// thread (and threads it spawns later, such as a sampler) are never left pinned.
class PinningObserver : public tbb::task_scheduler_observer {
 public:
  explicit PinningObserver(tbb::task_arena& arena) : tbb::task_scheduler_observer(arena) { observe(true); }
  ~PinningObserver() override { observe(false); }

  void on_scheduler_entry(bool) override {
    hwloc_topology_t t = hwloc_handle();
    if (t == nullptr) return;
    saved_ = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(t, saved_, HWLOC_CPUBIND_THREAD) != 0) {
      hwloc_bitmap_free(saved_);
      saved_ = nullptr;
    }
    const int slot = tbb::this_task_arena::current_thread_index();
    pin_current_thread_to_core(slot < 0 ? 0 : static_cast<std::size_t>(slot));
  }

  void on_scheduler_exit(bool) override {
    hwloc_topology_t t = hwloc_handle();
    if (t == nullptr || saved_ == nullptr) return;
    hwloc_set_cpubind(t, saved_, HWLOC_CPUBIND_THREAD);
    hwloc_bitmap_free(saved_);
    saved_ = nullptr;
  }

 private:
  static thread_local hwloc_bitmap_t saved_;
};

thread_local hwloc_bitmap_t PinningObserver::saved_ = nullptr;

}  // namespace

const Topology& topology() {
  static const Topology topo = load_topology();
  return topo;
}

bool pin_current_thread_to_core(std::size_t core) {
  hwloc_topology_t t = hwloc_handle();
  const int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
  if (t == nullptr || cores <= 0) return false;
  hwloc_obj_t obj = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, static_cast<unsigned>(core % cores));
  if (obj == nullptr) return false;
  hwloc_bitmap_t set = hwloc_bitmap_dup(obj->cpuset);
  hwloc_bitmap_singlify(set);  // one PU of the core, so SMT siblings are not shared
  const bool ok = hwloc_set_cpubind(t, set, HWLOC_CPUBIND_THREAD) == 0;
  hwloc_bitmap_free(set);
  return ok;
}

// oneTBB's worker pool is process-wide and its max_allowed_parallelism is the smallest of all
// live global_control objects, so one per arena would let the smallest arena cap every other
// (two workloads side by side, as the site runs them). One control holds the sum of the threads
// of all live arenas instead (at least the hardware's), replaced whenever an arena comes or goes.
class ParallelismLimit {
 public:
  static ParallelismLimit& instance() {
    static ParallelismLimit limit;
    return limit;
  }
  void add(std::ptrdiff_t threads) {
    std::lock_guard lock(mutex_);
    total_ += threads;
    control_.reset();
    const auto hardware = static_cast<std::ptrdiff_t>(std::max(1u, std::thread::hardware_concurrency()));
    control_.emplace(tbb::global_control::max_allowed_parallelism,
                     static_cast<std::size_t>(std::max(total_, hardware)));
  }

 private:
  std::mutex mutex_;
  std::ptrdiff_t total_ = 0;
  std::optional<tbb::global_control> control_;
};

struct WorkerArena::Impl {
  Impl(std::size_t threads, bool pin) : threads(threads), arena(static_cast<int>(threads), 1) {
    ParallelismLimit::instance().add(static_cast<std::ptrdiff_t>(threads));
    arena.initialize();
    if (pin) observer = std::make_unique<PinningObserver>(arena);
  }
  ~Impl() {
    observer.reset();
    arena.terminate();
    ParallelismLimit::instance().add(-static_cast<std::ptrdiff_t>(threads));
  }
  std::size_t threads;
  tbb::task_arena arena;
  std::unique_ptr<PinningObserver> observer;
};

WorkerArena::WorkerArena(std::size_t threads, bool pin)
    : threads_(threads == 0 ? 1 : threads), pin_(pin), impl_(std::make_unique<Impl>(threads_, pin)) {}

WorkerArena::~WorkerArena() = default;

void WorkerArena::run_each(const std::function<void(std::size_t)>& body) {
  impl_->arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, threads_, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
        },
        tbb::simple_partitioner());
  });
}

void WorkerArena::execute(const std::function<void()>& fn) { impl_->arena.execute(fn); }

bool WorkerArena::inside() {
  return tbb::this_task_arena::current_thread_index() != tbb::task_arena::not_initialized;
}

std::size_t WorkerArena::current_slot() {
  const int slot = tbb::this_task_arena::current_thread_index();
  return slot < 0 ? 0 : static_cast<std::size_t>(slot);
}

BackgroundPriority::BackgroundPriority() {
  sched_param param{};
  policy_ = sched_getscheduler(0);
  if (policy_ < 0 || sched_getparam(0, &param) != 0) return;
  priority_ = param.sched_priority;
  sched_param idle{};
  active_ = sched_setscheduler(0, SCHED_IDLE, &idle) == 0;  // 0: this thread, not the process
}

BackgroundPriority::~BackgroundPriority() {
  if (!active_) return;
  sched_param param{};
  param.sched_priority = priority_;
  sched_setscheduler(0, policy_, &param);
}

}  // namespace joulebench::platform
