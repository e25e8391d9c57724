// The workloads the suite can run, by name: "sha256d" (mining) and inference presets with an
// optional dtype ("ffn-b1", "ffn-b32:int8", "mlp-small:bf16").
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "joulebench/inference/model.hpp"
#include "joulebench/platform/workload.hpp"

namespace joulebench::suite {

/// The model of an inference workload name: "ffn-b1", "ffn-b1:int8" (a preset and a dtype) or a
/// whole "mlp:..." spec. Throws std::invalid_argument naming the bad part.
inference::ModelSpec workload_spec(const std::string& name);
/// Throws std::invalid_argument naming the unknown workload and the known ones.
/// Nonces a back miner hashes between yield checks (about 0.1 ms on one core): the site's back
/// and the serving probe's agree.
inline constexpr std::uint32_t kBackMiningBatch = 1024;
/// How a workload runs behind another in one process (the site's back).
struct BehindOptions {
  std::uint32_t mining_batch = 0;  ///< nonces between throttle checks (0: the miner's default)
  bool background = false;         ///< workers at background priority
  std::string gemm_kernel;         ///< inference: an ISA or kernel name (empty: the fastest)
};
std::unique_ptr<platform::Workload> make_workload(const std::string& name, std::size_t threads, bool pin,
                                                  BehindOptions behind = {});
/// Per-inference latencies (ms) that completed within [from, to]; empty for non-inference workloads.
std::vector<double> latencies_ms(const platform::Workload& w, std::chrono::steady_clock::time_point from,
                                 std::chrono::steady_clock::time_point to);
/// Throws std::invalid_argument if `name` would not make a workload (without building it).
void validate_workload_name(const std::string& name);
/// What the workload computes on, for disclosure: the mining header and nonce schedule, or the
/// model spec with its weight and input seeds (taken from the spec, never assumed).
nlohmann::json workload_inputs(const std::string& name);
/// The default set: mining, a latency-bound (batch 1) and a compute-bound (batch 32) inference.
std::vector<std::string> default_workloads();

}  // namespace joulebench::suite
