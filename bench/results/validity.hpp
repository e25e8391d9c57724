// The validity verdict of a run (like MLPerf's "Result is VALID"): each check that decides
// whether its figures can be trusted, and one verdict, valid | warnings | invalid, written into
// results.json and printed as the last line of `run`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace joulebench::suite {

/// Thresholds, exposed for the report's method section and the tests.
struct ValidityLimits {
  double background_warn_cores = 0.05, background_invalid_cores = 0.25;  ///< other processes' CPU
  double steal_warn_pct = 2, steal_invalid_pct = 10;                     ///< VM steal time
  double sampler_min_hz = 900;                                           ///< of the 1 kHz target
  double sampler_max_gap_ms = 20;
  double sampler_late_pct = 1;
  double overhead_abs_pct = 1;         ///< results/METHOD.md: under 1%
  double min_measured_s = 60;          ///< MLPerf Power's minimum per result
  double kernel_vs_library_min = 0.8;  ///< our kernel / the best library on the same model
};

/// {verdict, checks: [{name, ok, severity, detail}]} for a results document (complete or not).
nlohmann::json validity(const nlohmann::json& results, const ValidityLimits& limits = {});

/// "Result is VALID", "Result is VALID WITH WARNINGS (n): ...", "Result is INVALID: ...".
std::string verdict_line(const nlohmann::json& validity);

}  // namespace joulebench::suite
