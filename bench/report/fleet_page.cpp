// The fleet page: one row per result directory, then each workload's curves overlaid per node.
#include <map>
#include <set>
#include <sstream>

#include "report/chart.hpp"
#include "report/pages.hpp"
#include "results/fleet.hpp"
#include "results/outputs.hpp"
#include "results/si.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
using html::esc;

std::vector<std::string> workload_names(const std::vector<FleetNode>& nodes) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& n : nodes)
    for (const auto& w : n.workloads)
      if (seen.insert(w.name).second) names.push_back(w.name);
  return names;
}

std::string node_table(const std::vector<FleetNode>& nodes, const std::vector<std::string>& names) {
  std::ostringstream s;
  s << "<div class='wide'><table><tr><th class='l'>result directory</th><th class='l'>host</th>"
       "<th class='l'>CPU</th><th class='l'>status</th>";
  for (const auto& w : names) s << "<th>" << esc(w) << "<br>J/unit gross</th><th>work per J</th>";
  s << "<th class='l'>energy</th><th class='l'>note</th></tr>";
  for (const auto& n : nodes) {
    const bool bad = n.status != "ok";
    s << "<tr><td class='l'>" << esc(n.dir) << "</td><td class='l'>" << esc(n.host) << "</td><td class='l'>"
      << esc(n.cpu) << "</td><td class='l" << (bad ? " bad" : "") << "'>" << esc(n.status)
      << (n.verdict.empty() || n.verdict == n.status ? "" : " (" + n.verdict + ")")
      << (n.quick ? ", quick" : "") << "</td>";
    std::string notes = n.reason;
    for (const auto& name : names) {
      const FleetWorkload* w = nullptr;
      for (const auto& x : n.workloads)
        if (x.name == name) w = &x;
      if (!w) {
        s << "<td>-</td><td>-</td>";
        continue;
      }
      const std::string u = cli::unit_symbol(w->unit);
      s << "<td>" << esc(cli::si(w->joules_gross, "J/" + w->unit)) << "</td><td"
        << (w->outlier ? " class='bad'" : "") << ">" << esc(cli::si(w->work_per_joule, u + "/J"))
        << (w->outlier ? " (outlier)" : "") << "</td>";
      if (w->outlier) notes += (notes.empty() ? "" : "; ") + name + ": " + w->outlier_note;
    }
    s << "<td class='l'>" << esc(n.energy_kind.empty() ? "-" : n.energy_kind) << "</td><td class='l'>"
      << esc(notes) << "</td></tr>";
  }
  return s.str() + "</table></div>";
}

// Each node's curve of one workload under one actuator (duty where it ran, else the first).
std::string curves(const std::vector<FleetNode>& nodes, const std::string& name) {
  html::Chart c{.title = name + ": throughput vs power, one line per node",
                .x = {.label = "power", .unit = "W"}};
  std::string unit;
  int i = 0;
  for (const auto& n : nodes) {
    if (!n.results.is_object()) continue;
    for (const auto& w : field(n.results, "workloads")) {
      if (field(w, "name") != name) continue;
      unit = cli::unit_symbol(text_or(w, "unit", "unit"));
      std::map<std::string, html::Series> by;
      for (const auto& p : field(w, "curve")) {
        if (!field(p, "actuator").is_string() || !field(p, "watts").is_number() ||
            !field(p, "throughput_per_s").is_number())
          continue;
        auto& l = by[p["actuator"].get<std::string>()];
        l.x.push_back(p["watts"].get<double>());
        l.y.push_back(p["throughput_per_s"].get<double>());
      }
      if (by.empty()) continue;
      html::Series l = by.count("duty") ? by["duty"] : by.begin()->second;
      l.name = n.host + " (" + n.dir + ")" + (n.energy_kind == "measured" ? "" : ", estimated");
      l.color = i++;
      c.series.push_back(l);
    }
  }
  c.y = {.label = "throughput", .unit = unit + "/s"};
  return html::figure(html::render(c), "");
}

}  // namespace

std::string render_fleet(const Fleet& fleet) {
  std::ostringstream s;
  const auto names = workload_names(fleet.nodes);
  s << html::page_head("joulebench fleet") << "<h1>joulebench fleet</h1><p>" << fleet.nodes.size()
    << " result directories; " << fleet.skipped().size()
    << " failed. Energy is <b>measured</b> only where a node says "
    << "so; estimated figures come from a utilisation model. Outliers: a node whose work per joule is "
       "further from "
       "the fleet median than its own p5..p95 spread.</p>";
  for (const auto& why : fleet.skipped()) s << "<div class='banner invalid'>failed: " << esc(why) << "</div>";
  s << node_table(fleet.nodes, names);
  std::string figs;
  for (const auto& name : names) figs += curves(fleet.nodes, name);
  s << html::row(figs) << "</body></html>\n";
  return s.str();
}

}  // namespace joulebench::suite
