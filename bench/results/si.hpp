// Numbers for people: SI prefixes and 3 significant digits on screen (files keep full precision).
#pragma once

#include <string>

namespace joulebench::cli {

/// `value` with an SI prefix on `unit` and `digits` significant digits: si(4.12e7, "H/s") is
/// "41.2 MH/s", si(1.82e-7, "J/hash") "182 nJ/hash". NaN or infinite: "-".
std::string si(double value, const std::string& unit, int digits = 3);

/// The short symbol of a work unit on screen: "hash" -> "H" (H/s, MH/J as miners write them),
/// "inference" -> "inf"; any other unit as it is.
std::string unit_symbol(const std::string& unit);

/// The SI prefix an axis whose largest magnitude is `max_abs` is labelled in: {"M", 1e6} for 4.1e7,
/// so its ticks read "0 10 20 30 40" and its label "MH/s".
struct SiScale {
  std::string prefix;
  double factor = 1;
};
SiScale si_scale(double max_abs);

/// A plain number with `digits` significant digits and no exponent within 1e-3..1e6 ("5.49").
std::string sig(double value, int digits = 3);

}  // namespace joulebench::cli
