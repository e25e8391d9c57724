// Our kernels against the best library built in, on one model, in this process: what `infer
// --against onednn` prints and what `run` records as workloads[].kernel_vs_library.
#pragma once

#include <nlohmann/json.hpp>

#include "joulebench/inference/model.hpp"

namespace joulebench::cli {

/// Forward passes of `model` and of the same model in oneDNN, timed in alternating rounds of
/// `round_s` (median of `repeats`), then both outputs of one input compared. {name, implementation,
/// inferences_per_second, ours_inferences_per_second, ratio (ours/library), verified, ...}, or
/// {name, skipped: why} when oneDNN is not built in or has no primitive for the model.
nlohmann::json model_vs_onednn(inference::Model& model, int threads, int repeats, double round_s);

/// workloads[].kernel_vs_library of a run: {library, implementation, ratio, ours_per_s,
/// library_per_s, verified, reason} with ratio null and the reason when there is nothing to compare.
nlohmann::json kernel_vs_library(inference::Model& model, int threads, bool quick);

}  // namespace joulebench::cli
