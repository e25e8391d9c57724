// Order statistics every module reports with.
#pragma once

#include <vector>

namespace joulebench::platform {

/// p-th percentile (0..100), linear interpolation; 0 for an empty input.
double percentile(std::vector<double> values, double p);

}  // namespace joulebench::platform
