// The core's running clock, measured the way a cycles-per-hash figure needs it: a chain of
// dependent integer adds retires one add per cycle on every x86-64 and AArch64 core, so adds
// per second is cycles per second, whatever the governor, turbo or VM says.
#pragma once

namespace joulebench::platform {

struct CoreClock {
  double hz = 0;      ///< median of the samples
  double spread = 0;  ///< (max - min) / median of the samples
  int samples = 0;
};

/// `samples` measurements of about `seconds` each on the calling thread.
CoreClock measure_core_clock(int samples = 5, double seconds = 0.01);

}  // namespace joulebench::platform
