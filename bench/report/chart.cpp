// SVG charts: SI ticks, legend and marker labels laid out outside the data, p5..p95 error bars.
#include "report/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "results/si.hpp"

namespace joulebench::suite::html {
namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#17becf"};
constexpr int kPalette = 7;
constexpr double kW = 600, kL = 72, kR = 16, kPlotH = 240,
                 kCharW = 9.6;  // room for the larger text of a phone screen

const char* color(const Series& s, std::size_t i) {
  return kColors[(s.color >= 0 ? static_cast<std::size_t>(s.color) : i) % kPalette];
}

double nice_step(double span) {
  const double raw = span / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

// A tick value in the axis' prefix with as many decimals as the step needs ("2.5", "10", "0").
std::string tick_text(double v, double step, double factor) {
  const double scaled = v / factor, sstep = step / factor;
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(sstep) - 1e-9)));
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", std::min(decimals, 6), std::fabs(scaled) < 1e-12 ? 0.0 : scaled);
  return b;
}

struct Range {
  double lo = 1e300, hi = -1e300;
  void add(double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  [[nodiscard]] bool empty() const { return hi < lo; }
};

bool visible_x(const Axis& a, double x) {
  return std::isfinite(x) && (!a.min || x >= *a.min) && (!a.max || x <= *a.max);
}

// Axis range from what is drawn: fixed ends where given, 0 where the data's meaning starts there.
Range axis_range(const Axis& a, Range r, double pad_top) {
  if (a.from_zero) r.add(0);
  if (a.min) r.lo = *a.min;
  if (a.max) r.hi = *a.max;
  if (r.empty()) return r;
  if (r.hi == r.lo) r.hi = r.lo + (r.lo == 0 ? 1 : std::fabs(r.lo) * 0.1);
  if (!a.max) r.hi += pad_top * (r.hi - r.lo);
  return r;
}

std::string axis_label(const Axis& a, const cli::SiScale& s) {
  std::string text = a.label;
  if (!a.unit.empty()) text += " (" + s.prefix + a.unit + ")";
  return esc(text);
}

// Marker labels in rows above the plot: a label goes to the first row where it does not touch
// the one before it, so close markers (react at 3 ms, t50 at 15 ms) stay legible.
struct PlacedLabel {
  double x;
  int row;
  bool anchor_end;
};
std::vector<PlacedLabel> place_labels(const std::vector<Marker>& ms, const std::vector<double>& px,
                                      int* rows) {
  std::vector<std::size_t> order(ms.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return px[a] < px[b]; });
  std::vector<double> row_end;
  std::vector<PlacedLabel> out(ms.size());
  for (std::size_t i : order) {
    const double w = kCharW * static_cast<double>(ms[i].label.size()) + 6;
    const bool end = px[i] + w > kW - 2;
    const double start = end ? px[i] - w : px[i];
    std::size_t r = 0;
    while (r < row_end.size() && row_end[r] > start) ++r;
    if (r == row_end.size()) row_end.push_back(0);
    row_end[r] = start + w;
    out[i] = {end ? px[i] - 3 : px[i] + 3, static_cast<int>(r), end};
  }
  *rows = static_cast<int>(row_end.size());
  return out;
}

// Legend entries flow left to right and wrap; returns the rows used.
int legend(std::ostringstream& s, const Chart& c, double y0, bool draw) {
  double x = kL;
  int row = 0;
  const auto item = [&](const std::string& name, const char* fill, bool band) {
    const double w = kCharW * static_cast<double>(name.size()) + 30;
    if (x + w > kW - kR && x > kL) x = kL, ++row;
    const double y = y0 + 16 * row;
    if (draw) {
      s << "<rect x='" << x << "' y='" << y - (band ? 8 : 5) << "' width='14' height='" << (band ? 8 : 3)
        << "'" << (band ? " class='band'" : std::string(" fill='") + fill + "'") << "/>";
      s << "<text x='" << x + 20 << "' y='" << y << "'>" << esc(name) << "</text>";
    }
    x += w;
  };
  for (std::size_t i = 0; i < c.series.size(); ++i) item(c.series[i].name, color(c.series[i], i), false);
  for (const auto& b : c.bands) item(b.label, "", true);
  return c.series.empty() && c.bands.empty() ? 0 : row + 1;
}

}  // namespace

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '\'')
      o += "&#39;";
    else
      o += c;
  }
  return o;
}

namespace {

/// The plot area of one chart: value ranges and where they land in SVG units.
struct Frame {
  Range xr, yr;
  double top = 0, bottom = 0;
  [[nodiscard]] double X(double v) const { return kL + (v - xr.lo) / (xr.hi - xr.lo) * (kW - kL - kR); }
  [[nodiscard]] double Y(double v) const { return bottom - (v - yr.lo) / (yr.hi - yr.lo) * kPlotH; }
};

/// The range of every visible point, error bar, marker and band (empty ranges: no data).
void data_ranges(const Chart& c, Range& xr, Range& yr) {
  for (const auto& l : c.series) {
    for (std::size_t k = 0; k < l.x.size() && k < l.y.size(); ++k) {
      if (!visible_x(c.x, l.x[k])) continue;
      xr.add(l.x[k]);
      yr.add(l.y[k]);
      if (k < l.y_lo.size()) yr.add(l.y_lo[k]);
      if (k < l.y_hi.size()) yr.add(l.y_hi[k]);
    }
  }
  for (const auto& m : c.markers)
    if (visible_x(c.x, m.x)) xr.add(m.x);
  for (const auto& b : c.bands) yr.add(b.y_lo), yr.add(b.y_hi);
}

void draw_bands(std::ostringstream& s, const Chart& c, const Frame& f) {
  for (const auto& b : c.bands) {
    const double y_hi = std::min(b.y_hi, f.yr.hi), y_lo = std::max(b.y_lo, f.yr.lo);
    const double x0 = b.x_lo ? f.X(std::max(*b.x_lo, f.xr.lo)) : kL,
                 x1 = b.x_hi ? f.X(std::min(*b.x_hi, f.xr.hi)) : kW - kR;
    s << "<rect x='" << x0 << "' y='" << f.Y(y_hi) << "' width='" << std::max(0.0, x1 - x0) << "' height='"
      << std::max(0.0, f.Y(y_lo) - f.Y(y_hi)) << "' class='band'/>";
  }
}

void draw_grid(std::ostringstream& s, const Frame& f, const cli::SiScale& sx, const cli::SiScale& sy) {
  for (int axis = 0; axis < 2; ++axis) {
    const Range& r = axis ? f.yr : f.xr;
    const double step = nice_step(r.hi - r.lo), factor = axis ? sy.factor : sx.factor;
    const double first = std::ceil(r.lo / step - 1e-9) * step;
    for (int k = 0; k < 40; ++k) {  // counted, not accumulated: a step below the values' ulp cannot loop
      const double v = first + k * step;
      if (v > r.hi + 1e-9 * std::fabs(step)) break;
      if (axis) {
        s << "<line x1='" << kL << "' x2='" << kW - kR << "' y1='" << f.Y(v) << "' y2='" << f.Y(v)
          << "' class='grid'/>";
        s << "<text x='" << kL - 5 << "' y='" << f.Y(v) + 4 << "' text-anchor='end'>"
          << tick_text(v, step, factor) << "</text>";
      } else {
        s << "<line x1='" << f.X(v) << "' x2='" << f.X(v) << "' y1='" << f.top << "' y2='" << f.bottom
          << "' class='grid'/>";
        s << "<text x='" << f.X(v) << "' y='" << f.bottom + 15 << "' text-anchor='middle'>"
          << tick_text(v, step, factor) << "</text>";
      }
    }
  }
}

void draw_series(std::ostringstream& s, const Chart& c, const Frame& f) {
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& l = c.series[i];
    const char* col = color(l, i);
    std::ostringstream pts, dots, bars;
    for (std::size_t k = 0; k < l.x.size() && k < l.y.size(); ++k) {
      if (!visible_x(c.x, l.x[k]) || !std::isfinite(l.y[k])) continue;
      const double x = f.X(l.x[k]), y = f.Y(std::clamp(l.y[k], f.yr.lo, f.yr.hi));
      pts << x << "," << y << " ";
      if (l.points) dots << "<circle cx='" << x << "' cy='" << y << "' r='3' fill='" << col << "'/>";
      if (k < l.y_lo.size() && k < l.y_hi.size() && std::isfinite(l.y_lo[k]) && std::isfinite(l.y_hi[k])) {
        const double a = f.Y(l.y_lo[k]), b = f.Y(l.y_hi[k]);
        bars << "<path d='M" << x << "," << a << "V" << b << "M" << x - 3 << "," << a << "h6M" << x - 3 << ","
             << b << "h6' stroke='" << col << "' fill='none'/>";
      }
    }
    s << "<polyline fill='none' stroke='" << col << "' stroke-width='1.5'"
      << (l.dashed ? " stroke-dasharray='5 3'" : "") << " points='" << pts.str() << "'/>" << bars.str()
      << dots.str();
  }
}

}  // namespace

std::string render(const Chart& c) {
  Frame f;
  data_ranges(c, f.xr, f.yr);
  const bool no_data = f.xr.empty() || f.yr.empty();
  f.xr = axis_range(c.x, f.xr, 0);
  f.yr = axis_range(c.y, f.yr, 0.05);
  std::vector<double> px;
  std::vector<Marker> shown;
  for (const auto& m : c.markers)
    if (!no_data && visible_x(c.x, m.x)) shown.push_back(m), px.push_back(f.X(m.x));
  int label_rows = 0;
  const auto placed = place_labels(shown, px, &label_rows);
  f.top = 28 + 12.0 * label_rows;
  f.bottom = f.top + kPlotH;
  std::ostringstream dummy;
  const int legend_rows = legend(dummy, c, 0, false);
  const double height = f.bottom + 46 + 16.0 * legend_rows + (c.note.empty() ? 4 : 18);
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 " << kW << " " << height
    << "' class='chart' role='img'><title>" << esc(c.title) << "</title>";
  s << "<text x='" << kW / 2 << "' y='17' text-anchor='middle' class='title'>" << esc(c.title) << "</text>";
  if (no_data) {
    s << "<text x='" << kW / 2 << "' y='" << (f.top + f.bottom) / 2
      << "' text-anchor='middle'>no data</text></svg>";
    return s.str();
  }
  const cli::SiScale sx = cli::si_scale(std::max(std::fabs(f.xr.lo), std::fabs(f.xr.hi)));
  const cli::SiScale sy = cli::si_scale(std::max(std::fabs(f.yr.lo), std::fabs(f.yr.hi)));
  draw_bands(s, c, f);
  draw_grid(s, f, sx, sy);
  s << "<rect x='" << kL << "' y='" << f.top << "' width='" << kW - kL - kR << "' height='" << kPlotH
    << "' class='frame'/>";
  s << "<text x='" << (kL + kW - kR) / 2 << "' y='" << f.bottom + 32 << "' text-anchor='middle'>"
    << axis_label(c.x, sx) << "</text>";
  s << "<text transform='translate(13," << (f.top + f.bottom) / 2 << ") rotate(-90)' text-anchor='middle'>"
    << axis_label(c.y, sy) << "</text>";
  draw_series(s, c, f);
  for (std::size_t i = 0; i < shown.size(); ++i) {
    s << "<line x1='" << px[i] << "' x2='" << px[i] << "' y1='" << f.top - 12.0 * label_rows << "' y2='"
      << f.bottom << "' class='marker'/>";
    s << "<text x='" << placed[i].x << "' y='" << 35 + 12.0 * placed[i].row << "' class='mlabel'"
      << (placed[i].anchor_end ? " text-anchor='end'" : "") << ">" << esc(shown[i].label) << "</text>";
  }
  legend(s, c, f.bottom + 56, true);
  if (!c.note.empty())
    s << "<text x='" << kL << "' y='" << height - 6 << "' class='note'>" << esc(c.note) << "</text>";
  return s.str() + "</svg>";
}

std::string figure(const std::string& svg, const std::string& table_html) {
  return std::string("<div class='fig") + (table_html.empty() ? "" : " withtable") + "'><div class='plot'>" +
         svg + "</div>" + (table_html.empty() ? "" : "<div class='numbers'>" + table_html + "</div>") +
         "</div>";
}

std::string row(const std::string& figures) { return "<div class='row'>" + figures + "</div>"; }

std::string page_head(const std::string& title) {
  return "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
         "<meta name='viewport' content='width=device-width,initial-scale=1'><title>" +
         esc(title) +
         "</title><style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:16px auto;max-width:1320px;padding:0 "
         "12px;color:#222}"
         "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid "
         "#ddd;padding-bottom:4px;margin-top:32px}"
         "h3{font-size:15px;margin:18px 0 6px}"
         ".row{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;margin:8px 0}"
         ".fig{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start;flex:1 1 "
         "540px;max-width:660px;min-width:0}"
         ".fig.withtable{flex:2 1 640px;max-width:1320px}"
         ".plot{flex:1 1 420px;max-width:640px;min-width:0}.numbers{flex:1 1 "
         "300px;overflow-x:auto;min-width:0}"
         "svg.chart{width:100%;height:auto;border:1px solid #ddd;background:#fff}"
         "svg text{font:11px sans-serif;fill:#222}.title{font-weight:bold;font-size:12.5px}"
         ".grid{stroke:#eee}.frame{fill:none;stroke:#999}.marker{stroke:#666;stroke-dasharray:4 3}"
         ".mlabel{fill:#444}.note{fill:#666;font-style:italic}.band{fill:#2ca02c;fill-opacity:.13}"
         ".banner{padding:10px 14px;margin:10px 0;border-radius:4px;font-weight:600}"
         ".quick{background:#ffe08a;border:2px solid #c99a00;font-size:16px}"
         ".invalid{background:#f8d7da;border:1px solid #d9534f}.warning{background:#fff3cd;border:1px solid "
         "#e0c060}"
         ".valid{background:#d4edda;border:1px solid #5cb85c}"
         ".est{background:#fff3cd;padding:8px;border-left:4px solid #e0a000}"
         "table{border-collapse:collapse;font-size:13px;margin:4px 0}td,th{border:1px solid #ccc;padding:3px "
         "7px;"
         "text-align:right;white-space:nowrap}th{background:#f5f5f5}td.l,th.l{text-align:left;white-space:"
         "normal}"
         ".wide{overflow-x:auto;max-width:100%}.bad{color:#b00;font-weight:600}.good{color:#060}"
         // A 600-unit chart on a 360 px screen shrinks its text to 0.6x: give it back its size.
         "@media (max-width:700px){svg text{font-size:17px}svg .title{font-size:18px}body{font-size:13px}}"
         "</style></head><body>";
}

}  // namespace joulebench::suite::html
