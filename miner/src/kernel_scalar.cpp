// `scalar` kernel: portable C++ with all the midstate shortcuts, one nonce at a time.
#include "detail/kernel_lanes_prelude.hpp"
#include "detail/kernels.hpp"

namespace joulebench::miner::detail {
namespace {

struct ScalarOps {
  using V = std::uint32_t;
  static constexpr int kLanes = 1;
  static JB_INLINE V set1(std::uint32_t x) { return x; }
  static JB_INLINE V add(V a, V b) { return a + b; }
  static JB_INLINE V rotr(V x, int n) { return (x >> n) | (x << (32 - n)); }
  static JB_INLINE V bsig0(V x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
  static JB_INLINE V bsig1(V x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
  static JB_INLINE V ssig0(V x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
  static JB_INLINE V ssig1(V x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
  static JB_INLINE V ch(V e, V f, V g) { return g ^ (e & (f ^ g)); }
  static JB_INLINE V maj(V a, V b, V c) { return (a & b) | (c & (a | b)); }
  static JB_INLINE V nonce_words(std::uint32_t base) { return __builtin_bswap32(base); }
  static JB_INLINE std::uint64_t candidates(V h7, std::uint32_t top) {
    return __builtin_bswap32(h7) <= top ? 1 : 0;
  }
};

#include "detail/sha256d_lanes.inc"

}  // namespace

std::size_t scan_scalar(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out) {
  return scan_lanes<ScalarOps>(job, first, count, out);
}

std::size_t scan_scalar_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                               RolledCandidate* out) {
  return scan_lanes_rolled<ScalarOps>(jobs, versions, first, count, out);
}

}  // namespace joulebench::miner::detail
