// What the HTML pages (report, compare) draw from a results directory beyond results.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/chart.hpp"

namespace joulebench::suite {

/// The first repeat of step `step` of workload `workload`, read from steps_timeseries.csv rows
/// (load_timeseries): throughput against ms after the cap command.
html::Series step_throughput(const nlohmann::json& timeseries, const nlohmann::json& workload,
                             const nlohmann::json& step, const std::string& name, int color);

}  // namespace joulebench::suite
