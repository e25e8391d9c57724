// The GEMM blocking in `gemm` and `kernels`: this core's measured pipes and L2 read rate, and per
// kernel the blocking they lead to, next to BLIS's L1 rule on the same caches.
#pragma once

#include <nlohmann/json.hpp>

#include "joulebench/inference/gemm.hpp"

namespace joulebench::cli {

/// machine_rates() (measured once per process), labelled as measured.
nlohmann::json machine_rates_json();
/// The plan for `k` on this machine; `used` is what the run actually used (a caller's --kc etc.).
nlohmann::json blocking_json(const inference::GemmKernelInfo& k, const inference::Blocking& used);
void print_machine_rates(const nlohmann::json& rates);

}  // namespace joulebench::cli
