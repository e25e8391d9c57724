// gemm_bf16_avx512_8x48: bf16 pairs with vdpbf16ps, fp32 accumulation.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX512_BF16
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

struct Bf16Ops : FloatAccIo {
  using Acc = __m512;
  using In = __m512i;
  static JB_INLINE __m512i load_b(const std::uint8_t* p) { return _mm512_loadu_si512(p); }
  static JB_INLINE __m512i bcast_a(const std::uint8_t* p) {
    return _mm512_set1_epi32(*reinterpret_cast<const std::int32_t*>(p));
  }
  static JB_INLINE __m512 madd(__m512 acc, __m512i a, __m512i b) {
    return _mm512_dpbf16_ps(acc, reinterpret_cast<__m512bh>(a), reinterpret_cast<__m512bh>(b));
  }
};

}  // namespace

void gemm_bf16_avx512_8x48(const UkernelArgs& p) { run_tile<Bf16Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
