// Packing. B (weights) once per model into NR-wide panels, each contiguous over all of K:
//   panel j: [g < ceil(K/KSTEP)][c < NR] 4-byte elements, element = KSTEP k-values of column
//   j*NR + c (zero past N or K). A per block into MR-row micro-panels: [g][r < MR].
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <sys/mman.h>

#include "detail/pack.hpp"
#include "joulebench/inference/gemm.hpp"

namespace joulebench::inference {
namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Large weights on 2 MiB pages where the kernel grants them (THP "madvise" is Debian's default):
// a GEMV streams every byte once, and with 4 KiB pages 64 MiB of weights walk 16384 pages, more
// than the second-level TLB holds. 1 x 4096 x 4096 on 1 thread, ours / oneDNN, 3 runs each (Zen 5):
// fp32 0.96-1.23 with 2 MiB pages, 0.89-0.91 without; bf16 1.08-1.21 against 0.98-1.14.
std::uint8_t* aligned_bytes(std::size_t n) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t align = n >= 2 * kHuge ? kHuge : 64;
  const std::size_t size = (n + align - 1) / align * align;
  void* p = std::aligned_alloc(align, size);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHuge) madvise(p, size, MADV_HUGEPAGE);  // advice only: 4 KiB pages if refused
  std::memset(p, 0, n);
  return static_cast<std::uint8_t*>(p);
}

std::vector<float> symmetric_scales(const float* b, int k, int n, int ldb) {
  std::vector<float> s(n, 0.0f);
  for (int kk = 0; kk < k; ++kk) {
    for (int c = 0; c < n; ++c)
      s[c] = std::max(s[c], std::fabs(b[static_cast<std::ptrdiff_t>(kk) * ldb + c]));
  }
  for (float& v : s) v = v > 0 ? v / 127.0f : 1.0f;
  return s;
}

}  // namespace

PackedWeights::PackedWeights(const GemmKernelInfo& kernel, const float* b, int k, int n, int ldb)
    : PackedWeights(kernel, b, k, n, ldb,
                    kernel.dtype == DType::int8 ? symmetric_scales(b, k, n, ldb) : std::vector<float>{}) {}

PackedWeights::PackedWeights(const GemmKernelInfo& kernel, const float* b, int k, int n, int ldb,
                             std::span<const float> int8_scales)
    : kernel_(&kernel), k_(k), n_(n), kg_(ceil_div(k, kernel.kstep)), panels_(ceil_div(n, kernel.nr)) {
  if (k <= 0 || n <= 0 || ldb < n) {
    throw std::invalid_argument("weights " + std::to_string(k) + " x " + std::to_string(n) + " (ldb " +
                                std::to_string(ldb) + ") are empty or have ldb < N; give positive sizes");
  }
  if (kernel.dtype == DType::int8 && int8_scales.size() != static_cast<std::size_t>(n)) {
    throw std::invalid_argument("int8 weights need one scale per output column (" + std::to_string(n) + ")");
  }
  data_ = std::unique_ptr<std::uint8_t[], void (*)(void*)>(aligned_bytes(bytes()), std::free);
  pack(b, ldb, int8_scales);
  // The blocking reads the machine's pipe rates: measure them now, at load, not inside a timed GEMM.
  (void)blocking_inputs(kernel);
}

void PackedWeights::pack(const float* b, int ldb, std::span<const float> int8_scales) {
  const int nr = kernel_->nr, ks = kernel_->kstep;
  effective_.assign(static_cast<std::size_t>(k_) * n_, 0.0f);
  const int wmax = kernel_->s8_weight_max;
  if (kernel_->dtype == DType::int8) {
    // Scales are given for the full s8 range; a 7-bit kernel stretches each so the same real range
    // lands in [-wmax, wmax] (half the resolution, as oneDNN's weight adjustment on such CPUs).
    const float stretch = 127.0f / static_cast<float>(wmax);
    for (const float sc : int8_scales) scales_.push_back(sc * stretch);
    colsum_.assign(n_, 0);
  }
  for (int kk = 0; kk < k_; ++kk) {
    for (int c = 0; c < n_; ++c) {
      const float x = b[static_cast<std::ptrdiff_t>(kk) * ldb + c];
      std::uint8_t* elem =
          data_.get() + panel_bytes(c / nr) + (static_cast<std::size_t>(kk / ks) * nr + c % nr) * 4;
      float& eff = effective_[static_cast<std::size_t>(kk) * n_ + c];
      switch (kernel_->dtype) {
        case DType::fp32:
          std::memcpy(elem, &x, 4);
          eff = x;
          break;
        case DType::bf16: {
          const bf16_t h = float_to_bf16(x);
          std::memcpy(elem + 2 * (kk % 2), &h, 2);
          eff = bf16_to_float(h);
          break;
        }
        case DType::int8: {
          const float q =
              std::clamp(std::nearbyint(x / scales_[c]), -static_cast<float>(wmax), static_cast<float>(wmax));
          elem[kk % 4] = static_cast<std::uint8_t>(static_cast<std::int8_t>(q));
          colsum_[c] += static_cast<std::int32_t>(q);
          eff = q;
          break;
        }
      }
    }
  }
}

namespace detail {

void pack_a(const Activations& a, const GemmKernelInfo& kernel, int k, int m0, int rows, int g0, int groups,
            std::uint8_t* out) {
  const int mr = kernel.mr, ks = kernel.kstep;
  const std::size_t elem = activation_bytes(kernel.dtype);
  const auto* base = static_cast<const std::uint8_t*>(a.data);
  // Groups whose KSTEP values all lie inside K: copied as whole 4-byte elements, branch-free (this
  // transpose runs once per tile and KC block; element by element with the edge checks it cost
  // about a tenth of a compute-bound fp32 GEMM).
  const int full = std::clamp((k - g0 * ks) / ks, 0, groups);
  for (int ir = 0; ir < rows; ir += mr) {
    auto* panel = reinterpret_cast<std::uint32_t*>(out + static_cast<std::size_t>(ir) * groups * 4);
    for (int r = 0; r < mr; ++r) {
      std::uint32_t* dst = panel + r;
      if (ir + r >= rows) {  // rows past M are zero
        for (int g = 0; g < groups; ++g) dst[static_cast<std::size_t>(g) * mr] = 0;
        continue;
      }
      const std::uint8_t* src =
          base + (static_cast<std::size_t>(m0 + ir + r) * a.ld + static_cast<std::size_t>(g0) * ks) * elem;
      for (int g = 0; g < full; ++g) std::memcpy(dst + static_cast<std::size_t>(g) * mr, src + g * 4, 4);
      for (int g = full; g < groups; ++g) {  // the tail group: the values before K, then zeros
        std::uint32_t v = 0;
        const int valid_k = std::clamp(k - (g0 + g) * ks, 0, ks);
        std::memcpy(&v, src + g * 4, static_cast<std::size_t>(valid_k) * elem);
        dst[static_cast<std::size_t>(g) * mr] = v;
      }
    }
  }
}

}  // namespace detail
}  // namespace joulebench::inference
