// Open-loop request arrivals for the site's front: a Poisson stream at a rate (requests/s, or a
// share of the front's measured capacity such as "50%"), a bursty one (Poisson whose rate rises
// to PEAK for the first fifth of every PERIOD), or a trace of arrival times from a CSV file.
// Seeded, so the front alone and the co-run see exactly the same requests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace joulebench::site {

struct LoadSpec {
  enum class Kind { poisson, bursty, trace } kind = Kind::poisson;
  double rate = 0, peak = 0;  ///< requests/s, or shares of capacity when *_share
  bool rate_share = false, peak_share = false;
  double period_s = 0;        ///< bursty
  std::vector<double> trace;  ///< arrival times, seconds, ascending
  std::string text;           ///< as given
};

/// "poisson:RATE", "bursty:RATE,PEAK,PERIOD" (RATE and PEAK in requests/s or "NN%" of the
/// front's capacity, PERIOD in seconds), "trace:FILE.csv". Throws std::invalid_argument naming
/// the bad part and the accepted forms.
LoadSpec parse_load(const std::string& text);

/// The stream's mean rate, requests/s, for a front of `capacity` requests/s.
double mean_rate(const LoadSpec& spec, double capacity, double seconds);

/// Arrival times in [0, seconds), ascending, from `seed`.
std::vector<double> arrivals(const LoadSpec& spec, double capacity, double seconds, std::uint32_t seed);

}  // namespace joulebench::site
