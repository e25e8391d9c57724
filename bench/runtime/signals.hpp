// Signals turned into a stop request the workloads already understand, and the guarantee that
// caps go back however the process ends: the first catchable terminating signal (SIGINT,
// SIGTERM, SIGHUP, SIGQUIT, ...) asks everything to stop and unwind, which restores caps on the
// way out; a second one restores this process's journaled caps at once and exits. SIGPIPE is
// ignored, so a closed pipe is a write error rather than a silent death.
#pragma once

#include <functional>
#include <stop_token>

namespace joulebench::cli {

/// Installs the handlers (idempotent).
void install_interrupt_handlers();
/// Stop token that fires on the first signal.
std::stop_token interrupt_token();
/// True once a terminating signal was received.
bool interrupted();
/// The first signal received, 0 if none.
int interrupt_signal();
/// The exit code a signal-ended command returns: 128 + the signal (130 for SIGINT, 143 for SIGTERM).
int interrupted_exit_code();

/// While alive, a second signal runs `restore` (from a normal thread, not the handler) before
/// the process exits, so caps go back even when the main thread cannot unwind in time.
class EmergencyRestore {
 public:
  explicit EmergencyRestore(std::function<void()> restore);
  ~EmergencyRestore();
  EmergencyRestore(const EmergencyRestore&) = delete;
  EmergencyRestore& operator=(const EmergencyRestore&) = delete;
};

}  // namespace joulebench::cli
