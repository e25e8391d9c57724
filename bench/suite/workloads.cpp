// Workload factory for the suite.
#include "suite/workloads.hpp"

#include <limits>
#include <stdexcept>

#include "joulebench/inference/model.hpp"
#include "joulebench/miner/miner.hpp"
#include "joulebench/platform/memory.hpp"
#include "runtime/signals.hpp"

namespace joulebench::suite {
namespace {

// Bitcoin block 800000, mined from nonce 0 upward and rolled in time as real miners do.
constexpr const char* kMiningHeader =
    "00601d3455bb9fbd966b3ea2dc42d0c22722e4c0c1729fad17210100000000000000000055087fab0c8f3f89f8"
    "bcfd4df26c504d81b0a88e04907161838c0c53001af09135edbd64943805175e955e06";

}  // namespace

// "ffn-b1", "ffn-b1:int8" (a preset and a dtype) or a whole "mlp:..." spec.
inference::ModelSpec workload_spec(const std::string& name) {
  try {
    if (name.rfind("mlp:", 0) == 0) return inference::parse_model(name);
    const auto colon = name.find(':');
    inference::ModelSpec spec = inference::parse_model(name.substr(0, colon));
    if (colon != std::string::npos) spec.dtype = inference::parse_dtype(name.substr(colon + 1));
    return spec;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("workload '" + name + "': " + e.what() + " (or use sha256d)");
  }
}

std::vector<std::string> default_workloads() { return {"sha256d", "ffn-b1", "ffn-b32"}; }

std::unique_ptr<platform::Workload> make_workload(const std::string& name, std::size_t threads, bool pin,
                                                  BehindOptions behind) {
  if (name == "sha256d") {
    miner::MinerConfig c;
    c.header = miner::parse_header_hex(kMiningHeader);
    c.target = miner::target_from_compact(c.header.bits);
    c.duration_s = 1e9;  // stopped by the suite long before (finite: a deadline must fit the clock)
    c.threads = threads;
    c.pin = pin;
    if (behind.mining_batch != 0) c.batch = behind.mining_batch;
    c.background = behind.background;
    return std::make_unique<miner::Miner>(c);
  }
  const inference::ModelSpec spec = workload_spec(name);
  const inference::GemmKernelInfo* kernel =
      behind.gemm_kernel.empty() ? nullptr : &inference::find_gemm_kernel(spec.dtype, behind.gemm_kernel);
  return std::make_unique<inference::InferenceWorkload>(
      spec, kernel, threads == 0 ? platform::topology().cores : threads, pin, cli::interrupt_token());
}

nlohmann::json workload_inputs(const std::string& name) {
  if (name == "sha256d")
    return {{"header", kMiningHeader},
            {"header_source", "Bitcoin block 800000"},
            {"nonces", "from 0 upward, time field rolled per 2^32 nonces"}};
  const inference::ModelSpec spec = workload_spec(name);
  return {{"spec", spec.to_string()},
          {"batch", spec.batch},
          {"weight_seed", spec.seed},
          {"input_seed", spec.seed + 7},  // Model::sample_input
          {"parameters", spec.parameter_count()},
          {"flops_per_inference", spec.flops_per_inference()}};
}

void validate_workload_name(const std::string& name) {
  if (name == "sha256d") return;
  const inference::ModelSpec spec = workload_spec(name);
  // Before any stage runs: a model that cannot fit is refused now, not minutes into the run.
  platform::require_memory(static_cast<std::uint64_t>(spec.memory_bytes()), "workload " + name,
                           std::to_string(spec.parameter_count()) + " parameters",
                           "use smaller widths, fewer layers or a smaller batch");
}

std::vector<double> latencies_ms(const platform::Workload& w, std::chrono::steady_clock::time_point from,
                                 std::chrono::steady_clock::time_point to) {
  if (const auto* inf = dynamic_cast<const inference::InferenceWorkload*>(&w))
    return inf->latencies_ms(from, to);
  return {};
}

}  // namespace joulebench::suite
