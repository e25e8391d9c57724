// Cycles per hash of every sha256d kernel, plain and version-rolled, measured in one process
// against one dependent-add clock: short slices interleaved across kernels (a burst of noise hits
// them all alike), the median slice per kernel, on one pinned thread.
#pragma once

#include <string>
#include <vector>

#include "joulebench/miner/kernel.hpp"

namespace joulebench::cli {

struct KernelSpeed {
  std::string kernel{};
  int versions = 1;  ///< > 1: version rolling, hashes = nonces x versions
  double hashes_per_second = 0;
  double cycles_per_hash = 0;
  double spread_pct = 0;  ///< (p90 - p10) / median of the slices
};

struct KernelSpeeds {
  double clock_hz = 0, clock_spread_pct = 0;
  int rounds = 0;
  double slice_ms = 0;
  std::vector<KernelSpeed> rows;
};

/// Every supported sha256d kernel (the OpenSSL oracle included, as the baseline), and each
/// rolled kernel with `rolled_versions` versions per nonce.
KernelSpeeds measure_kernel_speeds(int rounds = 15, double slice_ms = 8, int rolled_versions = 16);

}  // namespace joulebench::cli
