// gemm_s8_avxvnni_6x16: u8 x s8 quads with 256-bit vpdpbusd (AVX-VNNI machines without AVX-512).
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVXVNNI
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_avx2.inc"

struct S8Ops : S32Io {
  static JB_INLINE __m256i madd(__m256i acc, __m256i a, __m256i b) {
    return _mm256_dpbusd_avx_epi32(acc, a, b);
  }
};

}  // namespace

void gemm_s8_avxvnni_6x16(const UkernelArgs& p) { run_tile<S8Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
