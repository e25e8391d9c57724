// Background load and steal from procfs tick counters.
#include "suite/load.hpp"

#include <sstream>

#include "joulebench/power/sensor.hpp"

namespace joulebench::suite {

using json = nlohmann::json;

LoadSnapshot load_snapshot(const power::SysfsRoot& root) {
  LoadSnapshot s;
  const auto stat = power::read_text(root("/proc/stat"));
  const auto times = stat ? power::parse_proc_stat(*stat) : std::nullopt;
  const auto self = power::read_text("/proc/self/stat");
  if (!times || !self || self->rfind(')') == std::string::npos) return s;
  std::istringstream fields(self->substr(self->rfind(')') + 2));
  std::string f;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = power::parse_u64(f).value_or(0);
    if (i == 15) stime = power::parse_u64(f).value_or(0);
  }
  s = {true, times->busy, times->steal, times->total, utime + stime, times->cpus};
  return s;
}

json load_between(const LoadSnapshot& a, const LoadSnapshot& b) {
  if (!a.ok || !b.ok || b.total <= a.total || b.cpus == 0) return {{"ok", false}};
  const double total = static_cast<double>(b.total - a.total);  // ticks of all CPUs
  const double cpus = static_cast<double>(b.cpus);
  const double busy = static_cast<double>(b.busy - a.busy) - static_cast<double>(b.steal - a.steal);
  const double own = static_cast<double>(b.self - a.self);
  // Tick accounting is coarse (10 ms per CPU): a window needs some hundred ticks to mean much.
  return {{"ok", total >= 100},
          {"other_cores", std::max(0.0, (busy - own) / total * cpus)},
          {"steal_pct", 100.0 * static_cast<double>(b.steal - a.steal) / total},
          {"ticks", total}};
}

json load_total(const json& windows) {
  double ticks = 0, other = 0, steal = 0;
  bool ok = !windows.empty();
  for (const auto& w : windows) {
    if (!w.value("ok", false)) {
      ok = false;
      continue;
    }
    const double n = w.value("ticks", 0.0);
    ticks += n;
    other += w.value("other_cores", 0.0) * n;
    steal += w.value("steal_pct", 0.0) * n;
  }
  if (ticks <= 0) return {{"ok", false}};
  return {{"ok", ok}, {"other_cores", other / ticks}, {"steal_pct", steal / ticks}, {"ticks", ticks}};
}

}  // namespace joulebench::suite
