// SIGINT/SIGTERM turned into a stop request the workloads already understand.
#pragma once

#include <stop_token>

namespace joulebench::cli {

/// Installs the handlers (idempotent). A first signal requests stop; a second one exits at once.
void install_interrupt_handlers();
/// Stop token that fires on SIGINT/SIGTERM.
std::stop_token interrupt_token();
/// True once SIGINT/SIGTERM was received.
bool interrupted();
/// The signal received (SIGINT or SIGTERM), 0 if none.
int interrupt_signal();

}  // namespace joulebench::cli
