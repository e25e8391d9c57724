// HWCAP decoding, on every architecture so tests can feed it any pair of words.
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

}  // namespace joulebench::platform
