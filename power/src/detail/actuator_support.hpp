// What every hardware actuator does the same way: range checks, the set result with its warning,
// and turning a failed journal restore into an error.
#pragma once

#include <string>
#include <vector>

#include "joulebench/power/actuator.hpp"
#include "joulebench/power/journal.hpp"

namespace joulebench::power::detail {

std::string fmt(double v);
/// Throws std::invalid_argument naming the value, the actuator and its range.
void check_range(const Actuator& a, double v);
/// A warning when the value read back is more than `tolerance` from the one asked for.
CapResult result(double requested, double in_force, double tolerance);
void throw_unless_restored(const std::vector<CapJournal::Outcome>& outcomes);

}  // namespace joulebench::power::detail
