// report.html: inline SVG charts (no scripts, no network). Estimated energy is labelled on every
// chart that shows it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "si.hpp"
#include "suite/outputs.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

struct Line {
  std::string name;
  std::vector<double> x, y;
  bool points = true;
};
struct Marker {
  double x;
  std::string label;
};

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

std::string num(double v) {
  if (std::fabs(v) < 1e-12) return "0";  // never "-0"
  char b[32];
  std::snprintf(b, sizeof b, std::fabs(v) >= 1e-3 && std::fabs(v) < 1e5 ? "%.4g" : "%.3g", v);
  return b;
}

double nice_step(double span) {
  const double raw = span / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

std::string svg_chart(const std::string& title, const std::string& xlabel, const std::string& ylabel,
                      const std::vector<Line>& lines, const std::vector<Marker>& markers = {}) {
  const double W = 580, H = 330, L = 70, R = 20, T = 30, B = 45;
  double x0 = 1e300, x1 = -1e300, y0 = 0, y1 = -1e300;
  for (const auto& l : lines) {
    for (double v : l.x) x0 = std::min(x0, v), x1 = std::max(x1, v);
    for (double v : l.y) y0 = std::min(y0, v), y1 = std::max(y1, v);
  }
  for (const auto& m : markers) x0 = std::min(x0, m.x), x1 = std::max(x1, m.x);
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H << "' class='chart'>";
  s << "<text x='" << W / 2 << "' y='18' text-anchor='middle' class='title'>" << esc(title) << "</text>";
  if (x1 < x0 || y1 <= y0) {
    s << "<text x='" << W / 2 << "' y='" << H / 2 << "' text-anchor='middle'>no data</text></svg>";
    return s.str();
  }
  if (x1 == x0) x1 = x0 + 1;
  y1 += 0.05 * (y1 - y0);
  const auto X = [&](double v) { return L + (v - x0) / (x1 - x0) * (W - L - R); };
  const auto Y = [&](double v) { return H - B - (v - y0) / (y1 - y0) * (H - T - B); };
  for (int axis = 0; axis < 2; ++axis) {
    const double lo = axis ? y0 : x0, hi = axis ? y1 : x1, step = nice_step(hi - lo);
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-12; v += step) {
      if (axis) {
        s << "<line x1='" << L << "' x2='" << W - R << "' y1='" << Y(v) << "' y2='" << Y(v)
          << "' class='grid'/>";
        s << "<text x='" << L - 6 << "' y='" << Y(v) + 4 << "' text-anchor='end'>" << num(v) << "</text>";
      } else {
        s << "<line x1='" << X(v) << "' x2='" << X(v) << "' y1='" << T << "' y2='" << H - B
          << "' class='grid'/>";
        s << "<text x='" << X(v) << "' y='" << H - B + 16 << "' text-anchor='middle'>" << num(v) << "</text>";
      }
    }
  }
  s << "<text x='" << (L + W - R) / 2 << "' y='" << H - 8 << "' text-anchor='middle'>" << esc(xlabel)
    << "</text>";
  s << "<text transform='translate(14," << (T + H - B) / 2 << ") rotate(-90)' text-anchor='middle'>"
    << esc(ylabel) << "</text>";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    const char* c = kColors[i % 6];
    s << "<polyline fill='none' stroke='" << c << "' stroke-width='1.5' points='";
    for (std::size_t k = 0; k < l.x.size(); ++k) s << X(l.x[k]) << "," << Y(l.y[k]) << " ";
    s << "'/>";
    if (l.points) {
      for (std::size_t k = 0; k < l.x.size(); ++k)
        s << "<circle cx='" << X(l.x[k]) << "' cy='" << Y(l.y[k]) << "' r='3' fill='" << c << "'/>";
    }
    s << "<text x='" << W - R - 4 << "' y='" << T + 14 + 14 * i << "' text-anchor='end' fill='" << c << "'>"
      << esc(l.name) << "</text>";
  }
  for (std::size_t i = 0; i < markers.size(); ++i) {  // labels stepped down so close markers stay legible
    const auto& m = markers[i];
    s << "<line x1='" << X(m.x) << "' x2='" << X(m.x) << "' y1='" << T << "' y2='" << H - B
      << "' class='marker'/>";
    s << "<text x='" << X(m.x) + 3 << "' y='" << T + 10 + 12 * static_cast<double>(i) << "' class='mlabel'>"
      << esc(m.label) << "</text>";
  }
  return s.str() + "</svg>";
}

std::string workload_section(const json& w, const json& results, const json& timeseries) {
  const bool est = results.value("energy_kind", "estimated") != "measured";
  const std::string tag = est ? " (energy ESTIMATED)" : " (energy measured)";
  const std::string unit = w.value("unit", "unit");
  std::map<std::string, Line> tvw, jvl;
  for (const auto& p : w.value("curve", json::array())) {
    const std::string a = field(p, "actuator");
    tvw[a].name = jvl[a].name = a;
    tvw[a].x.push_back(field(p, "watts"));
    tvw[a].y.push_back(field(p, "throughput_per_s"));
    jvl[a].x.push_back(100.0 * field(p, "level").get<double>());
    jvl[a].y.push_back(field(field(p, "joules_per_unit"), "gross"));
  }
  std::vector<Line> l1, l2;
  for (auto& [k, v] : tvw) l1.push_back(v);
  for (auto& [k, v] : jvl) l2.push_back(v);
  std::ostringstream s;
  s << "<h2>" << esc(w.value("name", "?")) << " <small>" << esc(unit) << ", kernel "
    << esc(w.value("kernel", "?")) << ", " << w.value("threads", 0) << " threads</small></h2>";
  if (w.contains("throughput_per_s")) {
    s << "<p>" << num(field(w, "throughput_per_s")) << " " << esc(unit) << "/s at " << num(field(w, "watts"))
      << " W" << (est ? " (estimated)" : " (measured)") << "; "
      << num(field(field(w, "joules_per_unit"), "gross")) << " J/" << esc(unit) << " gross, "
      << num(field(field(w, "joules_per_unit"), "net")) << " net" << (est ? " (estimated)" : "") << ".</p>";
  }
  s << svg_chart("Throughput vs power" + tag, "watts" + std::string(est ? " (estimated)" : ""), unit + "/s",
                 l1);
  s << svg_chart("Energy per " + unit + " vs cap level" + tag, "cap level (% of max)",
                 "J/" + unit + std::string(est ? " (estimated)" : ""), l2);
  const json& hold = field(field(results, "method"), "step_hold_s");
  const double hold_ms = 1e3 * (hold.is_number() ? hold.get<double>() : 1.0);
  for (const auto& st : w.value("steps", json::array())) {
    if (st.value("direction", "") != "down") continue;
    const std::string a = field(st, "actuator");
    Line thr{"throughput", {}, {}, false};
    const json& level = field(st, "to_level");
    for (const auto& r : timeseries) {
      if (r[0] == field(w, "name") && r[1] == a && level.is_number() &&
          std::fabs(r[2].get<double>() - level.get<double>()) < 1e-9) {
        thr.x.push_back(r[3]);
        thr.y.push_back(r[4]);
      }
    }
    std::vector<Marker> marks{{0, "cap"}, {hold_ms, "restore"}};
    if (!field(st, "react_ms").is_null()) marks.push_back({field(st, "react_ms").get<double>(), "react"});
    if (!field(st, "settle_ms").is_null()) marks.push_back({field(st, "settle_ms").get<double>(), "settle"});
    s << svg_chart("Step response, " + a + " 100% -> " +
                       num(100 * field(st, "to").get<double>() / field(st, "from").get<double>()) +
                       "% -> 100% (first repeat)",
                   "ms after the cap command", unit + "/s", {thr}, marks);
  }
  return s.str();
}

std::string text_of(const json& j, const char* key, const std::string& fallback = "") {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

// Series of (t, y) from two parallel arrays of a site series object; null points are skipped.
Line series_line(const std::string& name, const json& series, const char* key, bool points = false) {
  Line l{name, {}, {}, points};
  const json& t = field(series, "t_s");
  const json& y = field(series, key);
  for (std::size_t i = 0; i < t.size() && i < y.size(); ++i) {
    if (!t[i].is_number() || !y[i].is_number()) continue;
    l.x.push_back(t[i].get<double>());
    l.y.push_back(y[i].get<double>());
  }
  return l;
}

Line latency_line(const std::string& name, const json& series) {
  Line l{name, {}, {}, true};
  for (const auto& r : field(series, "latency_ms")) {
    if (!r.is_array() || r.size() < 2 || !r[0].is_number() || !r[1].is_number()) continue;
    l.x.push_back(r[0].get<double>());
    l.y.push_back(r[1].get<double>());
  }
  return l;
}

// Empirical CDF of the served requests' latency.
Line latency_cdf(const std::string& name, const json& series) {
  std::vector<double> ms = latency_line(name, series).y;
  std::sort(ms.begin(), ms.end());
  Line l{name, {}, {}, false};
  for (std::size_t i = 0; i < ms.size(); ++i) {
    l.x.push_back(ms[i]);
    l.y.push_back(100.0 * static_cast<double>(i + 1) / static_cast<double>(ms.size()));
  }
  return l;
}

std::string site_section(const json& site, bool est) {
  std::ostringstream s;
  const json& front = field(site, "front");
  const json& co = field(field(site, "series"), "corun");
  const json& alone = field(field(site, "series"), "alone");
  const std::string tag = est ? " (estimated)" : " (measured)";
  s << "<h2>Site: " << esc(text_of(front, "workload", "?")) << " in front, sha256d behind</h2>";
  s << "<table><tr><th></th><th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>SLO met</th><th>hash rate</th>"
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
    const auto ms = [](const json& v) {
      return v.is_number() ? cli::sig(v.get<double>()) : std::string("-");
    };
    s << "<tr><th>" << phase << "</th><td>" << ms(field(l, "p50")) << "</td><td>" << ms(field(l, "p99"))
      << "</td><td>" << ms(field(l, "p999")) << "</td><td>"
      << (field(l, "slo_attainment").is_number() ? cli::sig(100 * l["slo_attainment"].get<double>(), 4) + "%"
                                                 : "-")
      << "</td><td>" << (h.is_number() ? cli::si(h.get<double>(), "H/s") : "-") << "</td><td>"
      << (field(p, "mean").is_number() ? cli::si(p["mean"].get<double>(), "W") : "-") << "</td><td>"
      << (field(p, "std").is_number() ? cli::si(p["std"].get<double>(), "W") : "-") << "</td></tr>";
  }
  s << "</table>";
  std::vector<Line> power{series_line("co-run" + tag, co, "watts"),
                          series_line("front alone" + tag, alone, "watts")};
  if (!field(co, "budget_watts").empty()) power.push_back(series_line("budget", co, "budget_watts"));
  s << svg_chart("Site power over time", "s", "W" + tag, power);
  s << svg_chart("Request latency over time", "s (arrival)", "ms",
                 {latency_line("co-run", co), latency_line("front alone", alone)});
  s << svg_chart("Hash rate over time (co-run)", "s", "hashes/s",
                 {series_line("co-run", co, "hashes_per_s")});
  s << svg_chart("Latency CDF", "ms", "% of requests",
                 {latency_cdf("co-run", co), latency_cdf("front alone", alone)});  // colours as above
  return s.str();
}

}  // namespace

std::string render_report(const json& results, const json& timeseries) {
  std::ostringstream s;
  const bool est = results.value("energy_kind", "estimated") != "measured";
  s << "<!doctype html><html><head><meta charset='utf-8'><title>joulebench report</title><style>"
       "body{font:14px sans-serif;margin:24px;max-width:1260px}svg.chart{margin:6px;border:1px solid #ddd}"
       "svg text{font:11px sans-serif}.title{font-weight:bold;font-size:12px}.grid{stroke:#eee}"
       ".marker{stroke:#888;stroke-dasharray:4 3}.mlabel{fill:#555}.warn{background:#fff3cd;padding:8px}"
       "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px "
       "8px;text-align:right}</style></head><body>";
  s << "<h1>joulebench report</h1><p>" << esc(text_of(field(results, "machine"), "cpu", "?")) << " &middot; "
    << esc(text_of(field(results, "machine"), "hostname")) << " &middot; "
    << esc(text_of(field(results, "machine"), "kernel")) << " &middot; "
    << (results.value("complete", false) ? "complete" : "INCOMPLETE (interrupted)")
    << (results.value("quick", false) ? " &middot; quick run" : "") << "</p>";
  if (est) {
    s << "<p class='warn'>No readable power sensor: every energy figure here is <b>estimated</b> by a "
         "utilisation model ("
      << esc(results.value("energy_sensor", "")) << "), not measured.</p>";
  }
  if (field(field(results, "idle"), "watts").is_number())
    s << "<p>Idle " << num(results["idle"]["watts"].get<double>()) << " W"
      << (est ? " (estimated)" : " (measured)") << ".</p>";
  for (const auto& w : field(results, "workloads")) s << workload_section(w, results, timeseries);
  if (field(results, "site").is_object()) s << site_section(results["site"], est);
  s << "</body></html>\n";
  return s.str();
}

}  // namespace joulebench::suite
