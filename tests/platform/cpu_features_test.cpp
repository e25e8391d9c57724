// CPU detection: the HWCAP decoding any aarch64 kernel choice rests on, fed every combination
// the tested CPUs have; and on the machine running the tests, that what it reports is coherent.
#include "joulebench/platform/cpu_features.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace joulebench::platform {
namespace {

constexpr unsigned long kAsimd = 1UL << 1, kSha2 = 1UL << 6, kAsimdDp = 1UL << 20, kSve = 1UL << 22;
constexpr unsigned long kI8mm = 1UL << 13, kBf16 = 1UL << 14;

TEST(ArmHwcap, EachCpuModelsFeaturesAreDecoded) {
  // cortex-a53: NEON and SHA2, no dot product.
  auto a53 = arm_features_from_hwcap(kAsimd | kSha2, 0);
  EXPECT_TRUE(a53.asimd && a53.arm_sha2);
  EXPECT_FALSE(a53.asimd_dotprod || a53.sve || a53.arm_bf16 || a53.i8mm);
  // neoverse-n1: + SDOT.
  auto n1 = arm_features_from_hwcap(kAsimd | kSha2 | kAsimdDp, 0);
  EXPECT_TRUE(n1.asimd_dotprod);
  EXPECT_FALSE(n1.sve);
  // a64fx: SVE (512-bit) without BF16/I8MM.
  auto a64fx = arm_features_from_hwcap(kAsimd | kSha2 | kAsimdDp | kSve, 0);
  EXPECT_TRUE(a64fx.sve);
  EXPECT_FALSE(a64fx.arm_bf16 || a64fx.i8mm);
  // max,sve=off: BF16 and I8MM without SVE.
  auto max_no_sve = arm_features_from_hwcap(kAsimd | kSha2 | kAsimdDp, kBf16 | kI8mm);
  EXPECT_TRUE(max_no_sve.arm_bf16 && max_no_sve.i8mm);
  EXPECT_FALSE(max_no_sve.sve);
  // A SHA2 or BF16 bit without NEON enables nothing that needs NEON.
  auto odd = arm_features_from_hwcap(kSha2, kBf16);
  EXPECT_FALSE(odd.arm_sha2 || odd.arm_bf16);
  // No x86 feature ever comes from HWCAP words.
  EXPECT_FALSE(max_no_sve.avx2 || max_no_sve.sha || max_no_sve.avx512f);
}

TEST(CpuFeatures, ThisMachinesReportIsCoherent) {
  const CpuFeatures& f = cpu_features();
  EXPECT_FALSE(cpu_brand().empty());
#if defined(__aarch64__)
  EXPECT_TRUE(f.asimd) << "every aarch64 Linux CPU has Advanced SIMD";
  EXPECT_FALSE(f.avx2 || f.sha);
  if (f.sve) {
    EXPECT_GE(f.sve_vector_bits, 128u);
    EXPECT_EQ(f.sve_vector_bits % 128, 0u);
  } else {
    EXPECT_EQ(f.sve_vector_bits, 0u);
  }
#else
  EXPECT_FALSE(f.asimd || f.arm_sha2 || f.sve);
  if (f.avx512f) {
    EXPECT_TRUE(f.avx2) << "no x86 CPU has AVX-512 without AVX2";
  }
#endif
}

TEST(Emulation, AForeignCpuinfoOrQemuCpuMeansEmulated) {
  const std::string x86 =
      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t: fpu sse2\n";
  const std::string arm = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n";
  EXPECT_FALSE(emulation_from("x86_64", x86, false));
  EXPECT_FALSE(emulation_from("aarch64", arm, false));
  const auto qemu = emulation_from("aarch64", x86, false);
  ASSERT_TRUE(qemu);
  EXPECT_NE(qemu->find("qemu-user"), std::string::npos);
  EXPECT_TRUE(emulation_from("x86_64", arm, false));
  EXPECT_TRUE(emulation_from("aarch64", arm, true));  // qemu-user with an emulated /proc/cpuinfo
#if defined(__aarch64__)
  // These tests run under qemu-user on the x86-64 CI machines: that must be seen.
  if (std::getenv("QEMU_CPU") != nullptr) {
    EXPECT_TRUE(emulation());
  }
#else
  EXPECT_FALSE(emulation()) << *emulation();
#endif
}

}  // namespace
}  // namespace joulebench::platform
