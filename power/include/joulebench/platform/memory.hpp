// How much memory this process may still take, and a check to run before a large allocation, so
// an impossible size is a one-line error naming the need and what is available, not bad_alloc.
#pragma once

#include <cstdint>
#include <string>

namespace joulebench::platform {

struct MemoryAvailable {
  std::uint64_t bytes = 0;
  std::string source;  ///< which limit bound it: MemAvailable, cgroup memory.max, RLIMIT_AS, ...
};

/// The tightest of MemAvailable (/proc/meminfo), the cgroup v2 limit minus usage, and the
/// RLIMIT_AS / RLIMIT_DATA soft limits, read from the real machine.
MemoryAvailable memory_available();

/// "12.3 GiB", "512 MiB", "4.0 KiB".
std::string format_bytes(double bytes);

/// Throws std::invalid_argument ("WHAT needs N (DETAIL); M is available (SOURCE); FIX") when
/// `needed` exceeds 90% of what is available.
void require_memory(std::uint64_t needed, const std::string& what, const std::string& detail,
                    const std::string& fix);

}  // namespace joulebench::platform
