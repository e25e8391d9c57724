// Preemption latency of a running workload: pause command -> all work stopped, measured from its
// work counters (the last increment after the command), so it applies to every workload alike.
#pragma once

#include <chrono>
#include <vector>

#include "joulebench/platform/workload.hpp"

namespace joulebench::platform {

struct PreemptionStats {
  std::vector<double> latencies_ms;  ///< one per trial
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

/// While `workload` runs (on another thread), pauses it `trials` times at irregular moments and
/// records how long after each pause its counters still moved; resumes after each trial. A trial
/// watches for `settle` after the last movement to be sure work has stopped.
PreemptionStats measure_preemption(Workload& workload, int trials,
                                   std::chrono::microseconds settle = std::chrono::milliseconds(30));

}  // namespace joulebench::platform
