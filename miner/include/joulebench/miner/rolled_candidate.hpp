// A version-rolling candidate, as the kernels report it. Plain data, so ISA translation units
// may include it.
#pragma once

#include <cstdint>

namespace joulebench::miner {

/// A nonce whose header, under the version at `version_index` of the scanned group, passed the
/// kernel's early test (a candidate, to be confirmed).
struct RolledCandidate {
  std::uint32_t nonce;
  std::uint32_t version_index;
};

}  // namespace joulebench::miner
