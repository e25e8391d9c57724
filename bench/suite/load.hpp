// What else ran beside a window: other processes' CPU time (/proc/stat minus this process's own
// from /proc/self/stat) and the VM's steal time. A figure measured on a busy or stolen machine
// is flagged by the validity verdict instead of published as if the machine were quiet.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "joulebench/power/sysfs.hpp"

namespace joulebench::suite {

struct LoadSnapshot {
  bool ok = false;
  std::uint64_t busy = 0, steal = 0, total = 0;  ///< /proc/stat aggregate, USER_HZ ticks
  std::uint64_t self = 0;                        ///< this process's utime + stime, ticks
  std::size_t cpus = 0;
};

/// Reads `<root>/proc/stat` and the real /proc/self/stat.
LoadSnapshot load_snapshot(const power::SysfsRoot& root);

/// {ok, other_cores, steal_pct, seconds}: cores' worth of other processes' CPU time and the share
/// of CPU time stolen by the hypervisor between two snapshots; ok false when unreadable or too short.
nlohmann::json load_between(const LoadSnapshot& a, const LoadSnapshot& b);

/// Sums several load_between results, weighted by their spans.
nlohmann::json load_total(const nlohmann::json& windows);

}  // namespace joulebench::suite
