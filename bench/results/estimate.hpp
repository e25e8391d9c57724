// How an estimated sensor's watts were made, as results.json and `sensors --json` carry it.
#pragma once

#include <nlohmann/json.hpp>

#include "joulebench/power/sensor.hpp"

namespace joulebench::suite {

/// {method: "coefficients", architecture, source, min_watts_per_vcpu, max_watts_per_vcpu, vcpus,
/// idle_watts, full_load_watts, scope, uncertainty, cpu, fallback[, note, warning]} for a
/// coefficient model; {method: "calibration", source, idle_watts, active_watts_per_core} for a
/// calibration file.
nlohmann::json estimate_json(const power::PowerModel& model);

}  // namespace joulebench::suite
