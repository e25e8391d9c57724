// aarch64 probe: what the kernel says the CPU has (HWCAP words) and, with SVE, the vector length
// this process runs with; the CPU's name from its MIDR fields in /proc/cpuinfo.
#include <sys/auxv.h>
#include <sys/prctl.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "joulebench/platform/cpu_features.hpp"

namespace joulebench::platform {
namespace {

std::string cpuinfo_value(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto first = line.find_first_not_of(" \t", colon + 1);
    return first == std::string::npos ? std::string() : line.substr(first);
  }
  return {};
}

// Implementer and part numbers from the Arm ARM's MIDR_EL1 and the vendors' manuals.
std::string part_name(unsigned implementer, unsigned part) {
  struct Part {
    unsigned implementer, part;
    const char* name;
  };
  static constexpr Part kParts[] = {
      {0x41, 0xd03, "Arm Cortex-A53"},   {0x41, 0xd08, "Arm Cortex-A72"},  {0x41, 0xd0c, "Arm Neoverse-N1"},
      {0x41, 0xd40, "Arm Neoverse-V1"},  {0x41, 0xd49, "Arm Neoverse-N2"}, {0x41, 0xd4f, "Arm Neoverse-V2"},
      {0x41, 0xd8e, "Arm Neoverse-N3"},  {0x41, 0xd84, "Arm Neoverse-V3"}, {0x46, 0x001, "Fujitsu A64FX"},
      {0xc0, 0xac3, "Ampere AmpereOne"}, {0x61, 0x000, "Apple (virtual)"},
  };
  for (const auto& p : kParts)
    if (p.implementer == implementer && p.part == part) return p.name;
  char text[64];
  std::snprintf(text, sizeof text, "aarch64 implementer 0x%02x part 0x%03x", implementer, part);
  return text;
}

CpuFeatures probe() {
  CpuFeatures f = arm_features_from_hwcap(getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
  if (f.sve) {
    const int vl = prctl(PR_SVE_GET_VL);  // bytes in the low 16 bits
    if (vl > 0) f.sve_vector_bits = static_cast<unsigned>(vl & 0xffff) * 8;
  }
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe();
  return features;
}

std::string cpu_brand() {
  const std::string implementer = cpuinfo_value("CPU implementer"), part = cpuinfo_value("CPU part");
  if (implementer.empty() || part.empty()) return "unknown aarch64";
  return part_name(static_cast<unsigned>(std::stoul(implementer, nullptr, 0)),
                   static_cast<unsigned>(std::stoul(part, nullptr, 0)));
}

}  // namespace joulebench::platform
