// `joulebench infer`: forward passes of a model, latency percentiles, preemption latency, and the
// same model in oneDNN in the same process.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/args.hpp"
#include "cli/baselines.hpp"
#include "cli/commands.hpp"
#include "cli/model_vs_library.hpp"
#include "cli/timing.hpp"
#include "joulebench/inference/model.hpp"
#include "joulebench/platform/preemption.hpp"
#include "results/json_out.hpp"
#include "runtime/signals.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;
using namespace joulebench::inference;

ModelSpec spec_from(const Args& a) {
  try {
    ModelSpec spec = parse_model(a.get_or("model", "ffn"));
    if (const auto d = a.get("dtype")) spec.dtype = parse_dtype(*d);
    if (const auto b = a.uint("batch", 1, 1 << 16)) spec.batch = static_cast<int>(*b);
    return spec;
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

// Verifies the benchmarked path, not a quiet one: passes on the workload's threads while another
// thread keeps changing its throttle (duty cycle, worker cap, pause) every millisecond, each
// compared with the reference forward pass.
json verify_json(InferenceWorkload& w, int passes) {
  Model& model = w.model();
  const std::vector<float> input = model.sample_input();
  std::vector<float> got(static_cast<std::size_t>(model.spec().batch) * model.output_width()),
      want(got.size());
  model.reference_forward(input.data(), want.data());
  platform::ThrottleState& t = w.throttle();
  std::jthread perturb([&](std::stop_token stop) {
    for (std::size_t i = 0; !stop.stop_requested(); ++i) {
      t.set_run_fraction(i % 3 == 0 ? 0.3 : 1.0);
      t.set_active_workers(i % 2 == 0 ? 1 : t.workers());
      if (i % 7 == 0) t.pause();
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      t.resume();
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  double max_abs_ref = 0, max_diff = 0;
  for (float x : want) max_abs_ref = std::max(max_abs_ref, std::fabs(static_cast<double>(x)));
  for (int p = 0; p < passes && !interrupted(); ++p) {
    std::fill(got.begin(), got.end(), std::nanf(""));
    w.forward(input.data(), got.data(), interrupt_token());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
      max_diff = std::max(max_diff, std::isnan(d) ? 1e30 : d);
    }
  }
  perturb.request_stop();
  perturb.join();
  t.resume();
  t.set_run_fraction(1.0);
  t.set_active_workers(t.workers());
  const double err = max_diff / (1.0 + max_abs_ref);
  return {{"max_error", err},
          {"bound", model.verify_tolerance()},
          {"ok", err <= model.verify_tolerance()},
          {"passes", passes},
          {"path", std::to_string(w.workers()) +
                       " worker(s) on the benchmark's arena, throttle changed every 0.5 ms during each pass "
                       "(duty 30%/100%, worker cap, pauses)"}};
}

// Throughput and latency of back-to-back forward passes for `seconds`.
json measure_run(InferenceWorkload& w, double seconds) {
  std::stop_source stop;
  const auto t0 = std::chrono::steady_clock::now();
  std::jthread runner([&] { w.run(stop.get_token()); });
  std::stop_callback on_interrupt(interrupt_token(), [&] { stop.request_stop(); });
  while (!stop.stop_requested() &&
         std::chrono::steady_clock::now() - t0 < std::chrono::duration<double>(seconds)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.request_stop();
  runner.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& lat = w.latencies_ms();
  const double n = static_cast<double>(lat.size());
  const double fpi = w.counts_per_unit();
  return {{"inferences", lat.size()},
          {"seconds", elapsed},
          {"inferences_per_second", n / elapsed},
          {"gflops", n * fpi / elapsed / 1e9},
          {"latency_ms",
           {{"p50", percentile(lat, 50)}, {"p99", percentile(lat, 99)}, {"max", percentile(lat, 100)}}}};
}

json measure_preemption_json(InferenceWorkload& w, int trials) {
  std::stop_source stop;
  std::jthread runner([&] { w.run(stop.get_token()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto stats = platform::measure_preemption(w, trials);
  stop.request_stop();
  runner.join();
  return {{"trials", trials}, {"p50", stats.p50_ms}, {"p99", stats.p99_ms}, {"max", stats.max_ms}};
}

void print_human(const json& out) {
  std::printf("infer %s (%s) %s, kernel %s, %d thread(s), batch %d\n",
              out["model"].get<std::string>().c_str(), out["spec"].get<std::string>().c_str(),
              out["dtype"].get<std::string>().c_str(), out["kernel"].get<std::string>().c_str(),
              out["threads"].get<int>(), out["batch"].get<int>());
  std::printf("  %.1f inferences/s (%.0f in %.2f s), %.1f GFLOP/s, %.2f MFLOP per inference\n",
              out["inferences_per_second"].get<double>(), out["inferences"].get<double>(),
              out["seconds"].get<double>(), out["gflops"].get<double>(),
              out["flops_per_inference"].get<double>() / 1e6);
  std::printf("  latency p50 %.3f ms, p99 %.3f ms\n", out["latency_ms"]["p50"].get<double>(),
              out["latency_ms"]["p99"].get<double>());
  if (out.contains("preemption_ms")) {
    std::printf("  preemption (pause -> all workers stopped) p50 %.3f ms, p99 %.3f ms over %d trials\n",
                out["preemption_ms"]["p50"].get<double>(), out["preemption_ms"]["p99"].get<double>(),
                out["preemption_ms"]["trials"].get<int>());
  }
  if (out.contains("verify")) {
    std::printf("  verify: %s (error %.3g, bound %.3g)\n", out["verify"]["ok"].get<bool>() ? "ok" : "FAILED",
                out["verify"]["max_error"].get<double>(), out["verify"]["bound"].get<double>());
  }
  for (const auto& l : out["against"]) {
    if (l.contains("skipped")) {
      std::printf("  %s skipped: %s\n", l["name"].get<std::string>().c_str(),
                  l["skipped"].get<std::string>().c_str());
      continue;
    }
    std::printf(
        "  ours %.3f ms vs %s %.3f ms per inference: ours/%s = %.2fx (%s); output %s (max rel err %.2g, "
        "bound %.2g)\n",
        l["ours_ms_per_inference"].get<double>(), l["name"].get<std::string>().c_str(),
        l["ms_per_inference"].get<double>(), l["name"].get<std::string>().c_str(), l["ratio"].get<double>(),
        l["implementation"].get<std::string>().c_str(), l["verified"].get<bool>() ? "verified" : "DIFFERS",
        l["max_rel_err"].get<double>(), l["bound"].get<double>());
    if (!l["verify_note"].get<std::string>().empty())
      std::printf("    (%s)\n", l["verify_note"].get<std::string>().c_str());
  }
}

}  // namespace

int cmd_infer(const std::vector<std::string>& argv) {
  const Args a(
      argv, {"model", "dtype", "batch", "threads", "kernel", "duration", "against", "preemption", "repeats"},
      {"verify", "json", "no-pin"});
  const ModelSpec spec = spec_from(a);
  const GemmKernelInfo* kernel = nullptr;
  try {
    kernel = &find_gemm_kernel(spec.dtype, a.get_or("kernel", ""));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const auto against = a.get_or("against", "");
  if (!against.empty() && against != "onednn")
    throw UsageError("--against '" + against + "' is not supported; use onednn");
  const int threads = static_cast<int>(a.uint("threads", 1, 4096).value_or(platform::topology().cores));
  const double duration = a.positive("duration").value_or(5.0);
  const int trials = static_cast<int>(a.uint("preemption", 0, 100000).value_or(30));

  InferenceWorkload w(spec, kernel, static_cast<std::size_t>(threads), !a.flag("no-pin"), interrupt_token());
  json out{{"model", spec.name},
           {"spec", spec.to_string()},
           {"dtype", std::string(to_string(spec.dtype))},
           {"kernel", w.kernel()},
           {"threads", threads},
           {"batch", spec.batch},
           {"flops_per_inference", spec.flops_per_inference()},
           {"weight_bytes", w.model().weight_bytes()}};
  bool ok = true;
  if (a.flag("verify")) {
    out["verify"] = verify_json(w, 3);
    ok = out["verify"]["ok"].get<bool>();
  }
  if (ok) {
    out.update(measure_run(w, duration));
    if (trials > 0 && !interrupted()) out["preemption_ms"] = measure_preemption_json(w, trials);
    out["against"] = json::array();
    out["library_pools"] = library_pools_json();
    if (against == "onednn" && !interrupted()) {
      out["against"].push_back(
          model_vs_onednn(w.model(), threads, static_cast<int>(a.uint("repeats", 1, 1000).value_or(7)), 0.2));
    }
  }
  if (a.flag("json")) {
    print_json(out);
  } else if (ok) {
    print_human(out);
  }
  if (!ok) {
    std::fprintf(
        stderr, "joulebench: error: %s forward pass differs from the reference: error %.3g > bound %.3g\n",
        spec.name.c_str(), out["verify"]["max_error"].get<double>(), out["verify"]["bound"].get<double>());
    return 1;
  }
  return interrupted() ? interrupted_exit_code() : 0;
}

}  // namespace joulebench::cli
