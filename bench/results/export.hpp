// planner.json in the formats other tools take: SPECpower_ssj2008's result columns, a PyPSA
// network folder, OpenMetrics text and a GEOPM power policy. Each is a pure function of the
// planner document (and, for GEOPM, of `plan`'s allocation), so tests check the text itself.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace joulebench::suite {

/// One row per workload and duty level, 100% down to the lowest, then active idle and the
/// overall ratio (SPECpower's sum of work over sum of power, idle included).
std::string export_specpower_csv(const nlohmann::json& planner);

/// buses.csv and generators.csv of a PyPSA network: one bus (the site) and, per workload, one
/// generator of sign -1 (a load) per segment of its efficiency frontier, p_nom in MW, its
/// marginal cost minus the value of the work the segment adds per MWh (a hash worth
/// `value_per_hash`, an inference `value_per_inference`; with 1, minus units per MWh).
std::map<std::string, std::string> export_pypsa(const nlohmann::json& planner, double value_per_hash,
                                                double value_per_inference);

/// OpenMetrics text (also valid Prometheus text exposition): gauges with their unit in the name.
std::string export_openmetrics(const nlohmann::json& planner);

/// GEOPM's power_governor agent policy for the package power cap `plan` chose.
nlohmann::json export_geopm_policy(const nlohmann::json& plan);

/// PyPSA's generator attributes (pypsa/component_attrs/generators.csv, PyPSA 0.21-0.25) that
/// export_pypsa may write, for the tests to check every column against.
const std::vector<std::string>& pypsa_generator_attributes();

}  // namespace joulebench::suite
