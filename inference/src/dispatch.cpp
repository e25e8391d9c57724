// The GEMM kernel table (this module's only global state) and cache-derived blocking.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "detail/ukernels.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"

namespace joulebench::inference {
namespace {

using platform::cpu_features;

bool always() { return true; }
[[maybe_unused]] bool has_avx512() { return cpu_features().avx512_core(); }
[[maybe_unused]] bool has_avx512_bf16() { return cpu_features().avx512_core() && cpu_features().avx512_bf16; }
[[maybe_unused]] bool has_avx512_vnni() { return cpu_features().avx512_core() && cpu_features().avx512_vnni; }
[[maybe_unused]] bool has_avx2() { return cpu_features().avx2 && cpu_features().fma; }
[[maybe_unused]] bool has_avx_vnni() { return cpu_features().avx2 && cpu_features().avx_vnni; }
[[maybe_unused]] bool has_neon() { return cpu_features().asimd; }
[[maybe_unused]] bool has_sve() { return cpu_features().sve; }
[[maybe_unused]] bool has_arm_bf16() { return cpu_features().arm_bf16; }
[[maybe_unused]] bool has_arm_dotprod() { return cpu_features().asimd_dotprod; }
[[maybe_unused]] bool has_i8mm() { return cpu_features().i8mm; }

constexpr GemmKernelInfo kKernels[] = {
#if JOULEBENCH_BUILT_AVX512
    {"gemm_f32_avx512_8x48", "avx512", DType::fp32, 8, 48, 1, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_f32_avx512_8x48, 127},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_f32_avx2_6x16", "avx2", DType::fp32, 6, 16, 1, "avx2+fma", has_avx2, detail::gemm_f32_avx2_6x16,
     127},
#endif
#if JOULEBENCH_BUILT_NEON
    {"gemm_f32_neon_8x12", "neon", DType::fp32, 8, 12, 1, "asimd", has_neon, detail::gemm_f32_neon_8x12, 127},
#endif
#if JOULEBENCH_BUILT_SVE
    // Any vector length; after NEON because no SVE machine has timed it against NEON yet.
    {"gemm_f32_sve_4x16", "sve", DType::fp32, 4, 16, 1, "sve", has_sve, detail::gemm_f32_sve_4x16, 127},
#endif
    {"gemm_f32_portable_4x16", "portable", DType::fp32, 4, 16, 1, "", always, detail::gemm_f32_portable_4x16,
     127},
#if JOULEBENCH_BUILT_AVX512_BF16
    {"gemm_bf16_avx512_8x48", "avx512", DType::bf16, 8, 48, 2, "avx512_bf16", has_avx512_bf16,
     detail::gemm_bf16_avx512_8x48, 127},
#endif
#if JOULEBENCH_BUILT_AVX512
    // bf16 storage, fp32 math: AVX-512 without AVX512_BF16 (Ice Lake, Cascade Lake).
    {"gemm_bf16_avx512f_8x48", "avx512f", DType::bf16, 8, 48, 2, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_bf16_avx512f_8x48, 127},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_bf16_avx2_4x16", "avx2", DType::bf16, 4, 16, 2, "avx2+fma", has_avx2, detail::gemm_bf16_avx2_4x16,
     127},
#endif
#if JOULEBENCH_BUILT_ARM_BF16
    {"gemm_bf16_armbf16_8x12", "arm-bf16", DType::bf16, 8, 12, 2, "bf16", has_arm_bf16,
     detail::gemm_bf16_armbf16_8x12, 127},
#endif
#if JOULEBENCH_BUILT_ARM_I8MM  // built with -march=armv8.6-a, which has BF16 too
    {"gemm_bf16_bfmmla_8x12", "bfmmla", DType::bf16, 8, 12, 2, "bf16", has_arm_bf16,
     detail::gemm_bf16_bfmmla_8x12, 127},
#endif
#if JOULEBENCH_BUILT_NEON
    // bf16 storage, fp32 math: aarch64 without the BF16 extension.
    {"gemm_bf16_neon_6x12", "neon", DType::bf16, 6, 12, 2, "asimd", has_neon, detail::gemm_bf16_neon_6x12,
     127},
#endif
    {"gemm_bf16_portable_4x16", "portable", DType::bf16, 4, 16, 2, "", always,
     detail::gemm_bf16_portable_4x16, 127},
#if JOULEBENCH_BUILT_AVX512_VNNI
    {"gemm_s8_avx512vnni_8x48", "avx512", DType::int8, 8, 48, 4, "avx512_vnni", has_avx512_vnni,
     detail::gemm_s8_avx512vnni_8x48, 127},
#endif
#if JOULEBENCH_BUILT_AVXVNNI
    {"gemm_s8_avxvnni_6x16", "avxvnni", DType::int8, 6, 16, 4, "avx_vnni", has_avx_vnni,
     detail::gemm_s8_avxvnni_6x16, 127},
#endif
// No VNNI: vpmaddubsw + vpmaddwd, 7-bit weights so the s16 pair sums cannot saturate.
#if JOULEBENCH_BUILT_AVX512
    {"gemm_s8_avx512bw_8x48", "avx512bw", DType::int8, 8, 48, 4, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_s8_avx512bw_8x48, 63},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_s8_avx2_4x16", "avx2", DType::int8, 4, 16, 4, "avx2", has_avx2, detail::gemm_s8_avx2_4x16, 63},
#endif
#if JOULEBENCH_BUILT_ARM_I8MM
    {"gemm_s8_usdot_8x12", "i8mm", DType::int8, 8, 12, 4, "i8mm", has_i8mm, detail::gemm_s8_usdot_8x12, 127},
    {"gemm_s8_usmmla_8x12", "usmmla", DType::int8, 8, 12, 4, "i8mm", has_i8mm, detail::gemm_s8_usmmla_8x12,
     127},
#endif
#if JOULEBENCH_BUILT_ARM_DOTPROD
    {"gemm_s8_sdot_8x12", "dotprod", DType::int8, 8, 12, 4, "asimddp", has_arm_dotprod,
     detail::gemm_s8_sdot_8x12, 127},
#endif
    {"gemm_s8_portable_4x16", "portable", DType::int8, 4, 16, 4, "", always, detail::gemm_s8_portable_4x16,
     127},
};

int round_to(int v, int multiple) { return std::max(multiple, v / multiple * multiple); }

}  // namespace

std::span<const GemmKernelInfo> all_gemm_kernels() { return kKernels; }

const GemmKernelInfo& find_gemm_kernel(DType dtype, std::string_view isa_or_name) {
  std::string known;
  for (const auto& k : kKernels) {
    if (k.dtype != dtype) continue;
    known += (known.empty() ? "" : ", ") + std::string(k.isa) + " (" + std::string(k.name) + ")";
    const bool named = isa_or_name.empty() || k.isa == isa_or_name || k.name == isa_or_name;
    if (!named) continue;
    if (k.cpu_supports()) return k;
    if (!isa_or_name.empty()) {
      throw std::invalid_argument("kernel '" + std::string(isa_or_name) + "' for " +
                                  std::string(to_string(dtype)) + " needs the CPU feature " +
                                  std::string(k.cpu_feature) +
                                  ", which this CPU (or OS) lacks; pick another with --kernel or omit it");
    }
  }
  throw std::invalid_argument("unknown " + std::string(to_string(dtype)) + " GEMM kernel '" +
                              std::string(isa_or_name) + "'; choose one of: " + known);
}

Blocking Blocking::resolved(const GemmKernelInfo& k) const {
  const auto& topo = platform::topology();
  Blocking b = *this;
  // KC: a KC x NR micro-panel of B takes a quarter of L2. Measured on Zen 5 (1024^3 fp32, 1
  // thread): KC sized for L1 (256) ran 12% slower than this, from the extra partial-sum passes.
  if (b.kc <= 0) b.kc = static_cast<int>(topo.l2_bytes / 4 / (static_cast<std::size_t>(k.nr) * 4)) * k.kstep;
  b.kc = round_to(b.kc, k.kstep);
  // MC: an MC x KC block of A fills about half of L2.
  if (b.mc <= 0) b.mc = static_cast<int>(topo.l2_bytes / 2 / (static_cast<std::size_t>(b.kc / k.kstep) * 4));
  b.mc = round_to(std::min(b.mc, 4096), k.mr);
  // NC: 32 panels per tile (fewer A repacks; gemm() splits further when threads need tiles).
  if (b.nc <= 0) b.nc = 32 * k.nr;
  b.nc = round_to(b.nc, k.nr);
  return b;
}

}  // namespace joulebench::inference
