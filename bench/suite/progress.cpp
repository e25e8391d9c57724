// Progress line on stderr.
#include "suite/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "results/si.hpp"

namespace joulebench::suite {

Progress::Progress(bool enabled)
    : enabled_(enabled),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      stage_start_(start_) {}

double Progress::seconds_left() const {
  const auto now = std::chrono::steady_clock::now();
  const double in_stage = std::chrono::duration<double>(now - stage_start_).count();
  // Stages on this machine run slower (a busy host, a warm-up that needs more windows) or faster
  // than planned; the ratio so far corrects what is left. Clamped: one odd stage is not a trend.
  const double ratio = done_planned_s_ > 0 ? std::clamp(done_actual_s_ / done_planned_s_, 0.5, 4.0) : 1.0;
  const double after = std::max(0.0, planned_s_ - done_planned_s_ - stage_planned_s_);
  return after * ratio + std::max(0.0, stage_planned_s_ * ratio - in_stage);
}

void Progress::set_stage(const std::string& stage, const std::string& workload, const std::string& unit,
                         double planned_s) {
  const auto now = std::chrono::steady_clock::now();
  if (stage_planned_s_ > 0) {
    done_planned_s_ += stage_planned_s_;
    done_actual_s_ += std::chrono::duration<double>(now - stage_start_).count();
  }
  stage_planned_s_ = planned_s;
  stage_start_ = now;
  stage_ = stage;
  workload_ = workload;
  unit_ = unit;
  rate_ = 0;
  if (enabled_ && !tty_) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "[%6.1f s, ~%.0f s left] %s %s\n", elapsed, seconds_left(), stage.c_str(),
                 workload.c_str());
  }
  last_draw_ = {};
  draw();
}

void Progress::set_rates(double rate, double watts, const std::string& energy_kind) {
  rate_ = rate;
  watts_ = watts;
  kind_ = energy_kind;
}

void Progress::set_cap(const std::string& actuator, double level) {
  cap_.clear();
  if (actuator.empty()) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, " %s %.0f%%", actuator.c_str(), 100 * level);
  cap_ = buf;
}

void Progress::draw() {
  if (!enabled_ || !tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r\033[K[%6.1f s, ~%.0f s left] %-22s %-16s%s", elapsed, seconds_left(),
               stage_.c_str(), workload_.c_str(), cap_.c_str());
  if (rate_ > 0)
    std::fprintf(stderr, " %s  %s (%s)", cli::si(rate_, cli::unit_symbol(unit_) + "/s").c_str(),
                 cli::si(watts_, "W").c_str(), kind_.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && tty_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace joulebench::suite
