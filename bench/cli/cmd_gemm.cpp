// `joulebench gemm`: our GEMM against OpenBLAS / oneDNN on the same inputs, in one process.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/args.hpp"
#include "cli/baselines.hpp"
#include "cli/blocking_view.hpp"
#include "cli/commands.hpp"
#include "cli/gemm_inputs.hpp"
#include "cli/timing.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/platform/memory.hpp"
#include "joulebench/platform/topology.hpp"
#include "results/json_out.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;
using namespace joulebench::inference;

std::vector<std::string> libraries_from(const Args& a) {
  const std::string against = a.get_or("against", "");
  if (against.empty()) return {};
  if (against == "all") return {"openblas", "onednn"};
  if (against == "openblas" || against == "onednn") return {against};
  throw UsageError("--against '" + against + "' is not a known library; use openblas, onednn or all");
}

Blocking blocking_from(const Args& a) {
  Blocking b;
  b.mc = static_cast<int>(a.uint("mc", 1, 1 << 20).value_or(0));
  b.kc = static_cast<int>(a.uint("kc", 1, 1 << 20).value_or(0));
  b.nc = static_cast<int>(a.uint("nc", 1, 1 << 20).value_or(0));
  return b;
}

void print_gemm_text(const json& out, const RateStats& ours, bool ok) {
  std::printf("gemm %dx%dx%d %s, %d thread(s): ours (%s) %.1f GFLOP/s [%.1f..%.1f]\n", out["m"].get<int>(),
              out["n"].get<int>(), out["k"].get<int>(), out["dtype"].get<std::string>().c_str(),
              out["threads"].get<int>(), out["kernel"].get<std::string>().c_str(), ours.median / 1e9,
              ours.min / 1e9, ours.max / 1e9);
  for (const auto& l : out["against"]) {
    std::printf(
        "  %-9s %.1f GFLOP/s [%.1f..%.1f]  ours/%s = %.2fx  (%s); output %s (max rel err %.2g, bound "
        "%.2g)\n",
        l["name"].get<std::string>().c_str(), l["gflops"].get<double>(), l["gflops_min"].get<double>(),
        l["gflops_max"].get<double>(), l["name"].get<std::string>().c_str(), l["ratio"].get<double>(),
        l["implementation"].get<std::string>().c_str(), l["verified"].get<bool>() ? "verified" : "DIFFERS",
        l["max_rel_err"].get<double>(), l["bound"].get<double>());
  }
  const auto& blk = out["blocking"];
  std::printf("  blocking MC %d KC %d NC %d: %s\n", blk["mc"].get<int>(), blk["kc"].get<int>(),
              blk["nc"].get<int>(), blk["model"]["why"].get<std::string>().c_str());
  for (const auto& s : out.value("skipped", json::array()))
    std::printf("  skipped %s: %s\n", s["name"].get<std::string>().c_str(),
                s["reason"].get<std::string>().c_str());
  if (out.contains("verify")) {
    std::printf("verify: %s (max error %.3g, bound %.3g, %d rows)\n", ok ? "ok" : "FAILED",
                out["verify"]["max_error"].get<double>(), out["verify"]["bound"].get<double>(),
                out["verify"]["rows_checked"].get<int>());
  }
}

/// Each library's rate against ours and whether its output matched (checked after the timing).
json against_json(const GemmProblem& problem, const std::vector<std::unique_ptr<LibraryGemm>>& libs,
                  const std::vector<RateStats>& stats) {
  json against = json::array();
  for (std::size_t i = 0; i < libs.size(); ++i) {
    const auto& s = stats[i + 1];
    const BaselineCheck check = problem.check_library(i);
    against.push_back({{"name", libs[i]->name()},
                       {"verified", check.verified},
                       {"max_rel_err", check.max_rel_err},
                       {"bound", check.bound},
                       {"verify_note", check.note},
                       {"implementation", libs[i]->implementation()},
                       {"gflops", s.median / 1e9},
                       {"gflops_min", s.min / 1e9},
                       {"gflops_max", s.max / 1e9},
                       {"ratio", stats[0].median / s.median}});
  }
  return against;
}

}  // namespace

int cmd_gemm(const std::vector<std::string>& argv) {
  const Args a(
      argv,
      {"m", "n", "k", "dtype", "threads", "kernel", "against", "repeats", "mc", "kc", "nc", "round-seconds"},
      {"verify", "json", "no-pin"});
  for (const char* dim : {"m", "n", "k"}) {
    if (!a.get(dim))
      throw UsageError(std::string("--") + dim + " is required; e.g. --m 1024 --n 1024 --k 1024");
  }
  const int m = static_cast<int>(*a.uint("m", 1, 1 << 20));
  const int n = static_cast<int>(*a.uint("n", 1, 1 << 20));
  const int k = static_cast<int>(*a.uint("k", 1, 1 << 20));
  DType dtype;
  const GemmKernelInfo* kernel;
  try {
    dtype = parse_dtype(a.get_or("dtype", "fp32"));
    kernel = &find_gemm_kernel(dtype, a.get_or("kernel", ""));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const int threads = static_cast<int>(a.uint("threads", 1, 4096).value_or(platform::topology().cores));
  const int repeats = static_cast<int>(a.uint("repeats", 1, 1000).value_or(7));
  const double round_s = a.positive("round-seconds").value_or(0.1);
  const auto libraries = libraries_from(a);

  platform::require_memory(static_cast<std::uint64_t>(GemmProblem::memory_bytes(*kernel, m, n, k)),
                           "gemm " + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                               " " + std::string(to_string(dtype)),
                           "A, B packed for " + std::string(kernel->name) + ", C and the baselines' copies",
                           "give smaller --m/--n/--k");
  GemmProblem problem(*kernel, m, n, k, /*seed=*/20261128);
  platform::WorkerArena arena(threads, !a.flag("no-pin"));
  GemmContext ctx;
  ctx.arena = &arena;
  ctx.blocking = blocking_from(a);
  const Epilogue plain;
  std::vector<std::function<void()>> contenders{
      [&] { gemm(problem.activations(), problem.weights(), problem.c(), n, plain, ctx); }};
  const double flops = 2.0 * m * n * k;
  std::vector<std::unique_ptr<LibraryGemm>> libs;
  json skipped = json::array();
  for (const auto& name : libraries) {
    std::string why;
    auto lib = make_library_gemm(name, problem.library_inputs(libs.size()), threads, why);
    if (!lib) {
      skipped.push_back({{"name", name}, {"reason", why}});
      continue;
    }
    contenders.emplace_back([raw = lib.get()] { raw->run(); });
    libs.push_back(std::move(lib));
  }
  const auto stats =
      interleaved_rates(contenders, std::vector<double>(contenders.size(), flops), repeats, round_s);

  json out{{"m", m},
           {"n", n},
           {"k", k},
           {"dtype", std::string(to_string(dtype))},
           {"kernel", std::string(kernel->name)},
           {"threads", threads},
           {"repeats", repeats},
           {"gflops", stats[0].median / 1e9},
           {"gflops_min", stats[0].min / 1e9},
           {"gflops_max", stats[0].max / 1e9}};
  const Blocking used = ctx.blocking.resolved(*kernel);
  out["blocking"] = blocking_json(*kernel, used);
  out["machine_rates"] = machine_rates_json();
  out["against"] = against_json(problem, libs, stats);
  out["library_pools"] = library_pools_json();
  if (!skipped.empty()) out["skipped"] = skipped;
  bool ok = true;
  if (a.flag("verify")) {
    const VerifyReport v = problem.verify(plain, ctx);
    out["verify"] = {{"rows_checked", v.rows}, {"max_error", v.max_error}, {"ok", v.ok}, {"bound", v.bound}};
    ok = v.ok;
  }
  if (a.flag("json")) {
    print_json(out);
  } else {
    print_gemm_text(out, stats[0], ok);
  }
  if (!ok) {
    std::fprintf(stderr, "joulebench: error: GEMM result differs from the reference beyond the %s bound\n",
                 std::string(to_string(dtype)).c_str());
    return 1;
  }
  return 0;
}

}  // namespace joulebench::cli
