// `neon` kernel: 4 nonces per 128-bit Advanced SIMD register, for aarch64 CPUs without the SHA2
// instructions (rotates as shift-left + shift-right-and-insert).
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

#if JOULEBENCH_HAVE_NEON
#include <arm_neon.h>

namespace joulebench::miner::detail {
namespace {

struct NeonOps {
  using V = uint32x4_t;
  static constexpr int kLanes = 4;
  static JB_INLINE V set1(std::uint32_t x) { return vdupq_n_u32(x); }
  static JB_INLINE V add(V a, V b) { return vaddq_u32(a, b); }
  static JB_INLINE V x(V a, V b) { return veorq_u32(a, b); }
  template <int N>
  static JB_INLINE V rotr(V v) {
    return vsriq_n_u32(vshlq_n_u32(v, 32 - N), v, N);
  }
  static JB_INLINE V bsig0(V v) { return x(x(rotr<2>(v), rotr<13>(v)), rotr<22>(v)); }
  static JB_INLINE V bsig1(V v) { return x(x(rotr<6>(v), rotr<11>(v)), rotr<25>(v)); }
  static JB_INLINE V ssig0(V v) { return x(x(rotr<7>(v), rotr<18>(v)), vshrq_n_u32(v, 3)); }
  static JB_INLINE V ssig1(V v) { return x(x(rotr<17>(v), rotr<19>(v)), vshrq_n_u32(v, 10)); }
  static JB_INLINE V ch(V e, V f, V g) { return vbslq_u32(e, f, g); }
  static JB_INLINE V maj(V a, V b, V c) { return vbslq_u32(veorq_u32(a, b), c, a); }
  static JB_INLINE V bswap(V v) { return vreinterpretq_u32_u8(vrev32q_u8(vreinterpretq_u8_u32(v))); }
  static JB_INLINE V nonce_words(std::uint32_t base) {
    static constexpr std::uint32_t kStep[4] = {0, 1, 2, 3};
    return bswap(add(set1(base), vld1q_u32(kStep)));
  }
  static JB_INLINE std::uint64_t candidates(V h7, std::uint32_t top) {
    const uint32x4_t le = vcleq_u32(bswap(h7), set1(top));
    static constexpr std::uint32_t kBits[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(le, vld1q_u32(kBits)));
  }
};

#include "detail/sha256d_lanes.inc"

}  // namespace

std::size_t scan_neon(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return scan_lanes<NeonOps>(job, first, count, out);
}

std::size_t scan_neon_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                             RolledCandidate* out) {
  return scan_lanes_rolled<NeonOps>(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
#endif
