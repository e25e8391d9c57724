// gemm_s8_avx512bw_8x48: u8 x s8 quads for AVX-512 CPUs without VNNI (Skylake/Cascade Lake-SP):
// vpmaddubsw (u8 x s8 pairs to s16), vpmaddwd by ones (pairs of s16 to s32), vpaddd: the three
// instructions VNNI's vpdpbusd fuses. vpmaddubsw saturates at 32767, which 255 x 127 x 2 exceeds, so
// this kernel's weights are quantized to 7 bits (|w| <= 63, kernel.s8_weight_max): 255 x 63 x 2 =
// 32130 cannot saturate. oneDNN halves weights on these CPUs for the same reason.
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

struct S8MaddubsOps : S32AccIo {
  using Acc = __m512i;
  using In = __m512i;
  static JB_INLINE __m512i load_b(const std::uint8_t* p) { return _mm512_loadu_si512(p); }
  static JB_INLINE __m512i bcast_a(const std::uint8_t* p) {
    return _mm512_set1_epi32(*reinterpret_cast<const std::int32_t*>(p));
  }
  // First operand unsigned (A, u8), second signed (B, s7 in s8).
  static JB_INLINE __m512i madd(__m512i acc, __m512i a, __m512i b) {
    const __m512i pairs = _mm512_maddubs_epi16(a, b);
    return _mm512_add_epi32(acc, _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)));
  }
};

}  // namespace

void gemm_s8_avx512bw_8x48(const UkernelArgs& p) { run_tile<S8MaddubsOps>(p); }

}  // namespace joulebench::inference::detail
#endif
