// Available memory from the kernel's own accounting and the process limits.
#include "joulebench/platform/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace joulebench::platform {
namespace {

std::uint64_t meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  return std::numeric_limits<std::uint64_t>::max();
}

// cgroup v2: memory.max ("max" or bytes) minus memory.current, for the cgroup of this process.
std::uint64_t cgroup_available() {
  std::ifstream self("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(self, line)) {
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  }
  std::ifstream max_in("/sys/fs/cgroup" + path + "/memory.max"),
      cur_in("/sys/fs/cgroup" + path + "/memory.current");
  std::string max_text;
  std::uint64_t current = 0;
  if (!(max_in >> max_text) || max_text == "max" || !(cur_in >> current))
    return std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t max = std::stoull(max_text);
  return max > current ? max - current : 0;
}

std::uint64_t rlimit_available(int resource) {
  rlimit r{};
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
    return std::numeric_limits<std::uint64_t>::max();
  return r.rlim_cur;
}

}  // namespace

MemoryAvailable memory_available() {
  MemoryAvailable m{meminfo_available(), "MemAvailable in /proc/meminfo"};
  const auto tighter = [&](std::uint64_t bytes, const char* source) {
    if (bytes < m.bytes) m = {bytes, source};
  };
  try {
    tighter(cgroup_available(), "the cgroup's memory.max");
  } catch (const std::exception&) {
    // An unreadable cgroup file leaves the other limits in force.
  }
  tighter(rlimit_available(RLIMIT_AS), "RLIMIT_AS (ulimit -v)");
  tighter(rlimit_available(RLIMIT_DATA), "RLIMIT_DATA (ulimit -d)");
  return m;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

void require_memory(std::uint64_t needed, const std::string& what, const std::string& detail,
                    const std::string& fix) {
  const MemoryAvailable m = memory_available();
  if (static_cast<double>(needed) <= 0.9 * static_cast<double>(m.bytes)) return;
  throw std::invalid_argument(what + " needs " + format_bytes(static_cast<double>(needed)) + " (" + detail +
                              "); " + format_bytes(static_cast<double>(m.bytes)) + " is available (" +
                              m.source + "); " + fix);
}

}  // namespace joulebench::platform
