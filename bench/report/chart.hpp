// Inline SVG charts for the HTML pages (report, compare, fleet): no scripts, no network.
// Axes are labelled in SI units (ticks "0 10 20", label "MH/s"), the legend and marker labels sit
// outside the plot area so they never cover data, and a chart scales down to a phone's width.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace joulebench::suite::html {

struct Series {
  std::string name{};
  std::vector<double> x{}, y{};
  std::vector<double> y_lo{}, y_hi{};  ///< optional error bars (p5..p95), same length as y
  bool points = true;
  bool dashed = false;
  int color = -1;  ///< palette index; -1: the series' position
};

/// A vertical line at x (a command, a reaction time); its label goes in the strip above the plot.
struct Marker {
  double x;
  std::string label;
};

/// A shaded horizontal band (a settle band, a budget).
struct Band {
  double y_lo, y_hi;
  std::string label;
  std::optional<double> x_lo{}, x_hi{};  ///< where it applies; the whole width when not given
};

struct Axis {
  std::string label{};  ///< quantity, e.g. "throughput"
  std::string unit{};   ///< SI unit without prefix, e.g. "H/s"; the prefix is chosen from the data
  std::optional<double> min{}, max{};  ///< fixed range (zoom); points outside are not drawn
  bool from_zero = true;               ///< include 0 in the range (where the data's meaning starts)
};

struct Chart {
  std::string title{};
  Axis x{}, y{};
  std::vector<Series> series{};
  std::vector<Marker> markers{};
  std::vector<Band> bands{};
  std::string note{};  ///< one line under the chart
};

std::string render(const Chart& c);

/// HTML-escaped text.
std::string esc(const std::string& s);

/// A chart with its table of numbers beside it (below it on a narrow screen).
std::string figure(const std::string& svg, const std::string& table_html);
/// Figures side by side, wrapping on narrow screens.
std::string row(const std::string& figures);

/// The page's <head> and styles; `title` goes in <title>.
std::string page_head(const std::string& title);

}  // namespace joulebench::suite::html
