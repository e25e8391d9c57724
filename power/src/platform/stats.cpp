// percentile.
#include "joulebench/platform/stats.hpp"

#include <algorithm>
#include <cmath>

namespace joulebench::platform {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const double n = static_cast<double>(values.size());
  double mean = 0, var = 0;
  for (double x : values) mean += x / n;
  for (double x : values) var += (x - mean) * (x - mean) / (n - 1);
  return std::sqrt(var);
}

}  // namespace joulebench::platform
