// Order statistics every module reports with.
#pragma once

#include <vector>

namespace joulebench::platform {

/// p-th percentile (0..100), linear interpolation; 0 for an empty input.
double percentile(std::vector<double> values, double p);
/// Sample standard deviation (n - 1); 0 for fewer than two values.
double sample_std(const std::vector<double>& values);

}  // namespace joulebench::platform
