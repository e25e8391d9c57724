// WorkCounters: padded per-worker slots summed on read.
#include "joulebench/platform/work_counters.hpp"

#include <utility>

namespace joulebench::platform {

WorkCounters::WorkCounters(std::size_t workers, std::string unit)
    : workers_(workers), unit_(std::move(unit)), slots_(std::make_unique<Slot[]>(workers)) {}

std::uint64_t WorkCounters::total() const noexcept {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < workers_; ++i) sum += of(i);
  return sum;
}

}  // namespace joulebench::platform
