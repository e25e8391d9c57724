// gemm_f32_neon_8x12 and gemm_bf16_neon_8x12: Advanced SIMD fp32 FMA micro-kernels for every
// aarch64 CPU; bf16 stored, widened to fp32 (a bf16 is the top half of a float) and computed in
// fp32, for CPUs without the BF16 extension.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_NEON
#include <arm_neon.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_neon.inc"

struct F32Ops : F32AccIo {
  static constexpr int kMR = 8;
  using B = float32x4_t;
  static JB_INLINE B load_b(const std::uint8_t* p, NoState&, int) {
    return vld1q_f32(reinterpret_cast<const float*>(p));
  }
  static JB_INLINE void row(float32x4_t* acc, const std::uint8_t* a, const B* b) {
    const float32x4_t av = vld1q_dup_f32(reinterpret_cast<const float*>(a));
    for (int j = 0; j < 3; ++j) acc[j] = vfmaq_f32(acc[j], b[j], av);
  }
};

// Each packed 4 bytes hold the k-pair (even k low, odd k high): two fp32 FMAs per element.
struct Bf16WidenOps : F32AccIo {
  static constexpr int kMR = 6;  // 18 accumulators + 6 widened B + 2 A
  struct B {
    float32x4_t even, odd;
  };
  static JB_INLINE B load_b(const std::uint8_t* p, NoState&, int) {
    const uint32x4_t pairs = vld1q_u32(reinterpret_cast<const std::uint32_t*>(p));
    return {vreinterpretq_f32_u32(vshlq_n_u32(pairs, 16)),
            vreinterpretq_f32_u32(vandq_u32(pairs, vdupq_n_u32(0xffff0000u)))};
  }
  static JB_INLINE void row(float32x4_t* acc, const std::uint8_t* a, const B* b) {
    const uint32x4_t pair = vld1q_dup_u32(reinterpret_cast<const std::uint32_t*>(a));
    const float32x4_t even = vreinterpretq_f32_u32(vshlq_n_u32(pair, 16));
    const float32x4_t odd = vreinterpretq_f32_u32(vandq_u32(pair, vdupq_n_u32(0xffff0000u)));
    for (int j = 0; j < 3; ++j) acc[j] = vfmaq_f32(vfmaq_f32(acc[j], b[j].even, even), b[j].odd, odd);
  }
};

}  // namespace

void gemm_f32_neon_8x12(const UkernelArgs& p) { run_tile<F32Ops>(p); }
void gemm_bf16_neon_6x12(const UkernelArgs& p) { run_tile<Bf16WidenOps>(p); }

}  // namespace joulebench::inference::detail
#endif
