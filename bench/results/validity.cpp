// Validity checks over a results document.
#include "results/validity.hpp"

#include <cstdio>

#include "results/outputs.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

class Checks {
 public:
  /// A failed check of `severity` ("warning" or "invalid"); a passed one with its detail.
  void add(const std::string& name, bool ok, const std::string& severity, const std::string& detail) {
    list_.push_back({{"name", name}, {"ok", ok}, {"severity", ok ? "none" : severity}, {"detail", detail}});
  }
  [[nodiscard]] json result() const {
    std::string verdict = "valid";
    for (const auto& c : list_) {
      if (c["severity"] == "invalid") verdict = "invalid";
      if (c["severity"] == "warning" && verdict == "valid") verdict = "warnings";
    }
    return {{"verdict", verdict}, {"checks", list_}};
  }

 private:
  json list_ = json::array();
};

// Other processes' CPU time and VM steal beside a window.
void background(Checks& c, const std::string& where, const json& load, const ValidityLimits& l) {
  if (!field(load, "ok").is_boolean() || !load["ok"].get<bool>()) {
    c.add(where + ": background load", false, "warning",
          "could not be measured (/proc/stat unreadable or window too short)");
    return;
  }
  const double other = load.value("other_cores", 0.0), steal = load.value("steal_pct", 0.0);
  const std::string severity =
      other > l.background_invalid_cores || steal > l.steal_invalid_pct ? "invalid" : "warning";
  c.add(where + ": quiet machine", other <= l.background_warn_cores && steal <= l.steal_warn_pct, severity,
        fmt("other processes used %.3f cores", other) + fmt(", VM steal %.2f%%", steal) +
            fmt(" (warning above %.2f cores", l.background_warn_cores) +
            fmt(" or %.0f%% steal,", l.steal_warn_pct) +
            fmt(" invalid above %.2f", l.background_invalid_cores) + fmt(" or %.0f%%)", l.steal_invalid_pct));
}

void sampler(Checks& c, const std::string& w, const json& s, const ValidityLimits& l) {
  if (!s.is_object()) return;
  const double hz = s.value("achieved_hz", 0.0), gap = s.value("max_gap_ms", 0.0);
  const double ticks = s.value("ticks", 0.0), late = s.value("late_ticks", 0.0);
  const double late_pct = ticks > 0 ? 100 * late / ticks : 0;
  c.add(w + ": sampler rate",
        hz >= l.sampler_min_hz && late_pct <= l.sampler_late_pct && gap <= l.sampler_max_gap_ms, "warning",
        fmt("%.0f Hz achieved", hz) + fmt(", longest gap %.1f ms", gap) +
            fmt(", %.2f%% of ticks late", late_pct));
  const double overhead = s.value("overhead_pct", 0.0);
  c.add(w + ": sampler overhead", std::fabs(overhead) <= l.overhead_abs_pct, "warning",
        fmt("%.2f%% (throughput with vs without the sampler", overhead) +
            (overhead < -l.overhead_abs_pct ? "; negative: run-to-run noise exceeds the effect)" : ")"));
}

constexpr const char* kKernelNotMachine = ", the figures describe our kernel more than the machine";

/// Where our kernel is far behind the best library on the same model, a figure describes the kernel.
void kernel_vs_library(Checks& c, const json& w, const std::string& name, const ValidityLimits& l) {
  const json& lib = field(w, "kernel_vs_library");
  if (!lib.is_object()) return;
  const json& ratio = field(lib, "ratio");
  const bool ok = !ratio.is_number() || ratio.get<double>() >= l.kernel_vs_library_min;
  c.add(name + ": kernel vs library", ok, "warning",
        ratio.is_number() ? fmt("ours %.2fx ", ratio.get<double>()) + text_or(lib, "library") + " (" +
                                text_or(lib, "implementation") + ")" +
                                (ok ? "" : fmt(": below %.2fx", l.kernel_vs_library_min) + kKernelNotMachine)
                          : "not compared: " + text_or(lib, "reason"));
}

void workload(Checks& c, const json& w, const ValidityLimits& l) {
  const std::string name = field(w, "name").is_string() ? w["name"].get<std::string>() : "?";
  c.add(name + ": warm-up steady", field(field(w, "warmup"), "steady") == true, "warning",
        field(field(w, "warmup"), "steady") == true
            ? "throughput and power steady before measuring"
            : "not steady within the warm-up limit; figures may drift");
  background(c, name, field(w, "background"), l);
  sampler(c, name, field(w, "sampler"), l);
  const bool energy = field(w, "energy_ok") == true;
  c.add(name + ": energy of every window", energy, "invalid",
        energy ? "every measured window covered by the sensor" : "a measured window lacked sensor readings");
  const json& net = field(field(w, "joules_per_unit"), "net");
  if (net.is_number())
    c.add(name + ": net energy positive", net.get<double>() > 0, "invalid",
          net.get<double>() > 0
              ? "loaded power above idle"
              : "net J/unit is negative: the idle baseline was above loaded power (disturbed idle)");
  const json& beside = field(field(w, "beside_meter"), "watts");
  if (beside.is_number() && field(w, "watts").is_number()) {
    const double meter = w["watts"].get<double>(), chip = beside.get<double>();
    c.add(name + ": meter above package", meter >= chip, "invalid",
          fmt("the meter read %.1f W", meter) + fmt(", the on-chip sensors %.1f W", chip) +
              (meter >= chip ? ""
                             : ": a meter below the CPU package alone does not cover this CPU (another "
                               "chassis, PDU outlet or PSU?)"));
  }
  int bad_energy = 0, bad_cap = 0, points = 0;
  for (const auto& p : field(w, "curve")) {
    ++points;
    bad_energy += field(p, "energy_ok") == true ? 0 : 1;
    const json& warning = field(field(p, "cap"), "warning");
    bad_cap += warning.is_string() && !warning.get<std::string>().empty() ? 1 : 0;
  }
  c.add(name + ": curve energy", bad_energy == 0, "warning",
        std::to_string(points - bad_energy) + " of " + std::to_string(points) +
            " points with valid energy (the rest are null)");
  c.add(name + ": caps read back", bad_cap == 0, "warning",
        bad_cap == 0 ? "every cap in force as requested"
                     : std::to_string(bad_cap) + " caps read back differently");
  kernel_vs_library(c, w, name, l);
  const double seconds = field(w, "measured_seconds").is_number() ? w["measured_seconds"].get<double>() : 0;
  c.add(name + ": measured duration", seconds >= l.min_measured_s, "warning",
        fmt("%.1f s measured", seconds) + fmt(" (MLPerf Power asks at least %.0f s)", l.min_measured_s));
}

/// Estimated energy from a CPU the coefficient table does not know rests on a vendor mean.
void estimate_row(Checks& c, const json& results) {
  for (const auto& src : field(results, "power_source")) {
    const json& e = field(src, "estimate");
    if (field(src, "primary") != true || !e.is_object() || text_or(e, "method") != "coefficients") continue;
    const bool known = field(e, "fallback") != true;
    c.add("estimate coefficients", known, "warning",
          known ? "row " + text_or(e, "architecture") + " for " + text_or(e, "cpu") : text_or(e, "warning"));
  }
}

}  // namespace

json validity(const json& results, const ValidityLimits& limits) {
  Checks c;
  const bool complete = field(results, "complete") == true;
  c.add("run complete", complete, "invalid", complete ? "every stage ran" : "interrupted: partial results");
  c.add("full run", field(results, "quick") != true, "warning",
        field(results, "quick") == true ? "--quick: short windows below the method's minimum durations"
                                        : "full durations");
  const json& emulated = field(field(results, "machine"), "emulated");
  c.add("native execution", !emulated.is_string(), "invalid",
        emulated.is_string() ? "EMULATED: " + emulated.get<std::string>() +
                                   "; timings and energy per unit describe the emulator, not the hardware"
                             : "no emulator detected");
  const bool measured = field(results, "energy_kind") == "measured";
  c.add("energy measured", measured, "warning",
        measured ? "from " + field(results, "energy_sensor").dump()
                 : "ESTIMATED: no power sensor; energy comes from a utilisation model");
  estimate_row(c, results);
  // A site run has no idle stage: its phases (front alone, back alone, co-run) are its baselines.
  if (!field(results, "site").is_object()) {
    const json& idle = field(results, "idle");
    c.add("idle baseline", field(idle, "ok") == true, "invalid",
          field(idle, "ok") == true ? "idle power measured before any load" : "no idle baseline energy");
    background(c, "idle", field(idle, "background"), limits);
  }
  // The site's phases compare with each other and with a plan: each must have had the machine.
  const json& site_background = field(field(results, "site"), "background");
  if (site_background.is_object()) {
    for (const char* phase : {"front_alone", "back_alone", "corun"})
      background(c, std::string("site ") + phase, field(site_background, phase), limits);
  }
  for (const auto& w : field(results, "workloads")) workload(c, w, limits);
  const json& before = field(field(results, "limiters"), "before");
  const json& after = field(field(results, "limiters"), "after");
  if (after.is_array()) {
    c.add("limiters unchanged", before == after, "invalid",
          before == after ? "every hardware limiter reads the same after the run as before"
                          : "a hardware limiter differs after the run: the machine was not left as found");
  }
  return c.result();
}

std::string verdict_line(const json& v) {
  std::vector<std::string> failed;
  for (const auto& c : field(v, "checks")) {
    if (field(c, "ok") == false)
      failed.push_back(field(c, "name").get<std::string>() + " (" + field(c, "detail").get<std::string>() +
                       ")");
  }
  const std::string verdict = field(v, "verdict").is_string() ? v["verdict"].get<std::string>() : "?";
  if (verdict == "valid") return "Result is VALID";
  std::string line = verdict == "invalid" ? "Result is INVALID" : "Result is VALID WITH WARNINGS";
  line += " (" + std::to_string(failed.size()) + "): ";
  for (std::size_t i = 0; i < failed.size(); ++i) line += (i ? "; " : "") + failed[i];
  return line;
}

}  // namespace joulebench::suite
