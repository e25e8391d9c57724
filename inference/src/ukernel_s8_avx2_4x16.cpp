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

struct S8MaddubsOps {
  using Scalar = std::int32_t;
  using Acc = __m256i;
  static JB_INLINE __m256i load(const std::int32_t* p) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
  }
  static JB_INLINE void store(std::int32_t* p, __m256i x) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(p), x);
  }
  static JB_INLINE __m256i load_b(const std::uint8_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static JB_INLINE __m256i bcast_a(const std::uint8_t* p) {
    return _mm256_set1_epi32(*reinterpret_cast<const std::int32_t*>(p));
  }
  static JB_INLINE __m256i madd(__m256i acc, __m256i a, __m256i b) {
    const __m256i pairs = _mm256_maddubs_epi16(a, b);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
  static JB_INLINE __m256 to_float(const UkernelArgs& p, __m256i acc, int col) {
    const __m256i comp = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.col_comp + col));
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc, comp)), _mm256_loadu_ps(p.col_scale + col));
  }
  static void write(const UkernelArgs& p, const std::int32_t* t, int ld) { write_tile_s32(p, t, ld); }
};

}  // namespace

void gemm_s8_avx2_4x16(const UkernelArgs& p) { run_tile<S8MaddubsOps>(p); }

}  // namespace joulebench::inference::detail
#endif
