// Comparing two runs as a CI gate would: refuse runs that cannot be compared (incomplete, no
// workloads, quick against full, another CPU, kernel or thread count) instead of passing them,
// count a workload that disappeared as a regression, and judge each change against both runs'
// own spreads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace joulebench::suite {

struct CompareOptions {
  double threshold_pct = 5;
  bool force = false;  ///< compare even what is not comparable (the reasons stay in the report)
};

struct MetricChange {
  std::string workload, metric;
  nlohmann::json base, now;  ///< numbers, or null where a run has none
  double change_pct = 0, noise_pct = 0;
  std::string verdict;  ///< ok | noise | improvement | REGRESSION | missing | incomparable
};

struct CompareReport {
  std::vector<std::string> not_comparable;  ///< why the runs cannot be compared
  std::vector<MetricChange> changes;
  bool regression = false;
  /// 2 when not comparable (and not forced), 1 on a regression, else 0.
  [[nodiscard]] int exit_code(const CompareOptions& o) const;
  [[nodiscard]] nlohmann::json to_json(const CompareOptions& o) const;
};

/// Both runs with their step time series, for the HTML page (report/pages.hpp).
struct CompareInputs {
  nlohmann::json base, now, base_timeseries, now_timeseries;
  std::string base_name, now_name;
};

/// Throws std::runtime_error naming the field when a result is malformed.
CompareReport compare_results(const nlohmann::json& base, const nlohmann::json& now, const CompareOptions& o);

}  // namespace joulebench::suite
