// gemm_s8_sdot_8x12: the dot product extension's SDOT for int8 quads (KSTEP 4). SDOT is signed x
// signed but the packed A is u8: A is flipped to a - 128 (its top bit), and the 128 x sum of each
// B column that this takes away is put back from the column sums, counted with one more SDOT per
// B vector.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_ARM_DOTPROD
#include <arm_neon.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_neon.inc"

struct SdotOps : S32AccIo {
  static constexpr int kMR = 8;
  using B = int8x16_t;
  struct State {
    int32x4_t column_sums[3] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
  };
  static JB_INLINE B load_b(const std::uint8_t* p, State& s, int j) {
    const int8x16_t b = vld1q_s8(reinterpret_cast<const std::int8_t*>(p));
    s.column_sums[j] = vdotq_s32(s.column_sums[j], b, vdupq_n_s8(1));
    return b;
  }
  static JB_INLINE void row(int32x4_t* acc, const std::uint8_t* a, const B* b) {
    const uint8x16_t quad = vreinterpretq_u8_u32(vld1q_dup_u32(reinterpret_cast<const std::uint32_t*>(a)));
    const int8x16_t shifted = vreinterpretq_s8_u8(veorq_u8(quad, vdupq_n_u8(0x80)));  // a - 128
    for (int j = 0; j < 3; ++j) acc[j] = vdotq_s32(acc[j], b[j], shifted);
  }
  static JB_INLINE int32x4_t finish(int32x4_t acc, State& s, int j) {
    return vaddq_s32(acc, vshlq_n_s32(s.column_sums[j], 7));
  }
};

}  // namespace

void gemm_s8_sdot_8x12(const UkernelArgs& p) { run_tile<SdotOps>(p); }

}  // namespace joulebench::inference::detail
#endif
