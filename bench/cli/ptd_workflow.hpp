// The MLPerf Power workflow for `measure` when its meter is a SPEC PTDaemon: a ranging run of the
// command with the analyzer auto-ranging, then the measured runs with the voltage and current
// ranges fixed at the largest the ranging run saw; a testing sample above 1% uncertainty makes
// the result invalid. Every command sent to the daemon and its reply go into the JSON.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/power/ptd.hpp"

namespace joulebench::cli {

class PtdWorkflow {
 public:
  explicit PtdWorkflow(std::shared_ptr<power::PtdAnalyzer> analyzer) : analyzer_(std::move(analyzer)) {}
  /// Runs `argv` once as the ranging run and sets the testing ranges; its exit code. Throws
  /// std::runtime_error when the ranging run gave no sample.
  int range(const std::vector<std::string>& argv);
  /// Ends the testing phase (call after the measured runs).
  void finish();
  [[nodiscard]] bool valid() const;
  /// Why the result is invalid, empty when it is not.
  [[nodiscard]] std::string invalid_reason() const;
  [[nodiscard]] nlohmann::json to_json() const;
  /// One or two lines on stderr: the ranges, the samples, the worst uncertainty, the verdict.
  void print() const;

 private:
  std::shared_ptr<power::PtdAnalyzer> analyzer_;
  std::optional<power::PtdPhase> ranging_, testing_;
};

}  // namespace joulebench::cli
