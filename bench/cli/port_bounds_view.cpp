#include "cli/port_bounds_view.hpp"

#include <cstdio>
#include <string>

#include "joulebench/miner/kernel.hpp"
#include "joulebench/miner/port_bounds.hpp"
#include "joulebench/power/cpu_coefficients.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;

const miner::CoreModel* this_core(std::string& described) {
  const auto cpu = power::parse_cpuinfo(power::read_text("/proc/cpuinfo").value_or(""));
  described = cpu.describe();
  return miner::find_core_model(cpu.vendor, cpu.family, cpu.model);
}

json measured_cycles(const KernelSpeeds& measured, std::string_view kernel, int versions) {
  for (const auto& r : measured.rows)
    if (r.kernel == kernel && r.versions == versions) return r.cycles_per_hash;
  return nullptr;
}

json row_json(const miner::KernelOps& ops, const miner::CoreModel* here, const KernelSpeeds& measured) {
  json bounds = json::object();
  for (const auto& core : miner::core_models()) {
    const auto b = miner::port_bound(ops, core);
    bounds[std::string(core.name)] = {
        {"cycles_per_hash", b.cycles_per_hash > 0 ? json(b.cycles_per_hash) : json()}, {"limit", b.limit}};
  }
  json row{{"kernel", ops.kernel},
           {"versions_per_nonce", ops.versions},
           {"vector_bits", ops.width_bits},
           {"ops_per_hash",
            {{"vector", ops.vector_ops},
             {"rotates", ops.rotates},
             {"shifts", ops.shifts},
             {"sha256rnds2", ops.sha_rounds2},
             {"sha256msg1", ops.sha_msg1},
             {"sha256msg2", ops.sha_msg2}}},
           {"counted", ops.counted_how},
           {"bounds", bounds},
           {"measured_cycles_per_hash", measured_cycles(measured, ops.kernel, ops.versions)},
           {"bound_over_measured", nullptr}};
  if (here != nullptr && row["measured_cycles_per_hash"].is_number()) {
    const json& bound = bounds[std::string(here->name)]["cycles_per_hash"];
    if (bound.is_number())
      row["bound_over_measured"] = bound.get<double>() / row["measured_cycles_per_hash"].get<double>();
  }
  return row;
}

}  // namespace

json port_bounds_json(const KernelSpeeds& measured) {
  std::string cpu;
  const miner::CoreModel* here = this_core(cpu);
  json cores = json::array();
  for (const auto& c : miner::core_models())
    cores.push_back({{"core", c.name}, {"llvm_mcpu", c.llvm_mcpu}, {"source", c.source}});
  json rows = json::array();
  for (const auto& k : miner::all_kernels()) {
    for (const int versions : {1, 16}) {
      if (versions > 1 && k.scan_rolled == nullptr) continue;
      if (const auto ops = miner::kernel_ops(k.name, versions))
        rows.push_back(row_json(*ops, here, measured));
    }
  }
  return {{"cpu", cpu},
          {"this_core", here != nullptr ? json(here->name) : json()},
          {"method",
           "bound = the busiest execution resource: vector ops / ALU ops per cycle, shifts and rotates / "
           "their pipes' rate, SHA-NI rounds x sha256rnds2 reciprocal throughput; ignores the front end, "
           "loads and stores, register moves and dependency chains, so it is a floor no kernel reaches"},
          {"cores", cores},
          {"kernels", rows}};
}

void print_port_bounds(const json& bounds) {
  const auto& cores = bounds["cores"];
  if (bounds["kernels"].empty()) {
    // The op counts and pipe tables are x86's (SHA-NI, AVX2, AVX-512): an aarch64 build has none.
    std::printf(
        "\nsha256d port bounds: none for this build's kernels (the pipe tables cover x86-64 cores "
        "only; no Arm pipe figures are cited here)\n");
    return;
  }
  std::printf(
      "\nsha256d port bounds, cycles/hash (ops counted from each kernel's code; pipes per core below)\n");
  std::printf("%-15s %-8s %8s %8s %7s", "kernel", "versions", "vec ops", "rot+shf", "rnds2");
  for (const auto& c : cores) std::printf(" %9s", c["core"].get<std::string>().c_str());
  std::printf(" %9s %7s\n", "measured", "bound/m");
  for (const auto& r : bounds["kernels"]) {
    const auto& o = r["ops_per_hash"];
    std::printf("%-15s %-8d %8.1f %8.1f %7.1f", r["kernel"].get<std::string>().c_str(),
                r["versions_per_nonce"].get<int>(), o["vector"].get<double>(),
                o["rotates"].get<double>() + o["shifts"].get<double>(), o["sha256rnds2"].get<double>());
    for (const auto& c : cores) {
      const auto& b = r["bounds"][c["core"].get<std::string>()]["cycles_per_hash"];
      if (b.is_number())
        std::printf(" %9.1f", b.get<double>());
      else
        std::printf(" %9s", "-");
    }
    if (r["measured_cycles_per_hash"].is_number())
      std::printf(" %9.1f", r["measured_cycles_per_hash"].get<double>());
    else
      std::printf(" %9s", "-");
    if (r["bound_over_measured"].is_number())
      std::printf(" %7.2f\n", r["bound_over_measured"].get<double>());
    else
      std::printf(" %7s\n", "-");
  }
  const std::string here = bounds["this_core"].is_string() ? bounds["this_core"].get<std::string>() : "";
  std::printf("this CPU: %s -> %s\n", bounds["cpu"].get<std::string>().c_str(),
              here.empty() ? "no core model (bound/measured not computed)" : here.c_str());
  std::printf("- = the core lacks the kernel's instructions, or no cited figure for them\n");
  for (const auto& c : cores)
    std::printf("  %s: %s\n", c["core"].get<std::string>().c_str(), c["source"].get<std::string>().c_str());
}

}  // namespace joulebench::cli
