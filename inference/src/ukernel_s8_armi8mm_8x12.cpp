// gemm_s8_usdot_8x12: I8MM's USDOT, u8 A x s8 B quads into s32 lanes, the packed int8 layout as
// it is (KSTEP 4), one instruction per row and 4 columns.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_ARM_I8MM
#include <arm_neon.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_neon.inc"

struct UsdotOps : S32AccIo {
  static constexpr int kMR = 8;
  using B = int8x16_t;
  using State = NoState;
  static JB_INLINE B load_b(const std::uint8_t* p, NoState&, int) {
    return vld1q_s8(reinterpret_cast<const std::int8_t*>(p));
  }
  static JB_INLINE void row(int32x4_t* acc, const std::uint8_t* a, const B* b) {
    const uint8x16_t quad = vreinterpretq_u8_u32(vld1q_dup_u32(reinterpret_cast<const std::uint32_t*>(a)));
    for (int j = 0; j < 3; ++j) acc[j] = vusdotq_s32(acc[j], quad, b[j]);
  }
  static JB_INLINE int32x4_t finish(int32x4_t acc, NoState&, int) { return acc; }
};

}  // namespace

void gemm_s8_usdot_8x12(const UkernelArgs& p) { run_tile<UsdotOps>(p); }

}  // namespace joulebench::inference::detail
#endif
