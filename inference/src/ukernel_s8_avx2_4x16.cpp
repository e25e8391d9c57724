// gemm_s8_avx2_4x16: u8 x s8 quads for AVX2 CPUs without VNNI (Zen 2/3, Haswell..Skylake):
// vpmaddubsw, vpmaddwd by ones, vpaddd. Weights are 7-bit (|w| <= 63, kernel.s8_weight_max) so
// vpmaddubsw's s16 pair sums (at most 255 x 63 x 2 = 32130) cannot saturate, as oneDNN does on
// these CPUs. Four rows: the ones vector and the s16 products need two more ymm registers.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX2
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#define JB_UK_MR 4
#include "detail/ukernel_avx2.inc"

struct S8MaddubsOps : S32Io {
  static JB_INLINE __m256i madd(__m256i acc, __m256i a, __m256i b) {
    const __m256i pairs = _mm256_maddubs_epi16(a, b);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
};

}  // namespace

void gemm_s8_avx2_4x16(const UkernelArgs& p) { run_tile<S8MaddubsOps>(p); }

}  // namespace joulebench::inference::detail
#endif
