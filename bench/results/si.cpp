// SI formatting: the prefix is chosen so the mantissa lies in [1, 1000).
#include "results/si.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace joulebench::cli {

std::string sig(double value, int digits) {
  if (!std::isfinite(value)) return "-";
  if (value == 0) return "0";
  int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  // 0.99996 to 3 digits is 1.00, not 1.000: the rounded value decides the magnitude.
  const double scale = std::pow(10.0, digits - 1 - magnitude);
  if (std::fabs(std::round(value * scale) / scale) >= std::pow(10.0, magnitude + 1)) ++magnitude;
  const int decimals = std::max(0, digits - 1 - magnitude);
  char b[64];
  if (magnitude >= -3 && magnitude < 6)
    std::snprintf(b, sizeof b, "%.*f", decimals, value);
  else
    std::snprintf(b, sizeof b, "%.*g", digits, value);
  return b;
}

std::string unit_symbol(const std::string& unit) {
  return unit == "hash" ? "H" : unit == "inference" ? "inf" : unit;
}

namespace {
constexpr const char* kPrefixes[] = {"p", "n", "µ", "m", "", "k", "M", "G", "T", "P"};
}

SiScale si_scale(double max_abs) {
  if (!std::isfinite(max_abs) || max_abs <= 0) return {};
  const int index = std::max(0, std::min(9, 4 + static_cast<int>(std::floor(std::log10(max_abs) / 3))));
  return {kPrefixes[index], std::pow(1000.0, index - 4)};
}

std::string si(double value, const std::string& unit, int digits) {
  if (!std::isfinite(value)) return "-";
  int index = 4;
  double v = value;
  if (v != 0) {
    const int step = static_cast<int>(std::floor(std::log10(std::fabs(v)) / 3));
    index = std::max(0, std::min(9, 4 + step));
    v = value / std::pow(1000.0, index - 4);
    // Rounding can carry to 1000 (999.7 -> "1000"): move up a prefix instead.
    if (std::fabs(std::stod(sig(v, digits))) >= 1000 && index < 9) v /= 1000, ++index;
  }
  return sig(v, digits) + " " + kPrefixes[index] + unit;
}

}  // namespace joulebench::cli
