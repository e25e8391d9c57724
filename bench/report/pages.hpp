// The HTML pages drawn from results files (self-contained: inline SVG and CSS, no network), and
// the one writer of a results directory, which puts the report page beside the data files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "results/compare.hpp"
#include "results/fleet.hpp"

namespace joulebench::suite {

/// report.html of a `run` or a `site` result.
std::string render_report(const nlohmann::json& results, const nlohmann::json& timeseries);
/// compare --html: both runs' curves and steps overlaid with per-point deltas.
std::string render_compare(const CompareInputs& in, const CompareReport& report, const CompareOptions& o);
/// merge --html: one row per node directory, one chart per workload with a line per node.
std::string render_fleet(const Fleet& fleet);

/// Writes every file of the results directory: the data files, report.html, results.json last
/// (a reader that finds results.json finds the rest).
void write_outputs(const std::filesystem::path& dir, const nlohmann::json& results,
                   const nlohmann::json& timeseries);

}  // namespace joulebench::suite
