// Includes and inlining macro for micro-kernel translation units. Holds no code.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detail/ukernel.hpp"

#define JB_INLINE __attribute__((always_inline)) inline

namespace joulebench::inference::detail {

/// A packed bf16 k-pair as two floats: a bf16 is the top half of a float, so the even k is the
/// pair shifted up 16 bits and the odd k the pair with its low half cleared.
JB_INLINE void bf16_pair_to_floats(const std::uint8_t* p, float& even, float& odd) {
  std::uint32_t pair;
  __builtin_memcpy(&pair, p, 4);
  const std::uint32_t e = pair << 16, o = pair & 0xffff0000u;
  __builtin_memcpy(&even, &e, 4);
  __builtin_memcpy(&odd, &o, 4);
}

}  // namespace joulebench::inference::detail
