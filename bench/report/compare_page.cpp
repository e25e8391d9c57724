// compare --html: both runs' curves and steps overlaid, with per-point deltas beside each chart.
#include <cmath>
#include <set>
#include <sstream>

#include "report/chart.hpp"
#include "report/page_series.hpp"
#include "report/pages.hpp"
#include "results/compare.hpp"
#include "results/outputs.hpp"
#include "results/si.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
using html::esc;

std::string delta(double base, double now) {
  if (!std::isfinite(base) || !std::isfinite(now) || base == 0) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", 100 * (now - base) / std::fabs(base));
  return b;
}
const json* find_named(const json& list, const json& name) {
  for (const auto& w : list)
    if (field(w, "name") == name) return &w;
  return nullptr;
}
const json* find_point(const json& w, const json& actuator, const json& level) {
  for (const auto& p : field(w, "curve"))
    if (field(p, "actuator") == actuator &&
        std::fabs(number_or_nan(field(p, "level")) - number_or_nan(level)) < 1e-9)
      return &p;
  return nullptr;
}

html::Series curve_line(const json& w, const std::string& actuator, const std::string& name, int color,
                        bool dashed) {
  html::Series l{name, {}, {}, {}, {}, true, dashed, color};
  for (const auto& p : field(w, "curve")) {
    if (text_or(p, "actuator") != actuator) continue;
    l.x.push_back(number_or_nan(field(p, "watts")));
    l.y.push_back(number_or_nan(field(p, "throughput_per_s")));
  }
  return l;
}

std::string point_deltas(const json& b, const json& n, const std::string& actuator) {
  const std::string u = cli::unit_symbol(text_or(n, "unit"));
  std::ostringstream s;
  s << "<table><tr><th>" << esc(actuator) << "</th><th>" << esc(u) << "/s base</th><th>new</th><th>Δ</th>"
    << "<th>J/" << esc(text_or(n, "unit")) << " base</th><th>new</th><th>Δ</th></tr>";
  for (const auto& p : field(n, "curve")) {
    if (text_or(p, "actuator") != actuator) continue;
    const json* q = find_point(b, field(p, "actuator"), field(p, "level"));
    const double tb = q ? number_or_nan(field(*q, "throughput_per_s")) : NAN,
                 tn = number_or_nan(field(p, "throughput_per_s"));
    const double jb = q ? number_or_nan(field(field(*q, "joules_per_unit"), "gross")) : NAN;
    const double jn = number_or_nan(field(field(p, "joules_per_unit"), "gross"));
    s << "<tr><td>" << cli::sig(100 * number_or_nan(field(p, "level")), 3) << "%</td><td>" << cli::si(tb, "")
      << "</td><td>" << cli::si(tn, "") << "</td><td>" << delta(tb, tn) << "</td><td>" << cli::si(jb, "J")
      << "</td><td>" << cli::si(jn, "J") << "</td><td>" << delta(jb, jn) << "</td></tr>";
  }
  return s.str() + "</table>";
}

std::string step_overlay(const json& b, const json& n, const json& bts, const json& nts) {
  std::ostringstream s;
  for (const auto& st : field(n, "steps")) {
    if (text_or(st, "direction") != "down") continue;
    const json* bs = nullptr;
    for (const auto& x : field(b, "steps"))
      if (field(x, "actuator") == field(st, "actuator") && field(x, "to_level") == field(st, "to_level") &&
          text_or(x, "direction") == "down")
        bs = &x;
    const std::string title = text_or(n, "name") + ", " + text_or(st, "actuator") + " → " +
                              cli::sig(100 * number_or_nan(field(st, "to_level")), 3) + "%";
    html::Chart zoom{
        .title = "Step " + title + ", −20 … +100 ms",
        .x = {.label = "time after the cap command", .unit = "ms", .min = -20.0, .max = 100.0},
        .y = {.label = "throughput", .unit = cli::unit_symbol(text_or(n, "unit")) + "/s"},
        .series = {step_throughput(bts, n, st, "base", 0), step_throughput(nts, n, st, "new", 1)},
        .markers = {{0, "cap command"}}};
    std::ostringstream t;
    t << "<table><tr><th></th><th>base</th><th>new</th><th>Δ</th></tr>";
    for (const char* key : {"react_ms", "t50_ms", "t90_ms", "settle_ms"}) {
      const double vb = bs ? number_or_nan(field(*bs, key)) : NAN, vn = number_or_nan(field(st, key));
      t << "<tr><th class='l'>" << std::string(key).substr(0, std::string(key).size() - 3) << "</th><td>"
        << cli::si(vb / 1e3, "s") << "</td><td>" << cli::si(vn / 1e3, "s") << "</td><td>" << delta(vb, vn)
        << "</td></tr>";
    }
    s << html::figure(html::render(zoom), t.str() + "</table>");
  }
  return s.str();
}

std::string changes_table(const CompareReport& rep) {
  std::ostringstream s;
  s << "<div class='wide'><table><tr><th class='l'>workload</th><th "
       "class='l'>metric</th><th>base</th><th>new</th>"
       "<th>change</th><th>noise</th><th class='l'>verdict</th></tr>";
  for (const auto& c : rep.changes) {
    const bool bad = c.verdict == "REGRESSION" || c.verdict == "missing";
    s << "<tr><td class='l'>" << esc(c.workload) << "</td><td class='l'>" << esc(c.metric) << "</td><td>"
      << cli::si(number_or_nan(c.base), "", 4) << "</td><td>" << cli::si(number_or_nan(c.now), "", 4)
      << "</td><td>" << delta(number_or_nan(c.base), number_or_nan(c.now)) << "</td><td>±"
      << cli::sig(c.noise_pct, 2) << "%</td><td class='l"
      << (bad                          ? " bad"
          : c.verdict == "improvement" ? " good"
                                       : "")
      << "'>" << esc(c.verdict) << "</td></tr>";
  }
  return s.str() + "</table></div>";
}

}  // namespace

std::string render_compare(const CompareInputs& in, const CompareReport& rep, const CompareOptions& o) {
  std::ostringstream s;
  s << html::page_head("joulebench compare") << "<h1>joulebench compare</h1><p>base: " << esc(in.base_name)
    << " &middot; new: " << esc(in.now_name) << " &middot; threshold " << cli::sig(o.threshold_pct, 3)
    << "%</p>";
  for (const auto& why : rep.not_comparable)
    s << "<div class='banner invalid'>" << (o.force ? "compared anyway (--force): " : "not comparable: ")
      << esc(why) << "</div>";
  s << "<div class='banner " << (rep.regression ? "invalid'>REGRESSION" : "valid'>no regression") << "</div>";
  for (const json* r : {&in.base, &in.now})
    if (text_or(*r, "energy_kind") != "measured")
      s << "<p class='est'>" << (r == &in.base ? "base" : "new")
        << ": energy ESTIMATED (no power sensor), not measured.</p>";
  s << changes_table(rep);
  for (const auto& n : field(in.now, "workloads")) {
    const json* b = find_named(field(in.base, "workloads"), field(n, "name"));
    if (!b) continue;
    s << "<h2>" << esc(text_or(n, "name")) << "</h2>";
    std::set<std::string> actuators;
    for (const auto& p : field(n, "curve")) actuators.insert(text_or(p, "actuator"));
    std::string figs;
    for (const auto& a : actuators) {
      html::Chart c{.title = "Throughput vs power, " + a + " (base dashed)",
                    .x = {.label = "power", .unit = "W"},
                    .y = {.label = "throughput", .unit = cli::unit_symbol(text_or(n, "unit")) + "/s"},
                    .series = {curve_line(*b, a, "base", 0, true), curve_line(n, a, "new", 1, false)}};
      figs += html::figure(html::render(c), point_deltas(*b, n, a));
    }
    s << html::row(figs) << html::row(step_overlay(*b, n, in.base_timeseries, in.now_timeseries));
  }
  return s.str() + "</body></html>\n";
}

}  // namespace joulebench::suite
