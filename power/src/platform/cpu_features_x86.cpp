// CPUID/XGETBV probe: a feature counts only if the OS saves its registers on context switch.
#include "joulebench/platform/cpu_features.hpp"

#include <cpuid.h>

#include <cstdint>
#include <cstring>

namespace joulebench::platform {
namespace {

struct CpuidRegs {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegs cpuid(unsigned leaf, unsigned subleaf) {
  CpuidRegs r;
  if (static_cast<unsigned>(__get_cpuid_max(leaf & 0x80000000u, nullptr)) < leaf) return r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
  return r;
}

std::uint64_t read_xcr0() {
  std::uint32_t lo = 0, hi = 0;
  // xgetbv is only legal once OSXSAVE says the OS manages XSAVE state.
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

CpuFeatures probe() {
  CpuFeatures f;
  const CpuidRegs l1 = cpuid(1, 0);
  const CpuidRegs l7 = cpuid(7, 0);
  const CpuidRegs l7s1 = cpuid(7, 1);
  f.sse41 = bit(l1.ecx, 19);
  f.sha = bit(l7.ebx, 29) && f.sse41;
  f.bmi2 = bit(l7.ebx, 8);
  const bool osxsave = bit(l1.ecx, 27);
  const std::uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  const bool os_ymm = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
  const bool os_zmm = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  if (os_ymm) {
    f.avx2 = bit(l1.ecx, 28) && bit(l7.ebx, 5);
    f.fma = bit(l1.ecx, 12);
    f.avx_vnni = f.avx2 && bit(l7s1.eax, 4);
  }
  if (os_zmm) {
    f.avx512f = bit(l7.ebx, 16);
    f.avx512dq = bit(l7.ebx, 17);
    f.avx512bw = bit(l7.ebx, 30);
    f.avx512vl = bit(l7.ebx, 31);
    f.avx512_vnni = f.avx512f && bit(l7.ecx, 11);
    f.avx512_bf16 = f.avx512f && bit(l7s1.eax, 5);
  }
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe();
  return features;
}

std::string cpu_brand() {
  char brand[49] = {};
  for (unsigned i = 0; i < 3; ++i) {
    const CpuidRegs r = cpuid(0x80000002u + i, 0);
    std::memcpy(brand + 16 * i, &r, 16);
  }
  std::string s(brand);
  const auto first = s.find_first_not_of(' ');
  const auto last = s.find_last_not_of(' ');
  return first == std::string::npos ? std::string("unknown x86-64") : s.substr(first, last - first + 1);
}

}  // namespace joulebench::platform
