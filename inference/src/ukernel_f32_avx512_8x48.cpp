// gemm_f32_avx512_8x48: fp32 FMA micro-kernel.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX512
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 header false positive (bug 105593)
#endif
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#define JB_UK_MR 8
#define JB_UK_NR 48
// No software prefetch: on Zen 5, 1 thread, 32x4096x4096 ran 0.87x oneDNN with 32 groups ahead
// and 0.96x without; 1x4096x4096 (DRAM-bound) did not change.
#define JB_UK_PREFETCH 32
#define JB_UK_PREFETCH_MAX_ROWS 2
#include "detail/ukernel_avx512.inc"

struct F32Ops : FloatAccIo {
  using Acc = __m512;
  using In = __m512;
  static JB_INLINE __m512 load_b(const std::uint8_t* p) {
    return _mm512_loadu_ps(reinterpret_cast<const float*>(p));
  }
  static JB_INLINE __m512 bcast_a(const std::uint8_t* p) {
    return _mm512_set1_ps(*reinterpret_cast<const float*>(p));
  }
  static JB_INLINE __m512 madd(__m512 acc, __m512 a, __m512 b) { return _mm512_fmadd_ps(a, b, acc); }
};

}  // namespace

void gemm_f32_avx512_8x48(const UkernelArgs& p) { run_tile<F32Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
