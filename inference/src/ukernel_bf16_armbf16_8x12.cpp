// gemm_bf16_armbf16_8x12: the BF16 extension's BFDOT, which multiplies a k-pair of bf16 A by a
// k-pair of bf16 B per 32-bit lane and adds both products to an fp32 accumulator: exactly the
// packed bf16 layout (KSTEP 2), so one instruction per row and 4 columns.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_ARM_BF16
#include <arm_neon.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_neon.inc"

struct Bf16DotOps : F32AccIo {
  static constexpr int kMR = 8;
  using B = bfloat16x8_t;
  static JB_INLINE B load_b(const std::uint8_t* p, NoState&, int) {
    return vreinterpretq_bf16_u32(vld1q_u32(reinterpret_cast<const std::uint32_t*>(p)));
  }
  static JB_INLINE void row(float32x4_t* acc, const std::uint8_t* a, const B* b) {
    const bfloat16x8_t av = vreinterpretq_bf16_u32(vld1q_dup_u32(reinterpret_cast<const std::uint32_t*>(a)));
    for (int j = 0; j < 3; ++j) acc[j] = vbfdotq_f32(acc[j], b[j], av);
  }
};

}  // namespace

void gemm_bf16_armbf16_8x12(const UkernelArgs& p) { run_tile<Bf16DotOps>(p); }

}  // namespace joulebench::inference::detail
#endif
