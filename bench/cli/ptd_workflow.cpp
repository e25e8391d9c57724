#include "cli/ptd_workflow.hpp"

#include <cstdio>
#include <stdexcept>

#include "cli/power_setup.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;

json phase_json(const power::PtdPhase& p) {
  json samples = json::array();
  for (const auto& s : p.samples)
    samples.push_back(
        {{"time", s.time}, {"watts", s.watts}, {"volts", s.volts}, {"amps", s.amps}, {"pf", s.pf}});
  return {{"mark", p.mark},
          {"ranges", {{"volts", p.ranges.volts}, {"amps", p.ranges.amps}}},
          {"max_volts", p.max_volts},
          {"max_amps", p.max_amps},
          {"samples", samples},
          {"samples_above_uncertainty_limit", p.uncertain_samples},
          {"worst_uncertainty", p.worst_uncertainty ? json(*p.worst_uncertainty) : json()}};
}

}  // namespace

int PtdWorkflow::range(const std::vector<std::string>& argv) {
  (void)analyzer_->stop();  // the auto-ranged measurement the meter started with
  analyzer_->set_ranges({});
  analyzer_->go("joulebench_ranging");
  const int code = run_child(argv);
  ranging_ = analyzer_->stop();
  analyzer_->set_ranges(power::testing_ranges(*ranging_));
  analyzer_->go("joulebench_testing");
  return code;
}

void PtdWorkflow::finish() { testing_ = analyzer_->stop(); }

bool PtdWorkflow::valid() const { return invalid_reason().empty(); }

std::string PtdWorkflow::invalid_reason() const {
  if (!testing_) return "the testing phase did not finish";
  if (testing_->samples.empty()) return "the testing phase gave the analyzer no sample";
  if (testing_->uncertain_samples > 0)
    return std::to_string(testing_->uncertain_samples) +
           " testing sample(s) above MLPerf Power's 1% uncertainty limit (worst " +
           std::to_string(testing_->worst_uncertainty.value_or(0) * 100) + "%)";
  return {};
}

json PtdWorkflow::to_json() const {
  json exchanges = json::array();
  for (const auto& e : analyzer_->exchanges())
    exchanges.push_back({{"command", e.command}, {"reply", e.reply}});
  const auto& initial = analyzer_->initial_ranges();
  return {{"workflow", "MLPerf Power: ranging run (auto ranges), then testing runs at the ranging maxima"},
          {"analyzer", analyzer_->identity()},
          {"initial_ranges", {{"volts", initial.volts}, {"amps", initial.amps}}},
          {"ranging", ranging_ ? phase_json(*ranging_) : json()},
          {"testing", testing_ ? phase_json(*testing_) : json()},
          {"valid", valid()},
          {"invalid_reason", invalid_reason()},
          {"exchanges", exchanges}};
}

void PtdWorkflow::print() const {
  std::fprintf(stderr, "joulebench measure: PTDaemon %s\n", analyzer_->identity().c_str());
  if (ranging_)
    std::fprintf(stderr, "  ranging: %zu samples, max %.3f V %.4f A; testing ranges V %s A %s\n",
                 ranging_->samples.size(), ranging_->max_volts, ranging_->max_amps,
                 testing_ ? testing_->ranges.volts.c_str() : "-",
                 testing_ ? testing_->ranges.amps.c_str() : "-");
  if (testing_)
    std::fprintf(stderr, "  testing: %zu samples, worst uncertainty %s: %s\n", testing_->samples.size(),
                 testing_->worst_uncertainty
                     ? (std::to_string(*testing_->worst_uncertainty * 100) + "%").c_str()
                     : "not reported",
                 valid() ? "valid" : ("INVALID, " + invalid_reason()).c_str());
}

}  // namespace joulebench::cli
