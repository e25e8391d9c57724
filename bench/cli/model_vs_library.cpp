#include "cli/model_vs_library.hpp"

#include <string>
#include <vector>

#include "cli/baselines.hpp"
#include "cli/timing.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/platform/topology.hpp"

namespace joulebench::cli {

using nlohmann::json;
using namespace joulebench::inference;

json model_vs_onednn(Model& model, int threads, int repeats, double round_s) {
  std::string why;
  auto lib = make_onednn_model(model, threads, why);
  if (!lib) return {{"name", "onednn"}, {"skipped", why}};
  const std::vector<float> input = model.sample_input();
  std::vector<float> ours_out(static_cast<std::size_t>(model.spec().batch) * model.output_width()),
      lib_out(ours_out.size());
  GemmContext ctx;
  platform::WorkerArena arena(static_cast<std::size_t>(threads), true);
  ctx.arena = &arena;
  const auto stats = interleaved_rates({[&] { model.forward(input.data(), ours_out.data(), ctx); },
                                        [&] { lib->forward(input.data(), lib_out.data()); }},
                                       {1.0, 1.0}, repeats, round_s);
  // Both outputs of the same input after the timed rounds; the bound is the model's own (a bf16 or
  // int8 rounding may flip by one step between two correct implementations and propagate).
  const BaselineCheck check = check_against(model.spec().dtype, ours_out.data(), lib_out.data(),
                                            ours_out.size(), model.verify_tolerance());
  return {{"name", "onednn"},
          {"implementation", lib->implementation()},
          {"inferences_per_second", stats[1].median},
          {"ms_per_inference", 1e3 / stats[1].median},
          {"ours_inferences_per_second", stats[0].median},
          {"ours_ms_per_inference", 1e3 / stats[0].median},
          {"ratio", stats[0].median / stats[1].median},
          {"verified", check.verified},
          {"max_rel_err", check.max_rel_err},
          {"bound", check.bound},
          {"verify_note", check.note}};
}

json kernel_vs_library(Model& model, int threads, bool quick) {
  // A few hundred ms: enough for a median of alternating rounds, short beside the run.
  const json l = model_vs_onednn(model, threads, quick ? 5 : 7, quick ? 0.1 : 0.15);
  if (l.contains("skipped"))
    return {{"library", "onednn"}, {"implementation", nullptr}, {"ratio", nullptr}, {"reason", l["skipped"]}};
  return {{"library", "onednn"},
          {"implementation", l["implementation"]},
          {"ratio", l["ratio"]},
          {"ours_per_s", l["ours_inferences_per_second"]},
          {"library_per_s", l["inferences_per_second"]},
          {"verified", l["verified"]},
          {"reason", nullptr}};
}

}  // namespace joulebench::cli
