// gemm_f32_avx2_6x16: fp32 FMA micro-kernel for AVX2 machines.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX2
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#include "detail/ukernel_avx2.inc"

struct F32Ops : F32AccIo {
  static JB_INLINE __m256 load_b(const std::uint8_t* p) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(p));
  }
  static JB_INLINE __m256 bcast_a(const std::uint8_t* p) {
    return _mm256_broadcast_ss(reinterpret_cast<const float*>(p));
  }
  static JB_INLINE __m256 madd(__m256 acc, __m256 a, __m256 b) { return _mm256_fmadd_ps(a, b, acc); }
};

}  // namespace

void gemm_f32_avx2_6x16(const UkernelArgs& p) { run_tile<F32Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
