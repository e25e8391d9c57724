// gemm_s8_avx512vnni_8x48: u8 x s8 quads with vpdpbusd, s32 accumulation, dequantised per
// output column at write-back.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_AVX512_VNNI
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

struct S8Ops : S32AccIo {
  using Acc = __m512i;
  using In = __m512i;
  static JB_INLINE __m512i load_b(const std::uint8_t* p) { return _mm512_loadu_si512(p); }
  static JB_INLINE __m512i bcast_a(const std::uint8_t* p) {
    return _mm512_set1_epi32(*reinterpret_cast<const std::int32_t*>(p));
  }
  // vpdpbusd: first operand unsigned (A, u8), second signed (B, s8).
  static JB_INLINE __m512i madd(__m512i acc, __m512i a, __m512i b) { return _mm512_dpbusd_epi32(acc, a, b); }
};

}  // namespace

void gemm_s8_avx512vnni_8x48(const UkernelArgs& p) { run_tile<S8Ops>(p); }

}  // namespace joulebench::inference::detail
#endif
