// A-block packing, used by the blocking loops (B is packed by PackedWeights).
#pragma once

#include <cstdint>

#include "joulebench/inference/gemm.hpp"

namespace joulebench::inference::detail {

/// Packs rows [m0, m0 + rows) and k-groups [g0, g0 + groups) of A into MR-row micro-panels
/// (rows rounded up to MR, padding zero). `k` is A's true depth, so the tail group is zero-padded.
void pack_a(const Activations& a, const GemmKernelInfo& kernel, int k, int m0, int rows, int g0, int groups,
            std::uint8_t* out);

}  // namespace joulebench::inference::detail
