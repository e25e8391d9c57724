// The micro-kernel contract. Plain data only, so ISA translation units may include it.
//
// Packed layouts (4-byte elements, each holding KSTEP consecutive k values of one row/column):
//   A micro-panel: [g = k/KSTEP][r < MR]   (rows past m are zero), or A in place (row-major)
//   B micro-panel: [g][c < NR]            (columns past n are zero)
// fp32 KSTEP=1, bf16 KSTEP=2 (vdpbf16ps pairs), int8 KSTEP=4 (vpdpbusd quads: u8 A, s8 B).
#pragma once

#include <cstdint>

namespace joulebench::inference::detail {

enum : int { kActNone = 0, kActRelu = 1, kActGelu = 2 };
enum : int { kOutF32 = 0, kOutBf16 = 1, kOutU8 = 2 };

struct UkernelArgs {
  int k_groups;   // depth of this call in packed elements
  const void* a;  // A micro-panel: packed, or A's own rows (see the strides)
  // Bytes from one row of A to the next and from one group to the next: packed 4 and MR x 4;
  // read in place, A's row pitch and 4 (every layout keeps a group's KSTEP values in 4 bytes).
  std::ptrdiff_t a_row_stride, a_group_stride;
  const void* b;  // packed B micro-panel (at the first group of this call)
  int m, n;       // valid rows (1..MR) and columns (1..NR)
  void* acc;      // partial sums (float or int32), row-major, ld = ld_acc; null if one pass
  int ld_acc;
  bool load_acc;  // start from acc instead of zero
  bool final;     // apply the epilogue and write C; otherwise store raw sums to acc
  // Epilogue, all pointers already offset to this tile's first row/column.
  void* c;
  int ldc;
  int out;                       // kOut*
  const float* bias;             // may be null
  const float* col_scale;        // int8: scale_a * scale_b[n]
  const std::int32_t* col_comp;  // int8: zp_a * sum_k B[k][n]
  const float* residual;         // may be null
  int ld_residual;
  int activation;       // kAct*
  float out_inv_scale;  // u8 output: q = round(x * out_inv_scale) + out_zero_point
  int out_zero_point;
};

}  // namespace joulebench::inference::detail
