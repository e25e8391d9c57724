// gemm_f32_sve_4x16: SVE fp32 FMA micro-kernel written for any vector length. The 16 columns of
// a row are covered by up to four vectors whose predicates (whilelt) switch off what lies past
// column 16: at 128 bits all four are live, at 512 bits and above only the first, partly or
// wholly. Sizeless SVE types cannot form arrays, so the 4 x 4 accumulators are named.
#include "detail/ukernel_prelude.hpp"
#include "detail/ukernels.hpp"

#if JOULEBENCH_HAVE_SVE
#include <arm_sve.h>

namespace joulebench::inference::detail {
namespace {

constexpr int kMR = 4;
constexpr int kNR = 16;

template <int ROWS>
void tile(const UkernelArgs& p) {
  alignas(64) float t[kMR][kNR] = {};
  if (p.load_acc) {
    for (int r = 0; r < p.m; ++r)
      for (int c = 0; c < p.n; ++c) t[r][c] = static_cast<const float*>(p.acc)[r * p.ld_acc + c];
  }
  const auto lanes = static_cast<std::int64_t>(svcntw());
  const svbool_t p0 = svwhilelt_b32(std::int64_t{0}, std::int64_t{kNR});
  const svbool_t p1 = svwhilelt_b32(lanes, std::int64_t{kNR});
  const svbool_t p2 = svwhilelt_b32(2 * lanes, std::int64_t{kNR});
  const svbool_t p3 = svwhilelt_b32(3 * lanes, std::int64_t{kNR});
#define JB_SVE_ROW(r)                                                                       \
  svfloat32_t c##r##0 = svld1_f32(p0, &t[r][0]), c##r##1 = svld1_f32(p1, &t[r][0] + lanes), \
              c##r##2 = svld1_f32(p2, &t[r][0] + 2 * lanes), c##r##3 = svld1_f32(p3, &t[r][0] + 3 * lanes)
  JB_SVE_ROW(0);
  JB_SVE_ROW(1);
  JB_SVE_ROW(2);
  JB_SVE_ROW(3);
#undef JB_SVE_ROW
  const auto* a = static_cast<const std::uint8_t*>(p.a);
  const auto* b = reinterpret_cast<const float*>(p.b);
  for (int g = 0; g < p.k_groups; ++g) {
    const float* bg = b + g * kNR;
    const svfloat32_t b0 = svld1_f32(p0, bg), b1 = svld1_f32(p1, bg + lanes),
                      b2 = svld1_f32(p2, bg + 2 * lanes), b3 = svld1_f32(p3, bg + 3 * lanes);
    const std::uint8_t* ag = a + g * p.a_group_stride;
#define JB_SVE_FMA(r)                                  \
  if constexpr (ROWS > r) {                            \
    float av;                                          \
    __builtin_memcpy(&av, ag + r * p.a_row_stride, 4); \
    c##r##0 = svmla_n_f32_m(p0, c##r##0, b0, av);      \
    c##r##1 = svmla_n_f32_m(p1, c##r##1, b1, av);      \
    c##r##2 = svmla_n_f32_m(p2, c##r##2, b2, av);      \
    c##r##3 = svmla_n_f32_m(p3, c##r##3, b3, av);      \
  }
    JB_SVE_FMA(0)
    JB_SVE_FMA(1)
    JB_SVE_FMA(2)
    JB_SVE_FMA(3)
#undef JB_SVE_FMA
  }
#define JB_SVE_STORE(r)                         \
  svst1_f32(p0, &t[r][0], c##r##0);             \
  svst1_f32(p1, &t[r][0] + lanes, c##r##1);     \
  svst1_f32(p2, &t[r][0] + 2 * lanes, c##r##2); \
  svst1_f32(p3, &t[r][0] + 3 * lanes, c##r##3)
  JB_SVE_STORE(0);
  JB_SVE_STORE(1);
  JB_SVE_STORE(2);
  JB_SVE_STORE(3);
#undef JB_SVE_STORE
  write_tile_f32(p, &t[0][0], kNR);
}

template <int ROWS = kMR>
void run_tile(const UkernelArgs& p) {
  if constexpr (ROWS > 1) {
    if (p.m < ROWS) return run_tile<ROWS - 1>(p);
  }
  tile<ROWS>(p);
}

}  // namespace

void gemm_f32_sve_4x16(const UkernelArgs& p) { run_tile(p); }

}  // namespace joulebench::inference::detail
#endif
