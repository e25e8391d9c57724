// Caps a run that is gone left behind (crash, SIGKILL): every command that touches hardware
// starts by putting them back.
#pragma once

#include "joulebench/power/sysfs.hpp"

namespace joulebench::cli {

/// If a previous run left caps journaled, warns on stderr and restores them.
void restore_leftover_caps(const power::SysfsRoot& root);

}  // namespace joulebench::cli
