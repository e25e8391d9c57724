// Budgets, schedules and the site actuator.
#include "site/budget.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "joulebench/power/sysfs.hpp"

namespace joulebench::site {

Budget parse_budget(const std::string& text, const std::string& what) {
  std::string t = text;
  Budget b;
  if (!t.empty() && t.back() == '%') {
    b.share = true;
    t.pop_back();
  } else if (!t.empty() && (t.back() == 'W' || t.back() == 'w')) {
    t.pop_back();
  }
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || v <= 0 || (b.share && v > 1000) ||
      (!b.share && v > 1e6))
    throw std::invalid_argument(what + " '" + power::printable(text) +
                                "' is not a budget; give watts (60W) or a share of full-load power (70%)");
  b.value = b.share ? v / 100.0 : v;
  return b;
}

BudgetSchedule::BudgetSchedule(Budget base, std::vector<std::pair<double, Budget>> changes)
    : base_(base), changes_(std::move(changes)) {}

std::vector<std::pair<double, Budget>> BudgetSchedule::read(const std::string& file) {
  const std::string text = power::read_input_file(file, "--budget-schedule", 16u << 20);
  const std::string name = power::printable(file);
  std::vector<std::pair<double, Budget>> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const auto comma = line.find(',');
    const std::string t = line.substr(0, comma), w = comma == std::string::npos ? "" : line.substr(comma + 1);
    char* end = nullptr;
    const double seconds = std::strtod(t.c_str(), &end);
    if (n == 1 && (t.empty() || end != t.c_str() + t.size())) continue;  // a header
    const std::string where = "--budget-schedule " + name + " line " + std::to_string(n);
    if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(seconds) || seconds < 0)
      throw std::invalid_argument(where + ": '" + power::printable(t) +
                                  "' is not a time in seconds; lines are time,watts");
    if (!out.empty() && seconds < out.back().first)
      throw std::invalid_argument(where + ": times must not go back");
    out.emplace_back(seconds, parse_budget(w, where));
  }
  if (out.empty()) throw std::invalid_argument("--budget-schedule " + name + " holds no time,watts lines");
  return out;
}

std::vector<double> BudgetSchedule::phase_starts() const {
  std::vector<double> starts{0.0};
  for (const auto& c : changes_) starts.push_back(c.first);
  return starts;
}

double BudgetSchedule::watts_at(double t, double full_load_watts) const {
  Budget b = base_;
  for (const auto& [when, budget] : changes_) {
    if (when <= t) b = budget;
  }
  return b.watts(full_load_watts);
}

SiteActuator::SiteActuator(platform::ThrottleState& back, platform::ThrottleState& front, bool protect_front)
    : back_(back), front_(front), protect_front_(protect_front) {}

double SiteActuator::value() const {
  std::lock_guard lock(mutex_);
  return position_;
}

power::CapResult SiteActuator::set(double position) {
  const double p = std::clamp(position, protect_front_ ? 0.5 : 0.0, 1.0);
  bool engaged;
  {
    std::lock_guard lock(mutex_);
    position_ = p;
    if (p < 0.5 - kFrontHysteresis) front_engaged_ = true;
    if (p >= 0.5) front_engaged_ = false;
    engaged = front_engaged_;
  }
  const double back = std::clamp((p - 0.5) / 0.5, 0.0, 1.0);
  if (back < 0.02) {
    back_.set_active_workers(0);  // stopped: every back worker parks
  } else {
    back_.set_active_workers(back_.workers());
    back_.set_run_fraction(back);
  }
  front_.set_run_fraction(engaged ? std::max(0.05, p / 0.5) : 1.0);
  return {position, p, {}};
}

void SiteActuator::restore() {
  {
    std::lock_guard lock(mutex_);
    front_engaged_ = false;
  }
  set(1.0);
}

double SiteActuator::back_level() const {
  const double p = value();
  return std::clamp((p - 0.5) / 0.5, 0.0, 1.0) < 0.02 ? 0.0 : std::clamp((p - 0.5) / 0.5, 0.0, 1.0);
}

double SiteActuator::front_duty() const {
  std::lock_guard lock(mutex_);
  return front_engaged_ ? std::max(0.05, position_ / 0.5) : 1.0;
}

}  // namespace joulebench::site
