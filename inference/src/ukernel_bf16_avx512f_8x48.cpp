// gemm_bf16_avx512f_8x48: bf16 storage, fp32 math, for AVX-512 CPUs without AVX512_BF16 (Ice
// Lake, Skylake/Cascade Lake). Each packed element holds a k-pair; widening a bf16 to fp32 is a
// 16-bit shift (even k) or a mask (odd k), so one pair costs two FMAs, as two fp32 k steps do, plus
// two integer ops per B vector and two per A broadcast. oneDNN widens the same way.
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
#define JB_UK_PREFETCH 32
#include "detail/ukernel_avx512.inc"

struct Bf16WidenOps : FloatAccIo {
  using Acc = __m512;
  struct In {
    __m512 even, odd;  // the pair's first and second k, widened to fp32
  };
  static JB_INLINE In load_b(const std::uint8_t* p) {
    const __m512i x = _mm512_loadu_si512(p);
    return {_mm512_castsi512_ps(_mm512_slli_epi32(x, 16)),
            _mm512_castsi512_ps(_mm512_and_si512(x, _mm512_set1_epi32(static_cast<int>(0xffff0000u))))};
  }
  static JB_INLINE In bcast_a(const std::uint8_t* p) {
    float fe, fo;
    bf16_pair_to_floats(p, fe, fo);
    return {_mm512_set1_ps(fe), _mm512_set1_ps(fo)};
  }
  static JB_INLINE __m512 madd(__m512 acc, const In& a, const In& b) {
    return _mm512_fmadd_ps(a.odd, b.odd, _mm512_fmadd_ps(a.even, b.even, acc));
  }
};

}  // namespace

void gemm_bf16_avx512f_8x48(const UkernelArgs& p) { run_tile<Bf16WidenOps>(p); }

}  // namespace joulebench::inference::detail
#endif
