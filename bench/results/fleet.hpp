// Many machines' results in one view (`joulebench merge`): one row per result directory and
// workload, keyed by directory and host (fleet nodes often share a hostname such as "vm"); a node
// whose run failed or was invalid is listed as such, never dropped; outliers are flagged against
// each node's own spread.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace joulebench::suite {

struct FleetWorkload {
  std::string name, unit, kernel;
  int threads = 0;
  double throughput = 0, watts = 0, joules_gross = 0, joules_net = 0;
  double work_per_joule = 0;
  double work_per_joule_p5 = 0, work_per_joule_p95 = 0;  ///< from the node's own repeats; 0: unknown
  bool outlier = false;
  std::string outlier_note;
};

struct FleetNode {
  std::string dir, host, cpu;
  std::string status;  ///< ok | invalid | incomplete | failed
  std::string verdict, energy_kind, sensor, reason;
  bool quick = false;
  std::vector<FleetWorkload> workloads;
  nlohmann::json results;  ///< the loaded document (null when failed), for the curves
};

struct Fleet {
  std::vector<FleetNode> nodes;
  /// Directories that gave no usable result, each with why.
  [[nodiscard]] std::vector<std::string> skipped() const;
  [[nodiscard]] std::string csv() const;
  [[nodiscard]] nlohmann::json to_json() const;
};

/// Reads every directory (a failed one becomes a `failed` node naming why) and flags outliers:
/// a node whose work per joule differs from the fleet median of that workload by more than its
/// own p5..p95 spread.
Fleet load_fleet(const std::vector<std::filesystem::path>& dirs);

}  // namespace joulebench::suite
