// The sha256d port bounds in `kernels`: each kernel's operations per hash, the bound on every
// modelled core, and on this core the measured cycles/hash against its bound.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/kernel_speed.hpp"

namespace joulebench::cli {

/// Bounds for every kernel with an operation model (plain and, where measured, rolled), with
/// this CPU's core model and each measured kernel's fraction of its bound.
nlohmann::json port_bounds_json(const KernelSpeeds& measured);
void print_port_bounds(const nlohmann::json& bounds);

}  // namespace joulebench::cli
