// gemm_s8_avxvnni_6x16: u8 x s8 quads with 256-bit vpdpbusd (AVX-VNNI machines without AVX-512).
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVXVNNI
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_avx2.inc"

struct S8Ops {
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
    return _mm256_dpbusd_avx_epi32(acc, a, b);
  }
  static JB_INLINE __m256 to_float(const UkernelArgs& p, __m256i acc, int col) {
    const __m256i comp = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.col_comp + col));
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc, comp)), _mm256_loadu_ps(p.col_scale + col));
  }
  static void write(const UkernelArgs& p, const std::int32_t* t, int ld) { write_tile_s32(p, t, ld); }
};

}  // namespace

void gemm_s8_avxvnni_6x16(const UkernelArgs& p) { run_tile<S8Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
