// Common includes and inlining macros for the kernel translation units that instantiate
// sha256d_lanes.inc. Holds no code of its own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detail/scan_job.hpp"
#include "detail/sha256_constants.hpp"

#define JB_INLINE __attribute__((always_inline)) inline
#define JB_INLINE_LAMBDA __attribute__((always_inline))
