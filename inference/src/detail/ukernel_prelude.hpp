// Includes and inlining macro for micro-kernel translation units. Holds no code.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detail/ukernel.hpp"

#define JB_INLINE __attribute__((always_inline)) inline
