// Arrival streams: Poisson by exponential gaps, bursty by thinning, traces from CSV.
#include "site/stream.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

#include "joulebench/power/sysfs.hpp"

namespace joulebench::site {
namespace {

constexpr double kBurstFraction = 0.2;  // bursty: PEAK for the first fifth of each period

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw std::invalid_argument(
      "--load '" + power::printable(text) + "': " + why +
      "; use poisson:RATE, bursty:RATE,PEAK,PERIOD or trace:FILE.csv (RATE and PEAK in "
      "requests/s or as a share of the front's capacity, e.g. 50%)");
}

double number(const std::string& text, const std::string& part, bool* share) {
  std::string t = part;
  *share = !t.empty() && t.back() == '%';
  if (*share) t.pop_back();
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || v <= 0 || (*share && v > 1000))
    bad(text, "'" + part + "' is not a positive number");
  return *share ? v / 100.0 : v;
}

std::vector<double> read_trace(const std::string& text, const std::string& file) {
  std::optional<std::string> content;
  try {
    content = power::read_input_file(file, "trace", 64u << 20);
  } catch (const std::invalid_argument& e) {
    bad(text, e.what());
  }
  const std::string name = power::printable(file);
  std::vector<double> times;
  std::istringstream in(*content);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string cell = line.substr(0, line.find(','));
    if (cell.empty() || cell[0] == '#' || (n == 1 && !std::isdigit(static_cast<unsigned char>(cell[0]))))
      continue;
    char* end = nullptr;
    const double t = std::strtod(cell.c_str(), &end);
    if (end != cell.c_str() + cell.size() || !std::isfinite(t) || t < 0)
      bad(text, "line " + std::to_string(n) + " of " + name + " ('" + power::printable(cell) +
                    "') is not a time in seconds");
    if (!times.empty() && t < times.back())
      bad(text, "line " + std::to_string(n) + " of " + name + " goes back in time");
    times.push_back(t);
  }
  if (times.empty()) bad(text, name + " holds no arrival times");
  return times;
}

}  // namespace

LoadSpec parse_load(const std::string& text) {
  LoadSpec s;
  s.text = text;
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon),
                    args = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (kind == "trace") {
    s.kind = LoadSpec::Kind::trace;
    if (args.empty()) bad(text, "no file given");
    s.trace = read_trace(text, args);
    return s;
  }
  std::vector<std::string> parts;
  std::stringstream ss(args);
  for (std::string p; std::getline(ss, p, ',');) parts.push_back(p);
  if (kind == "poisson" && parts.size() == 1) {
    s.rate = number(text, parts[0], &s.rate_share);
  } else if (kind == "bursty" && parts.size() == 3) {
    s.kind = LoadSpec::Kind::bursty;
    s.rate = number(text, parts[0], &s.rate_share);
    s.peak = number(text, parts[1], &s.peak_share);
    bool share = false;
    s.period_s = number(text, parts[2], &share);
    if (share) bad(text, "PERIOD is seconds, not a share");
  } else {
    bad(text, "unknown form");
  }
  return s;
}

double mean_rate(const LoadSpec& s, double capacity, double seconds) {
  const double rate = s.rate_share ? s.rate * capacity : s.rate;
  const double peak = s.peak_share ? s.peak * capacity : s.peak;
  switch (s.kind) {
    case LoadSpec::Kind::poisson:
      return rate;
    case LoadSpec::Kind::bursty:
      return (1 - kBurstFraction) * rate + kBurstFraction * peak;
    case LoadSpec::Kind::trace:
      break;
  }
  const auto in = std::count_if(s.trace.begin(), s.trace.end(), [&](double t) { return t < seconds; });
  return static_cast<double>(in) / seconds;
}

std::vector<double> arrivals(const LoadSpec& s, double capacity, double seconds, std::uint32_t seed) {
  std::vector<double> out;
  if (s.kind == LoadSpec::Kind::trace) {
    for (double t : s.trace) {
      if (t < seconds) out.push_back(t);
    }
    return out;
  }
  const double rate = s.rate_share ? s.rate * capacity : s.rate;
  const double peak = s.kind == LoadSpec::Kind::bursty ? (s.peak_share ? s.peak * capacity : s.peak) : rate;
  const double top = std::max(rate, peak);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(top);
  std::uniform_real_distribution<double> u(0, 1);
  // Thinning: candidates at the top rate, each kept with probability rate(t) / top.
  for (double t = gap(rng); t < seconds; t += gap(rng)) {
    const bool burst =
        s.kind == LoadSpec::Kind::bursty && std::fmod(t, s.period_s) < kBurstFraction * s.period_s;
    if (u(rng) * top <= (burst ? peak : rate)) out.push_back(t);
  }
  return out;
}

}  // namespace joulebench::site
