// Under qemu-user with QEMU_CPU naming one of the tested CPU models: what the CPU has (from the
// models' published feature sets, not from our detection), and that dispatch picks each dtype's
// kernel accordingly and refuses a forced kernel the model lacks, naming the feature.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "joulebench/inference/gemm.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/platform/cpu_features.hpp"

namespace joulebench {
namespace {

struct Model {
  const char* qemu_cpu;
  bool sha2, dotprod, sve, bf16, i8mm;
  unsigned sve_bits;
  const char *fp32, *bf16_kernel, *int8;
};

// Cortex-A53: Armv8.0 + crypto. Neoverse-N1: Armv8.2 + dot product. A64FX: Armv8.2 + SVE-512,
// no dot product. qemu's `max`: everything, SVE at the length asked for.
constexpr Model kModels[] = {
    {"cortex-a53", true, false, false, false, false, 0, "gemm_f32_neon_8x12", "gemm_bf16_neon_6x12",
     "gemm_s8_portable_4x16"},
    {"neoverse-n1", true, true, false, false, false, 0, "gemm_f32_neon_8x12", "gemm_bf16_neon_6x12",
     "gemm_s8_sdot_8x12"},
    {"a64fx", true, false, true, false, false, 512, "gemm_f32_neon_8x12", "gemm_bf16_neon_6x12",
     "gemm_s8_portable_4x16"},
    {"max,sve=off", true, true, false, true, true, 0, "gemm_f32_neon_8x12", "gemm_bf16_armbf16_8x12",
     "gemm_s8_usdot_8x12"},
    {"max,sve128=on", true, true, true, true, true, 128, "gemm_f32_neon_8x12", "gemm_bf16_armbf16_8x12",
     "gemm_s8_usdot_8x12"},
    {"max,sve-default-vector-length=256", true, true, true, true, true, 2048, "gemm_f32_neon_8x12",
     "gemm_bf16_armbf16_8x12", "gemm_s8_usdot_8x12"},
};

[[maybe_unused]] const Model* this_model() {
  const char* cpu = std::getenv("QEMU_CPU");
  if (cpu == nullptr) return nullptr;
  for (const auto& m : kModels)
    if (std::string(cpu) == m.qemu_cpu) return &m;
  return nullptr;
}

TEST(ArmDispatch, PicksWhatThisCpuModelHasAndRefusesWhatItLacks) {
#if !defined(__aarch64__)
  GTEST_SKIP() << "not an aarch64 build";
#else
  const Model* m = this_model();
  if (m == nullptr) GTEST_SKIP() << "QEMU_CPU does not name one of the tested models (see kModels)";
  const auto& f = platform::cpu_features();
  EXPECT_EQ(f.arm_sha2, m->sha2);
  EXPECT_EQ(f.asimd_dotprod, m->dotprod);
  EXPECT_EQ(f.sve, m->sve);
  EXPECT_EQ(f.arm_bf16, m->bf16);
  EXPECT_EQ(f.i8mm, m->i8mm);
  EXPECT_EQ(f.sve_vector_bits, m->sve_bits);
  using inference::DType;
  EXPECT_EQ(inference::find_gemm_kernel(DType::fp32).name, m->fp32);
  EXPECT_EQ(inference::find_gemm_kernel(DType::bf16).name, m->bf16_kernel);
  EXPECT_EQ(inference::find_gemm_kernel(DType::int8).name, m->int8);
  // sha256d: the SHA2 kernels exactly when the CPU has SHA2. The default is the fastest measured
  // at start-up, which under an emulator says nothing about the hardware, so only its being one
  // the CPU runs is checked.
  bool sha2_listed = false;
  for (const auto* k : miner::supported_kernels()) sha2_listed |= k->name.starts_with("arm-sha2");
  EXPECT_EQ(sha2_listed, m->sha2);
  EXPECT_TRUE(miner::default_kernel().cpu_supports());
  // A forced GEMM kernel the model lacks is refused with its feature named, never run.
  int refused = 0;
  for (const auto& k : inference::all_gemm_kernels()) {
    if (k.cpu_supports()) continue;
    try {
      (void)inference::find_gemm_kernel(k.dtype, k.name);
      ADD_FAILURE() << k.name << " was not refused";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(k.cpu_feature)), std::string::npos) << e.what();
      ++refused;
    }
  }
  // BF16: BFDOT and BFMMLA; I8MM: USDOT and USMMLA.
  EXPECT_EQ(refused, (m->bf16 ? 0 : 2) + (m->i8mm ? 0 : 2) + (m->dotprod ? 0 : 1) + (m->sve ? 0 : 1));
#endif
}

}  // namespace
}  // namespace joulebench
