// Curves for planners: planner.json (schema joulebench-planner/2, results/SCHEMA.md), written by
// every `run` from its results, holds per workload and actuator the throughput and watts at each
// level with their spread, J/unit, latency per level for inference and time-to-throttle by
// depth; and the allocation `joulebench plan` computes from it: serve the inference demand,
// give the rest of the budget to mining.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace joulebench::suite {

inline constexpr const char* kPlannerSchema = "joulebench-planner/2";

/// Gives every object under `j` that holds a watts or joules figure and no `energy_kind` this
/// one (where a figure came from is said next to it, everywhere).
void label_energy(nlohmann::json& j, const std::string& energy_kind);

/// Reads DIR/planner.json (or a planner file); throws std::invalid_argument naming the file and
/// the problem.
nlohmann::json load_planner(const std::string& dir_or_file);

/// The planner document of a results document.
nlohmann::json planner_from_results(const nlohmann::json& results);

struct PlanRequest {
  double budget_watts = 0;
  double demand_per_s = 0;  ///< inference requests per second (rows of a batch)
  std::optional<double> value_per_hash;
  std::string front;  ///< inference workload name; empty: the first inference workload
  std::string back = "sha256d";
  /// The front's dynamic batching: largest batch (0: the batch the workload was run with) and how
  /// long a batch waits for more requests after its first.
  int max_batch = 0;
  double batch_wait_s = 0;
  std::optional<double> slo_ms;  ///< the front's p99 must stay within this
  /// The machine's speed now against the planner's run, where the caller measured it (the site,
  /// before its co-run): the front's capacity in back-to-back full batches and the back's rate
  /// alone. The front's batch times are scaled by planner capacity / `front_capacity_per_s`, the
  /// back's rates by `back_units_per_s` / the planner's full rate; both are reported.
  std::optional<double> front_capacity_per_s, back_units_per_s;
};

/// A front's service time per batch of b requests. Preferred: the serving probe's batch times
/// after each idle gap (beside the yielding back when the run mined), at measured batch sizes.
/// Otherwise t(b) = fixed + per_row x b fitted to the runs of one model at several batch sizes
/// (back to back: no wake-up after idle gaps, so it under-states a serving front).
struct BatchTime {
  double fixed_s = 0, per_row_s = 0;
  /// Measured batch times: per idle gap before the batch (seconds, ascending), (rows, seconds)
  /// ascending by rows.
  using Curve = std::vector<std::pair<double, double>>;
  std::vector<std::pair<double, Curve>> measured;
  /// How a batch's time spreads around the median: (quantile, time / median) knots pooled over
  /// the measured cells (min, p5, median, p95, max at plotting positions 0.5/n and 1 - 0.5/n).
  /// Empty: every batch takes the median.
  std::vector<std::pair<double, double>> spread;
  std::string source;
  std::vector<std::string> fitted_from;
  /// Seconds for a batch of `rows` after `gap_s` idle: linear between the measured sizes (past
  /// the last by its slope) and between the measured gaps (clamped to the range measured).
  [[nodiscard]] double at(double rows, double gap_s = 0) const;
  /// The spread's time / median at quantile `u` in (0, 1): linear between knots, flat past them.
  [[nodiscard]] double spread_at(double u) const;
};

/// The front under an open Poisson stream of `rate` requests/s, batched as the site's server does
/// (a batch starts when it is full or its oldest request has waited `wait_s`, never before the
/// server is free), simulated over a seeded stream: mean batch, share of time busy, batches per
/// second and the 99th percentile latency. `overloaded` when even full batches cannot keep up.
struct FrontLoad {
  double mean_batch = 0, busy_share = 0, batches_per_s = 0, p99_ms = 0;
  /// Times the batcher's thread wakes: at the first request after an idle spell, at each request
  /// while a batch fills and at the batch deadline (site/front.cpp serves this way).
  double wakes_per_s = 0;
  std::size_t simulated_requests = 0;
  bool overloaded = false;
};
FrontLoad front_load(const BatchTime& t, double rate, int max_batch, double wait_s);

/// The allocation, solved as a MILP (see plan_model in planner.cpp): the front serves the demand
/// within the SLO at its busy share of the machine; in the rest of the time mining runs at the
/// point of its duty curve (piecewise linear, one segment chosen by binaries: an SOS2 written for
/// solvers without SOS) or at one worker count (binaries, SOS1) that maximises its hashes (or
/// their value) with the site's watts within the budget. `feasible` false with
/// `infeasible_because` when no allocation meets the constraints; `objective` is the solver's
/// value. `lp_text`, when given, receives the problem as CPLEX LP. Throws std::invalid_argument
/// when the planner document lacks what the request needs (naming it).
nlohmann::json plan(const nlohmann::json& planner, const PlanRequest& request,
                    std::string* lp_text = nullptr);

}  // namespace joulebench::suite
