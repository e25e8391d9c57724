// gemm_bf16_bfmmla_8x12 (BF16) and gemm_s8_usmmla_8x12 (I8MM): the matrix-multiply-accumulate
// instructions on the shared packed layouts (ukernel_neon_mmla.inc). USMMLA takes the u8 A and
// s8 B as the int8 layout holds them, so no zero-point flip is needed.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_ARM_I8MM
#include <arm_neon.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_neon_mmla.inc"

struct UsmmlaOps {
  using Scalar = std::int32_t;
  using Acc = int32x4_t;
  static JB_INLINE int32x4_t load(const std::int32_t* p) { return vld1q_s32(p); }
  static JB_INLINE void store(std::int32_t* p, int32x4_t x) { vst1q_s32(p, x); }
  static JB_INLINE int32x4_t mmla(int32x4_t acc, uint32x4_t a, uint32x4_t b) {
    return vusmmlaq_s32(acc, vreinterpretq_u8_u32(a), vreinterpretq_s8_u32(b));
  }
  static void write(const UkernelArgs& p, const std::int32_t* t, int ld) { write_tile_s32(p, t, ld); }
};

struct BfmmlaOps {
  using Scalar = float;
  using Acc = float32x4_t;
  static JB_INLINE float32x4_t load(const float* p) { return vld1q_f32(p); }
  static JB_INLINE void store(float* p, float32x4_t x) { vst1q_f32(p, x); }
  static JB_INLINE float32x4_t mmla(float32x4_t acc, uint32x4_t a, uint32x4_t b) {
    return vbfmmlaq_f32(acc, vreinterpretq_bf16_u32(a), vreinterpretq_bf16_u32(b));
  }
  static void write(const UkernelArgs& p, const float* t, int ld) { write_tile_f32(p, t, ld); }
};

}  // namespace

void gemm_s8_usmmla_8x12(const UkernelArgs& p) { run_tile<UsmmlaOps>(p); }
void gemm_bf16_bfmmla_8x12(const UkernelArgs& p) { run_tile<BfmmlaOps>(p); }

}  // namespace joulebench::inference::detail
#endif
