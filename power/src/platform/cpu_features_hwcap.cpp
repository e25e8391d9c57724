// HWCAP decoding and the emulator check, on every architecture so tests can feed them anything.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "joulebench/platform/cpu_features.hpp"

namespace joulebench::platform {
namespace {

// Linux arch/arm64/include/uapi/asm/hwcap.h.
constexpr unsigned long kHwcapAsimd = 1UL << 1, kHwcapSha2 = 1UL << 6, kHwcapAsimdDp = 1UL << 20,
                        kHwcapSve = 1UL << 22;
constexpr unsigned long kHwcap2I8mm = 1UL << 13, kHwcap2Bf16 = 1UL << 14;

}  // namespace

CpuFeatures arm_features_from_hwcap(unsigned long hwcap, unsigned long hwcap2) {
  CpuFeatures f;
  f.asimd = (hwcap & kHwcapAsimd) != 0;
  // Every kernel here is NEON underneath: without it none of these is usable.
  f.arm_sha2 = f.asimd && (hwcap & kHwcapSha2) != 0;
  f.asimd_dotprod = f.asimd && (hwcap & kHwcapAsimdDp) != 0;
  f.sve = (hwcap & kHwcapSve) != 0;
  f.arm_bf16 = f.asimd && (hwcap2 & kHwcap2Bf16) != 0;
  f.i8mm = f.asimd && (hwcap2 & kHwcap2I8mm) != 0;
  return f;
}

std::optional<std::string> emulation_from(const std::string& binary_arch, const std::string& cpuinfo,
                                          bool qemu_cpu_set) {
  // The kernel describes the CPU it really runs on; an emulator passes that text through.
  const bool x86_cpuinfo = cpuinfo.find("vendor_id") != std::string::npos ||
                           cpuinfo.find("GenuineIntel") != std::string::npos ||
                           cpuinfo.find("AuthenticAMD") != std::string::npos;
  const bool arm_cpuinfo = cpuinfo.find("CPU implementer") != std::string::npos;
  if (binary_arch == "aarch64" && x86_cpuinfo)
    return std::string("an aarch64 binary on a CPU whose /proc/cpuinfo is x86-64's (qemu-user or similar)");
  if (binary_arch == "x86_64" && arm_cpuinfo)
    return std::string("an x86-64 binary on a CPU whose /proc/cpuinfo is aarch64's (an x86 emulator)");
  if (qemu_cpu_set && binary_arch == "aarch64")
    return std::string("QEMU_CPU is set: qemu-user chooses the CPU model this binary sees");
  return std::nullopt;
}

const std::optional<std::string>& emulation() {
  static const std::optional<std::string> why = [] {
    std::ifstream in("/proc/cpuinfo");
    std::ostringstream text;
    text << in.rdbuf();
#if defined(__aarch64__)
    const std::string arch = "aarch64";
#else
    const std::string arch = "x86_64";
#endif
    return emulation_from(arch, text.str(), std::getenv("QEMU_CPU") != nullptr);
  }();
  return why;
}

}  // namespace joulebench::platform
