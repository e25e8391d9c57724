// gemm_bf16_avx2_4x16: bf16 storage, fp32 math, for AVX2 CPUs (Zen 2/3, Haswell..Skylake client):
// each k-pair widened by a shift (even k) and a mask (odd k), two FMAs per pair. Four rows, not
// six: the widened B pairs take 4 of the 16 ymm registers (8 accumulators + 4 B + 2 A).
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX2
#include <immintrin.h>

namespace joulebench::inference::detail {
namespace {

#define JB_UK_MR 4
#include "detail/ukernel_avx2.inc"

struct Bf16WidenOps : F32AccIo {
  struct In {
    __m256 even, odd;
  };
  static JB_INLINE In load_b(const std::uint8_t* p) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return {_mm256_castsi256_ps(_mm256_slli_epi32(x, 16)),
            _mm256_castsi256_ps(_mm256_and_si256(x, _mm256_set1_epi32(static_cast<int>(0xffff0000u))))};
  }
  static JB_INLINE In bcast_a(const std::uint8_t* p) {
    float fe, fo;
    bf16_pair_to_floats(p, fe, fo);
    return {_mm256_set1_ps(fe), _mm256_set1_ps(fo)};
  }
  static JB_INLINE __m256 madd(__m256 acc, const In& a, const In& b) {
    return _mm256_fmadd_ps(a.odd, b.odd, _mm256_fmadd_ps(a.even, b.even, acc));
  }
};

}  // namespace

void gemm_bf16_avx2_4x16(const UkernelArgs& p) { run_tile<Bf16WidenOps>(p); }

}  // namespace joulebench::inference::detail
#endif
