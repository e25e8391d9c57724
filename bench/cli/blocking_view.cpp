#include "cli/blocking_view.hpp"

#include <cstdio>

#include "joulebench/inference/machine_rates.hpp"
#include "joulebench/platform/cpu_features.hpp"

namespace joulebench::cli {

using nlohmann::json;

json machine_rates_json() {
  const auto& r = inference::machine_rates();
  json pipes = json::array();
  for (const auto& p : r.pipes) {
    pipes.push_back({{"instruction", p.instruction},
                     {"width_bits", p.width_bits},
                     {"per_cycle", p.per_cycle},
                     {"latency_cycles", p.latency_cycles}});
  }
  const auto& emulated = platform::emulation();
  return {
      {"source", "measured"},
      {"emulated", emulated ? json(*emulated) : json()},
      {"clock_hz", r.clock_hz},
      {"pipes", pipes},
      {"l2_read_bytes_per_cycle", r.l2_read_bytes_per_cycle > 0 ? json(r.l2_read_bytes_per_cycle) : json()},
      {"how", r.how}};
}

json blocking_json(const inference::GemmKernelInfo& k, const inference::Blocking& used) {
  const auto in = inference::blocking_inputs(k);
  const auto plan = inference::plan_blocking(k, in);
  const auto blocks = [](const inference::Blocking& b) {
    return json{{"mc", b.mc}, {"kc", b.kc}, {"nc", b.nc}};
  };
  json out = blocks(used);
  out["model"] = {
      {"chosen", blocks(plan.chosen)},
      {"l1_rule", blocks(plan.l1_rule)},
      {"b_panel_in", plan.b_panel_in_l2 ? "L2" : "L1"},
      {"pipe", in.pipe != nullptr ? json(in.pipe->instruction) : json()},
      {"pipe_is_stand_in", in.pipe_is_stand_in},
      {"accumulators", plan.accumulators},
      {"accumulators_needed", plan.accumulators_needed > 0 ? json(plan.accumulators_needed) : json()},
      {"feed_bytes_per_cycle", plan.feed_bytes_per_cycle > 0 ? json(plan.feed_bytes_per_cycle) : json()},
      {"why", inference::explain_blocking(k, in, plan)}};
  return out;
}

void print_machine_rates(const json& rates) {
  std::printf("vector pipes (measured, dependent-add clock %.2f GHz):",
              rates["clock_hz"].get<double>() / 1e9);
  for (const auto& p : rates["pipes"]) {
    std::printf(" %s %.2f/cycle, latency %.1f;", p["instruction"].get<std::string>().c_str(),
                p["per_cycle"].get<double>(), p["latency_cycles"].get<double>());
  }
  if (rates["l2_read_bytes_per_cycle"].is_number())
    std::printf(" L2 read %.1f B/cycle", rates["l2_read_bytes_per_cycle"].get<double>());
  std::printf("\n");
}

}  // namespace joulebench::cli
