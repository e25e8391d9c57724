// The results directory: results.json (schema joulebench/1, see results/SCHEMA.md), curves.csv,
// steps.csv, steps_timeseries.csv and planner.json, all derived from the one results document
// (report.html is drawn by report/).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "joulebench/power/sampler.hpp"

namespace joulebench::suite {

/// j[key] when j is an object holding key, else null. Readers of a results file use it for
/// every member: a const operator[] on a missing key is undefined behaviour in nlohmann::json,
/// and fuzzing found a file that made it loop forever.
const nlohmann::json& field(const nlohmann::json& j, const char* key);
/// v as a number, NaN when it is not one (null, missing, another type).
double number_or_nan(const nlohmann::json& v);
/// j[key] when it is a string, else `fallback`.
std::string text_or(const nlohmann::json& j, const char* key, const std::string& fallback = "");

/// results.json, written atomically (a reader never sees a torn file).
void write_results_json(const std::filesystem::path& dir, const nlohmann::json& results);
/// Reads and checks a results file; throws std::runtime_error naming the file and the problem
/// (unreadable, not JSON, schema other than joulebench/1).
nlohmann::json load_results(const std::filesystem::path& file_or_dir);

/// Appends one step repeat's time series (relative to the command) to `rows`: throughput over
/// `rate_window_s` windows, and watts over `power_window_s` when `energy` has points.
void record_step_series(nlohmann::json& rows, const std::string& workload, const std::string& actuator,
                        double to_level, const power::Series& units, const power::Series& energy, double t0,
                        double t1, double rate_window_s, double power_window_s,
                        const std::string& energy_kind);

/// Writes the data files of a results directory: curves.csv, steps.csv, steps_timeseries.csv and,
/// for a `run`, planner.json (report/pages.hpp's write_outputs adds the page and results.json).
void write_data_files(const std::filesystem::path& dir, const nlohmann::json& results,
                      const nlohmann::json& timeseries);
/// One CSV line: strings quoted when they hold a comma, quote or newline (quotes doubled), floats
/// as %.6g, null empty.
std::string csv_row(const std::vector<nlohmann::json>& cells);
/// CSV text of the curves / steps (header + one row each), for the files and for `merge`.
std::string curves_csv(const nlohmann::json& results, bool with_header = true);
std::string steps_csv(const nlohmann::json& results, bool with_header = true);
/// Reads steps_timeseries.csv back into the rows write_outputs takes (for re-rendering a report);
/// like load_results, takes the results directory or a file in it.
nlohmann::json load_timeseries(const std::filesystem::path& file_or_dir);
/// The short human summary table at the end of a run.
/// "measured (wall)", "measured (package)", "estimated": the energy kind with where it was measured.
std::string energy_label(const nlohmann::json& results);
void print_summary(const nlohmann::json& results);

}  // namespace joulebench::suite
