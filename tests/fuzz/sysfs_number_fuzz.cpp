// Fuzzes what joulebench parses out of sysfs and procfs text: unsigned integers, perf event specs,
// /proc/stat, and the escaping that makes any name printable JSON.
#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "joulebench/power/sensor.hpp"
#include "joulebench/power/sysfs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  const std::string in = fuzz::text(data, size);
  if (const auto v = power::parse_u64(in);
      v && std::to_string(*v) != in.substr(in.find_first_not_of('0') == std::string::npos
                                               ? in.size() - 1
                                               : in.find_first_not_of('0')))
    __builtin_trap();
  (void)power::parse_pmu_event_config(in);
  (void)power::parse_proc_stat(in);
  // Escaped text is valid UTF-8: serialising it as JSON must not throw.
  (void)nlohmann::json(power::printable(in)).dump();
  return 0;
}
