// Every micro-kernel compiled in, and the scalar write-back the non-AVX-512 kernels share.
#pragma once

#include "detail/ukernel.hpp"

namespace joulebench::inference::detail {

#if JOULEBENCH_BUILT_AVX512
void gemm_f32_avx512_8x48(const UkernelArgs& p);
void gemm_bf16_avx512f_8x48(const UkernelArgs& p);
void gemm_s8_avx512bw_8x48(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_AVX512_BF16
void gemm_bf16_avx512_8x48(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_AVX512_VNNI
void gemm_s8_avx512vnni_8x48(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_AVX2
void gemm_f32_avx2_6x16(const UkernelArgs& p);
void gemm_bf16_avx2_4x16(const UkernelArgs& p);
void gemm_s8_avx2_4x16(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_AVXVNNI
void gemm_s8_avxvnni_6x16(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_NEON
void gemm_f32_neon_8x12(const UkernelArgs& p);
void gemm_bf16_neon_6x12(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_SVE
void gemm_f32_sve_4x16(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_ARM_BF16
void gemm_bf16_armbf16_8x12(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_ARM_DOTPROD
void gemm_s8_sdot_8x12(const UkernelArgs& p);
#endif
#if JOULEBENCH_BUILT_ARM_I8MM
void gemm_s8_usdot_8x12(const UkernelArgs& p);
void gemm_s8_usmmla_8x12(const UkernelArgs& p);
void gemm_bf16_bfmmla_8x12(const UkernelArgs& p);
#endif
void gemm_f32_portable_4x16(const UkernelArgs& p);
void gemm_bf16_portable_4x16(const UkernelArgs& p);
void gemm_s8_portable_4x16(const UkernelArgs& p);

/// Epilogue and store of an m x n tile of raw sums held in `tile` (row stride ld): to the
/// partial-sum buffer when !p.final, else through bias/activation/residual to C. Generic code.
void write_tile_f32(const UkernelArgs& p, const float* tile, int ld);
void write_tile_s32(const UkernelArgs& p, const std::int32_t* tile, int ld);

}  // namespace joulebench::inference::detail
