// Disclosure: machine, build, kernels, sensors, limiters before/after (results/METHOD.md, "Disclosure").
#pragma once

#include <nlohmann/json.hpp>

#include "joulebench/power/sensor.hpp"
#include "suite/run.hpp"

namespace joulebench::suite {

/// The results document before any measurement: schema, machine, kernels, power sources,
/// method, limiters before, empty workloads, complete = false.
nlohmann::json results_skeleton(const RunOptions& o, const power::SensorSet& sensors,
                                const std::string& energy_kind, const std::string& energy_sensor);
/// What any results document discloses about the machine and the tool: `tool`, `machine`,
/// `kernels`, `power_source`, `power_source_unavailable`, `limiters.before`, `started_at`.
nlohmann::json disclosure(const power::SysfsRoot& root, const power::SensorSet& sensors);
/// Where the primary sensors measure (wall, psu, board, package, model), "mixed" when they differ.
std::string energy_location(const power::SensorSet& sensors);
/// Adds limiters after, end time and `complete`.
void finish_results(nlohmann::json& results, const RunOptions& o, bool complete);
void finish_results(nlohmann::json& results, const power::SysfsRoot& root, bool complete);

}  // namespace joulebench::suite
