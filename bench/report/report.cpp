// report.html: inline SVG charts (no scripts, no network), each with its numbers in a table
// beside it. Estimated energy is labelled on every chart and table that shows it.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "joulebench/platform/stats.hpp"
#include "joulebench/power/sysfs.hpp"
#include "report/chart.hpp"
#include "report/page_series.hpp"
#include "report/pages.hpp"
#include "results/outputs.hpp"
#include "results/si.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
using html::esc;

std::string td(const std::string& s) { return "<td>" + esc(s) + "</td>"; }
std::string tdl(const std::string& s) { return "<td class='l'>" + esc(s) + "</td>"; }
std::string pct(const json& v, int digits = 3) {
  return v.is_number() ? cli::sig(100 * v.get<double>(), digits) + "%" : "-";
}
std::string ms_text(const json& v) { return cli::si(number_or_nan(v) / 1e3, "s"); }

struct Kind {
  bool est;
  std::string word() const { return est ? "estimated" : "measured"; }
  std::string tag() const { return est ? " (ESTIMATED)" : " (measured)"; }
};

std::map<std::string, std::vector<const json*>> curve_by_actuator(const json& w) {
  std::map<std::string, std::vector<const json*>> out;
  for (const auto& p : field(w, "curve"))
    if (field(p, "actuator").is_string()) out[p["actuator"].get<std::string>()].push_back(&p);
  return out;
}

std::string banners(const json& r, const Kind& k) {
  std::ostringstream s;
  if (r.value("quick", false))
    s << "<div class='banner quick'>QUICK RUN: short windows and few repeats, a smoke test. Do not compare "
         "or "
         "publish these figures; run without --quick for numbers.</div>";
  if (!r.value("complete", false))
    s << "<div class='banner invalid'>INCOMPLETE: the run was interrupted; what is here is what "
         "finished.</div>";
  const std::string verdict = text_or(field(r, "validity"), "verdict", "unknown");
  s << "<div class='banner "
    << (verdict == "valid"     ? "valid"
        : verdict == "invalid" ? "invalid"
                               : "warning")
    << "'>Verdict: " << esc(verdict == "warnings" ? "VALID WITH WARNINGS" : verdict) << ".";
  for (const auto& c : field(field(r, "validity"), "checks"))
    if (!c.value("ok", true)) s << "<br>" << esc(text_or(c, "severity")) << ": " << esc(text_or(c, "detail"));
  s << "</div>";
  if (k.est)
    s << "<p class='est'>No readable power sensor: every energy figure here is <b>estimated</b> by a "
         "utilisation model ("
      << esc(text_or(r, "energy_sensor")) << "), not measured.</p>";
  return s.str();
}

// "1.02x onednn (brg:avx512_core)", "not compared: why", or "-" (not an inference workload).
std::string library_text(const json& l) {
  if (!l.is_object()) return "-";
  if (!field(l, "ratio").is_number()) return "not compared: " + text_or(l, "reason");
  return cli::sig(l["ratio"].get<double>(), 3) + "x " + text_or(l, "library") + " (" +
         text_or(l, "implementation") + ")";
}

std::string headline_table(const json& r, const Kind& k) {
  std::ostringstream s;
  s << "<div class='wide'><table><tr><th class='l'>workload</th><th>work per J</th><th>J/unit gross</th>"
       "<th>J/unit net of idle</th><th>throughput</th><th>power</th><th>energy</th><th class='l'>kernel, "
       "threads</th><th class='l'>kernel vs library</th></tr>";
  for (const auto& w : field(r, "workloads")) {
    if (!field(w, "throughput_per_s").is_number()) continue;
    const std::string u = cli::unit_symbol(text_or(w, "unit", "unit"));
    const double gross = number_or_nan(field(field(w, "joules_per_unit"), "gross"));
    s << "<tr>" << tdl(text_or(w, "name")) << "<td><b>" << esc(cli::si(gross > 0 ? 1 / gross : NAN, u + "/J"))
      << "</b></td>" << td(cli::si(gross, "J/" + text_or(w, "unit")))
      << td(cli::si(number_or_nan(field(field(w, "joules_per_unit"), "net")), "J/" + text_or(w, "unit")))
      << td(cli::si(number_or_nan(field(w, "throughput_per_s")), u + "/s"))
      << td(cli::si(number_or_nan(field(w, "watts")), "W")) << td(k.word())
      << tdl(text_or(w, "kernel") + ", " + std::to_string(w.value("threads", 0)))
      << tdl(library_text(field(w, "kernel_vs_library"))) << "</tr>";
  }
  s << "</table></div><p>Idle " << esc(cli::si(number_or_nan(field(field(r, "idle"), "watts")), "W")) << " ("
    << k.word() << "). Net figures subtract idle power (see <a href='#disclosure'>method</a>).</p>";
  return s.str();
}

// One curve point's p5..p95 throughput spread, when the results have it.
void add_point(html::Series& l, double x, const json& p, double y) {
  l.x.push_back(x);
  l.y.push_back(y);
  const json& sp = field(field(p, "spread"), "throughput_per_s");
  l.y_lo.push_back(number_or_nan(field(sp, "p5")));
  l.y_hi.push_back(number_or_nan(field(sp, "p95")));
}

// Points no other point beats on both throughput and work per joule, by throughput.
html::Series frontier(const std::vector<std::pair<double, double>>& pts) {
  html::Series f{"efficiency frontier", {}, {}, {}, {}, false, true, 6};
  for (const auto& [t, e] : pts) {
    bool dominated = false;
    for (const auto& [t2, e2] : pts) dominated |= (t2 >= t && e2 >= e && (t2 > t || e2 > e));
    if (!dominated) f.x.push_back(t), f.y.push_back(e);
  }
  std::vector<std::size_t> order(f.x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return f.x[a] < f.x[b]; });
  html::Series sorted = f;
  for (std::size_t i = 0; i < order.size(); ++i) sorted.x[i] = f.x[order[i]], sorted.y[i] = f.y[order[i]];
  return sorted;
}

std::string ladder_table(const json& w, const std::string& actuator, const std::vector<const json*>& pts,
                         const Kind& k) {
  const std::string u = cli::unit_symbol(text_or(w, "unit", "unit"));
  const bool latency = field(w, "latency_ms").is_object();
  std::ostringstream s;
  s << "<table><tr><th>" << esc(actuator) << "</th><th>W" << (k.est ? " (est.)" : "") << "</th><th>" << esc(u)
    << "/s</th><th>p5..p95</th><th>" << esc(u) << "/J</th>" << (latency ? "<th>p50</th><th>p99</th>" : "")
    << "<th>binding</th></tr>";
  for (const json* p : pts) {
    const double jpu = number_or_nan(field(field(*p, "joules_per_unit"), "gross"));
    const json& sp = field(field(*p, "spread"), "throughput_per_s");
    s << "<tr>" << td(pct(field(*p, "level"), 3)) << td(cli::si(number_or_nan(field(*p, "watts")), "W"))
      << td(cli::si(number_or_nan(field(*p, "throughput_per_s")), ""))
      << td(cli::si(number_or_nan(field(sp, "p5")), "") + ".." + cli::si(number_or_nan(field(sp, "p95")), ""))
      << td(cli::si(jpu > 0 ? 1 / jpu : NAN, ""));
    if (latency)
      s << td(ms_text(field(field(*p, "latency_ms"), "p50")))
        << td(ms_text(field(field(*p, "latency_ms"), "p99")));
    s << td(pct(field(*p, "cap_binding_fraction"))) << "</tr>";
  }
  return s.str() + "</table>";
}

std::string curve_figures(const json& r, const json& w, const Kind& k) {
  const std::string unit = text_or(w, "unit", "unit"), u = cli::unit_symbol(unit);
  const auto by = curve_by_actuator(w);
  html::Chart tvw{.title = "Throughput vs power" + k.tag(),
                  .x = {.label = "power", .unit = "W"},
                  .y = {.label = "throughput", .unit = u + "/s"},
                  .note = "error bars: p5..p95 of the throughput bins at each level"};
  html::Chart eff{.title = "Efficiency frontier" + k.tag(),
                  .x = {.label = "throughput", .unit = u + "/s"},
                  .y = {.label = "work per joule", .unit = u + "/J"},
                  .note = "dashed: points no other level beats on both axes"};
  const html::Axis level_axis{.label = "cap level", .unit = "%", .min = 0.0, .max = 100.0};
  html::Chart lvl{
      .title = "Throughput vs cap level", .x = level_axis, .y = {.label = "throughput", .unit = u + "/s"}};
  html::Chart lat{.title = "Latency vs cap level (p50 solid, p99 dashed)",
                  .x = level_axis,
                  .y = {.label = "latency", .unit = "s"}};
  std::vector<std::pair<double, double>> all;
  int ci = 0;
  for (const auto& [a, pts] : by) {
    html::Series t{a, {}, {}, {}, {}, true, false, ci}, e{a, {}, {}, {}, {}, true, false, ci},
        l{a, {}, {}, {}, {}, true, false, ci}, p50{a + " p50", {}, {}, {}, {}, true, false, ci},
        p99{a + " p99", {}, {}, {}, {}, true, true, ci};
    for (const json* p : pts) {
      const double thr = number_or_nan(field(*p, "throughput_per_s")),
                   jpu = number_or_nan(field(field(*p, "joules_per_unit"), "gross"));
      const double level = 100 * number_or_nan(field(*p, "level"));
      add_point(t, number_or_nan(field(*p, "watts")), *p, thr);
      add_point(l, level, *p, thr);
      if (jpu > 0) e.x.push_back(thr), e.y.push_back(1 / jpu), all.emplace_back(thr, 1 / jpu);
      const json& lm = field(*p, "latency_ms");
      if (field(lm, "p50").is_number())
        p50.x.push_back(level), p50.y.push_back(lm["p50"].get<double>() / 1e3);
      if (field(lm, "p99").is_number())
        p99.x.push_back(level), p99.y.push_back(lm["p99"].get<double>() / 1e3);
    }
    tvw.series.push_back(t), eff.series.push_back(e), lvl.series.push_back(l);
    if (!p50.x.empty()) lat.series.push_back(p50), lat.series.push_back(p99);
    ++ci;
  }
  const double idle = number_or_nan(field(field(r, "idle"), "watts"));
  if (std::isfinite(idle)) {  // the power axis starts at idle: below it the machine draws nothing less
    tvw.markers.push_back({idle, "idle " + cli::si(idle, "W")});
    tvw.x.min = idle;
  }
  if (all.size() > 1) eff.series.push_back(frontier(all));
  std::ostringstream tables;
  for (const auto& [a, pts] : by) tables << ladder_table(w, a, pts, k);
  std::string out = html::row(html::figure(html::render(tvw), tables.str()));
  std::string more = html::figure(html::render(eff), "") + html::figure(html::render(lvl), "");
  if (!lat.series.empty()) more += html::figure(html::render(lat), "");
  return out + html::row(more);
}

// The level the signal settles to: the median of the hold's second half (what `settle` judges against).
double settled_level(const html::Series& s, double hold_ms) {
  std::vector<double> v;
  for (std::size_t i = 0; i < s.x.size(); ++i)
    if (s.x[i] >= hold_ms / 2 && s.x[i] < hold_ms) v.push_back(s.y[i]);
  return v.empty() ? NAN : platform::percentile(v, 50);
}

std::string step_figures(const json& w, const json& st, const json& timeseries, double hold_ms) {
  const std::string a = text_or(st, "actuator"), u = cli::unit_symbol(text_or(w, "unit", "unit"));
  const html::Series thr = step_throughput(timeseries, w, st, "throughput", 0);
  std::vector<html::Marker> marks{{0, "cap command"}, {hold_ms, "restore"}};
  for (const auto& [key, name] :
       {std::pair{"react_ms", "react"}, {"t50_ms", "t50"}, {"t90_ms", "t90"}, {"settle_ms", "settle"}}) {
    if (field(st, key).is_number()) marks.push_back({st[key].get<double>(), name});
  }
  const double level = settled_level(thr, hold_ms), band = number_or_nan(field(st, "band_pct")) / 100;
  std::vector<html::Band> bands;
  if (std::isfinite(level) && std::isfinite(band))
    bands.push_back({level * (1 - band), level * (1 + band), "settle band ±" + cli::sig(100 * band, 3) + "%",
                     0.0, hold_ms});
  const std::string title =
      esc(text_or(w, "name")) + ", " + a + " 100% → " + pct(field(st, "to_level"), 3) + " → 100%";
  const html::Axis y{.label = "throughput", .unit = u + "/s"};
  html::Chart full{
      .title = "Step " + title + " (first repeat)",
      .x = {.label = "time after the cap command", .unit = "s", .from_zero = false},
      .y = y,
      .series = {thr},
      .markers = marks,
      .bands = bands,
      .note = "rate over " + cli::sig(number_or_nan(field(st, "signal_window_ms")), 3) + " ms windows"};
  for (auto& x : full.series[0].x) x /= 1e3;
  for (auto& m : full.markers) m.x /= 1e3;
  for (auto& b : full.bands) *b.x_lo /= 1e3, *b.x_hi /= 1e3;
  html::Chart zoom{.title = "Zoom: −20 … +100 ms",
                   .x = {.label = "time after the cap command", .unit = "ms", .min = -20.0, .max = 100.0},
                   .y = y,
                   .series = {thr},
                   .markers = marks,
                   .bands = bands};
  std::ostringstream t;
  t << "<table><tr><th></th><th>median</th><th>p95</th></tr>";
  for (const auto& [key, name] : {std::pair{"react_ms", "react (t10)"},
                                  {"t50_ms", "t50"},
                                  {"t90_ms", "t90"},
                                  {"settle_ms", "settle"}}) {
    t << "<tr><th class='l'>" << name << "</th>" << td(ms_text(field(st, key)))
      << td(ms_text(field(st, (std::string(key).substr(0, std::string(key).size() - 3) + "_ms_p95").c_str())))
      << "</tr>";
  }
  t << "<tr><th class='l'>band / noise</th>" << td(cli::sig(number_or_nan(field(st, "band_pct")), 3) + "%")
    << td(cli::sig(number_or_nan(field(st, "noise_pct")), 3) + "%") << "</tr>";
  t << "<tr><th class='l'>overshoot</th>" << td(cli::sig(number_or_nan(field(st, "overshoot_pct")), 3) + "%")
    << td(cli::sig(number_or_nan(field(st, "overshoot_pct_p95")), 3) + "%") << "</tr>";
  t << "<tr><th class='l'>repeats, unsettled</th>" << td(std::to_string(st.value("repeats", 0)))
    << td(std::to_string(st.value("unsettled", 0))) << "</tr></table>";
  if (!field(st, "settle_ms").is_number())
    t << "<p>settle -: no repeat stayed inside the band before the hold ended.</p>";
  if (field(st, "power_note").is_string()) t << "<p>" << esc(st["power_note"].get<std::string>()) << "</p>";
  return "<h3>" + title + "</h3>" +
         html::row(html::figure(html::render(full), "") + html::figure(html::render(zoom), "")) +
         "<div class='wide'>" + t.str() + "</div>";
}

std::string workload_section(const json& r, const json& w, const json& timeseries, const Kind& k) {
  std::ostringstream s;
  s << "<h2 id='" << esc(text_or(w, "name")) << "'>" << esc(text_or(w, "name")) << " <small>"
    << esc(text_or(w, "unit")) << ", kernel " << esc(text_or(w, "kernel")) << ", " << w.value("threads", 0)
    << " threads</small></h2>";
  s << curve_figures(r, w, k);
  const json& hold = field(field(r, "method"), "step_hold_s");
  const double hold_ms = 1e3 * (hold.is_number() ? hold.get<double>() : 1.0);
  for (const auto& st : field(w, "steps"))
    if (text_or(st, "direction") == "down") s << step_figures(w, st, timeseries, hold_ms);
  return s.str();
}

html::Series series_line(const std::string& name, const json& series, const char* key, int color) {
  html::Series l{name, {}, {}, {}, {}, false, false, color};
  const json& t = field(series, "t_s");
  const json& y = field(series, key);
  for (std::size_t i = 0; i < t.size() && i < y.size(); ++i) {
    if (!t[i].is_number() || !y[i].is_number()) continue;
    l.x.push_back(t[i].get<double>());
    l.y.push_back(y[i].get<double>());
  }
  return l;
}

html::Series latency_line(const std::string& name, const json& series, int color) {
  html::Series l{name, {}, {}, {}, {}, true, false, color};
  for (const auto& p : field(series, "latency_ms")) {
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) continue;
    l.x.push_back(p[0].get<double>());
    l.y.push_back(p[1].get<double>() / 1e3);
  }
  return l;
}

html::Series latency_cdf(const std::string& name, const json& series, int color) {
  std::vector<double> s = latency_line(name, series, color).y;
  std::sort(s.begin(), s.end());
  html::Series l{name, {}, {}, {}, {}, false, false, color};
  for (std::size_t i = 0; i < s.size(); ++i)
    l.x.push_back(s[i]), l.y.push_back(100.0 * static_cast<double>(i + 1) / static_cast<double>(s.size()));
  return l;
}

std::string site_table(const json& site) {
  const json& front = field(site, "front");
  std::ostringstream s;
  s << "<table><tr><th></th><th>p50</th><th>p99</th><th>p99.9</th><th>SLO met</th><th>hash rate</th>"
       "<th>W mean</th><th>W std</th></tr>";
  // Three phases of one stream: the front alone mines nothing, the back alone serves nothing.
  for (const std::string phase : {"front alone", "back alone", "co-run"}) {
    const json& l = phase == "back alone"
                        ? json()
                        : field(field(front, "latency_ms"), phase == "co-run" ? "corun" : "alone");
    const json& p = field(field(site, "power"), phase == "front alone"  ? "front_alone"
                                                : phase == "back alone" ? "back_alone"
                                                                        : "corun");
    const json& h = phase == "front alone" ? json()
                                           : field(field(field(site, "back"), "units_per_s"),
                                                   phase == "co-run" ? "corun" : "alone");
    s << "<tr><th class='l'>" << phase << "</th>" << td(ms_text(field(l, "p50")))
      << td(ms_text(field(l, "p99"))) << td(ms_text(field(l, "p999")))
      << td(pct(field(l, "slo_attainment"), 4)) << td(cli::si(number_or_nan(h), "H/s"))
      << td(cli::si(number_or_nan(field(p, "mean")), "W")) << td(cli::si(number_or_nan(field(p, "std")), "W"))
      << "</tr>";
  }
  return s.str() + "</table>";
}

// Per budget phase: was it feasible with the front whole, and how well was it held; then each
// budget change as a step of site power. Empty without a budget.
std::string budget_table(const json& site, const Kind& k) {
  const json& phases = field(field(site, "power"), "phases");
  if (!phases.is_array() || phases.empty()) return "";
  const json& feas = field(site, "feasibility");
  std::ostringstream s;
  s << "<h3>Budget adherence" << esc(k.tag()) << "</h3><p>Front alone at the offered load "
    << esc(cli::si(number_or_nan(field(feas, "front_alone_watts")), "W")) << "; the controller holds "
    << esc(cli::si(number_or_nan(field(feas, "margin_watts")), "W"))
    << " (2σ of its 100 ms bins) below the budget; policy when infeasible: "
    << esc(text_or(feas, "policy", "?")) << ".</p><div class='wide'><table><tr><th>from</th><th>to</th>"
    << "<th>budget</th><th class='l'>feasible</th><th>mean</th><th>bins over</th><th>energy over</th></tr>";
  const json& fp = field(feas, "phases");
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const json& ph = phases[i];
    const json& f = fp.is_array() && i < fp.size() ? fp[i] : json();
    s << "<tr>" << td(cli::si(number_or_nan(field(ph, "from_s")), "s"))
      << td(cli::si(number_or_nan(field(ph, "to_s")), "s"))
      << td(cli::si(number_or_nan(field(ph, "budget_watts")), "W"))
      << tdl(field(f, "feasible").is_boolean()
                 ? (f["feasible"].get<bool>() ? "yes" : "NO: the front alone exceeds it")
                 : "-")
      << td(cli::si(number_or_nan(field(ph, "mean_watts")), "W"))
      << td(pct(field(ph, "over_budget_fraction"), 3))
      << td(cli::si(number_or_nan(field(ph, "over_budget_joules")), "J")) << "</tr>";
  }
  s << "</table></div>";
  const json& steps = field(site, "budget_steps");
  if (!steps.is_array() || steps.empty()) return s.str();
  s << "<div "
       "class='wide'><table><tr><th>at</th><th>to</th><th>t10</th><th>t50</th><th>t90</th><th>settle</th>"
       "<th>band</th><th>inside budget after</th></tr>";
  for (const auto& st : steps) {
    const json& ps = field(st, "power_step");
    s << "<tr>" << td(cli::si(number_or_nan(field(st, "t_s")), "s"))
      << td(cli::si(number_or_nan(field(st, "to_watts")), "W")) << td(ms_text(field(ps, "react_ms")))
      << td(ms_text(field(ps, "t50_ms"))) << td(ms_text(field(ps, "t90_ms")))
      << td(ms_text(field(ps, "settle_ms"))) << td(cli::sig(number_or_nan(field(ps, "band_pct")), 3) + "%")
      << td(ms_text(field(st, "time_to_within_ms"))) << "</tr>";
  }
  return s.str() + "</table></div>";
}

std::string site_section(const json& site, const Kind& k) {
  const json& co = field(field(site, "series"), "corun");
  const json& alone = field(field(site, "series"), "alone");
  std::ostringstream s;
  s << "<h2 id='site'>Site: " << esc(text_or(field(site, "front"), "workload", "?"))
    << " in front, sha256d behind</h2>";
  const html::Axis time{.label = "time", .unit = "s"};
  html::Chart power{
      .title = "Site power over time" + k.tag(),
      .x = time,
      .y = {.label = "power", .unit = "W"},
      .series = {series_line("co-run", co, "watts", 0), series_line("front alone", alone, "watts", 1)}};
  if (!field(co, "budget_watts").empty())
    power.series.push_back(series_line("budget", co, "budget_watts", 2));
  s << html::row(html::figure(html::render(power), site_table(site)));
  s << budget_table(site, k);
  std::string more = html::figure(
      html::render({.title = "Request latency over time",
                    .x = {.label = "arrival time", .unit = "s"},
                    .y = {.label = "latency", .unit = "s"},
                    .series = {latency_line("co-run", co, 0), latency_line("front alone", alone, 1)}}),
      "");
  more += html::figure(html::render({.title = "Hash rate over time (co-run)",
                                     .x = time,
                                     .y = {.label = "hash rate", .unit = "H/s"},
                                     .series = {series_line("co-run", co, "hashes_per_s", 0)}}),
                       "");
  more += html::figure(
      html::render({.title = "Latency CDF",
                    .x = {.label = "latency", .unit = "s"},
                    .y = {.label = "requests", .unit = "%"},
                    .series = {latency_cdf("co-run", co, 0), latency_cdf("front alone", alone, 1)}}),
      "");
  s << html::row(more);
  return s.str();
}

// Nested objects flatten into dotted keys (build.compiler) rather than raw JSON.
void kv_rows(std::ostringstream& s, const json& obj, const std::string& prefix, int depth = 0) {
  for (const auto& [key, v] : obj.items()) {
    if (v.is_object() && depth < 3) {  // deeper: shown as JSON (a hostile file cannot recurse us away)
      kv_rows(s, v, prefix + key + ".", depth + 1);
      continue;
    }
    s << "<tr><th class='l'>" << esc(prefix + key) << "</th>"
      << tdl(v.is_string() ? v.get<std::string>() : v.dump()) << "</tr>";
  }
}

std::string kv_table(const json& obj) {
  std::ostringstream s;
  s << "<table>";
  kv_rows(s, obj, "");
  return s.str() + "</table>";
}

std::string limiter_rows(const json& r) {
  std::ostringstream s;
  s << "<table><tr><th class='l'>limiter</th><th>before</th><th>after</th><th class='l'>note</th></tr>";
  const json& before = field(field(r, "limiters"), "before");
  const json& after = field(field(r, "limiters"), "after");
  for (std::size_t i = 0; i < before.size(); ++i) {
    const json& b = before[i];
    const json& a = i < after.size() ? after[i] : json();
    const std::string unit = text_or(b, "unit");
    s << "<tr>" << tdl(text_or(b, "name")) << td(cli::si(number_or_nan(field(b, "value")), unit))
      << td(cli::si(number_or_nan(field(a, "value")), unit)) << tdl(text_or(b, "reason")) << "</tr>";
  }
  return s.str() + "</table>";
}

std::string disclosure(const json& r) {
  std::ostringstream s;
  s << "<h2 id='disclosure'>Disclosure</h2><h3>Machine and build</h3><div class='wide'>"
    << kv_table(field(r, "machine")) << kv_table(field(r, "tool")) << "</div><h3>Kernels</h3>"
    << kv_table(field(r, "kernels"))
    << "<h3>Sensors</h3><div class='wide'><table><tr><th class='l'>sensor</th>"
    << "<th class='l'>kind</th><th>update interval</th><th>primary</th><th class='l'>source</th></tr>";
  for (const auto& p : field(r, "power_source"))
    s << "<tr>" << tdl(text_or(p, "name")) << tdl(text_or(p, "kind"))
      << td(cli::si(number_or_nan(field(p, "update_interval_s")), "s"))
      << td(p.value("primary", false) ? "yes" : "") << tdl(text_or(p, "path")) << "</tr>";
  for (const auto& p : field(r, "power_source_unavailable"))
    s << "<tr>" << tdl(text_or(p, "name")) << tdl("unavailable") << td("-") << td("")
      << tdl(text_or(p, "reason")) << "</tr>";
  s << "</table></div><p>Rule: " << esc(text_or(r, "primary_rule")) << "</p>";
  for (const auto& p : field(r, "power_source")) {
    if (!field(p, "estimate").is_object()) continue;
    s << "<h3>Estimated model of " << esc(text_or(p, "name")) << "</h3><div class='wide'>"
      << kv_table(p["estimate"]) << "</div>";
  }
  s << "<h3>Limiters before and after the run</h3><div class='wide'>" << limiter_rows(r) << "</div>";
  s << "<h3>Method</h3><div class='wide'>" << kv_table(field(r, "method"))
    << "</div><p>The full method: results/METHOD.md in the joulebench source.</p>";
  s << "<h3>Validity checks</h3><div class='wide'><table><tr><th class='l'>check</th><th>result</th>"
       "<th class='l'>detail</th></tr>";
  for (const auto& c : field(field(r, "validity"), "checks"))
    s << "<tr>" << tdl(text_or(c, "name")) << "<td class='" << (c.value("ok", false) ? "good'>ok" : "bad'>")
      << (c.value("ok", false) ? "" : esc(text_or(c, "severity"))) << "</td>" << tdl(text_or(c, "detail"))
      << "</tr>";
  return s.str() + "</table></div>";
}

}  // namespace

html::Series step_throughput(const json& timeseries, const json& workload, const json& step,
                             const std::string& name, int color) {
  html::Series l{name, {}, {}, {}, {}, false, false, color};
  const double level = number_or_nan(field(step, "to_level"));
  for (const auto& row : timeseries) {
    if (row[0] == field(workload, "name") && row[1] == field(step, "actuator") &&
        std::fabs(row[2].get<double>() - level) < 1e-9 && row[4].is_number()) {
      l.x.push_back(row[3]);
      l.y.push_back(row[4]);
    }
  }
  return l;
}

std::string render_report(const json& results, const json& timeseries) {
  const Kind k{results.value("energy_kind", "estimated") != "measured"};
  std::ostringstream s;
  s << html::page_head("joulebench report") << "<h1>joulebench report</h1><p>"
    << esc(text_or(field(results, "machine"), "cpu", "?")) << " &middot; "
    << esc(text_or(field(results, "machine"), "hostname")) << " &middot; "
    << esc(text_or(results, "started_at")) << " &middot; <a href='#disclosure'>disclosure</a></p>";
  s << banners(results, k);
  if (!field(results, "workloads").empty()) s << headline_table(results, k);  // a site run has none
  for (const auto& w : field(results, "workloads")) s << workload_section(results, w, timeseries, k);
  if (field(results, "site").is_object()) s << site_section(results["site"], k);
  s << disclosure(results) << "</body></html>\n";
  return s.str();
}

}  // namespace joulebench::suite

namespace joulebench::suite {

void write_outputs(const std::filesystem::path& dir, const json& results, const json& timeseries) {
  write_data_files(dir, results, timeseries);
  power::write_file_atomically(dir / "report.html", render_report(results, timeseries));
  write_results_json(dir, results);
}

}  // namespace joulebench::suite
