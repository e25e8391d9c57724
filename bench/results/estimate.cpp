#include "results/estimate.hpp"

namespace joulebench::suite {

nlohmann::json estimate_json(const power::PowerModel& model) {
  if (!model.basis) {
    return {{"method", "calibration"},
            {"energy_kind", "estimated"},
            {"source", model.source},
            {"idle_watts", model.idle_watts},
            {"active_watts_per_core", model.active_watts_per_core}};
  }
  const power::EstimateBasis& b = *model.basis;
  nlohmann::json j{
      {"method", "coefficients"},
      {"energy_kind", "estimated"},
      {"architecture", b.architecture},
      {"source", b.source},
      {"min_watts_per_vcpu", b.min_watts_per_vcpu},
      {"max_watts_per_vcpu", b.max_watts_per_vcpu},
      {"vcpus", b.vcpus},
      {"idle_watts", model.idle_watts},
      {"full_load_watts", model.idle_watts + model.active_watts_per_core * static_cast<double>(b.vcpus)},
      {"scope", b.scope},
      {"uncertainty", b.uncertainty},
      {"cpu", b.cpu},
      {"fallback", b.fallback}};
  if (!b.note.empty()) j["note"] = b.note;
  if (!b.warning.empty()) j["warning"] = b.warning;
  return j;
}

}  // namespace joulebench::suite
