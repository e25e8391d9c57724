// SPEC PTDaemon as a meter: the analyzer's watts, polled, auto-ranged until a workflow fixes the
// ranges; a sample whose uncertainty is above 1% is a gap with that reason.
#pragma once

#include <memory>
#include <vector>

#include "joulebench/power/ptd.hpp"

namespace joulebench::power::detail {

/// Opens the daemon (`analyzer` is set to it, for the workflow) and starts a measurement.
std::vector<std::unique_ptr<Sensor>> open_ptd_meter(const MeterUrl& url, const MeterOptions& options,
                                                    std::vector<Probe>& probes,
                                                    std::shared_ptr<PtdAnalyzer>& analyzer);

}  // namespace joulebench::power::detail
