// load_fleet and the fleet's CSV, JSON and HTML page.
#include "results/fleet.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "joulebench/platform/stats.hpp"
#include "results/outputs.hpp"
#include "results/si.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

double num(const json& v) { return v.is_number() ? v.get<double>() : 0.0; }

FleetWorkload workload_row(const json& w) {
  FleetWorkload f;
  f.name = text_or(w, "name");
  f.unit = text_or(w, "unit");
  f.kernel = text_or(w, "kernel");
  f.threads = field(w, "threads").is_number_integer() ? w["threads"].get<int>() : 0;
  f.throughput = num(field(w, "throughput_per_s"));
  f.watts = num(field(w, "watts"));
  f.joules_gross = num(field(field(w, "joules_per_unit"), "gross"));
  f.joules_net = num(field(field(w, "joules_per_unit"), "net"));
  f.work_per_joule = f.joules_gross > 0 ? 1 / f.joules_gross : 0;
  const json& sp = field(field(w, "spread"), "joules_per_unit_gross");
  if (num(field(sp, "p5")) > 0 && num(field(sp, "p95")) > 0) {  // J/unit's p95 is work per joule's p5
    f.work_per_joule_p5 = 1 / sp["p95"].get<double>();
    f.work_per_joule_p95 = 1 / sp["p5"].get<double>();
  }
  return f;
}

FleetNode load_node(const fs::path& dir) {
  FleetNode n;
  n.dir = dir.string();
  try {
    n.results = load_results(dir);
  } catch (const std::exception& e) {
    n.status = "failed";
    n.reason = e.what();
    n.host = dir.filename().string();
    return n;
  }
  const json& r = n.results;
  n.host = text_or(field(r, "machine"), "hostname", "?");
  n.cpu = text_or(field(r, "machine"), "cpu", "?");
  n.verdict = text_or(field(r, "validity"), "verdict", "unknown");
  n.energy_kind = text_or(r, "energy_kind", "estimated");
  n.sensor = text_or(r, "energy_sensor");
  n.quick = field(r, "quick") == true;
  n.status = field(r, "complete") != true ? "incomplete" : n.verdict == "invalid" ? "invalid" : "ok";
  if (n.status == "incomplete") n.reason = "the run was interrupted; partial results";
  if (n.status == "invalid") {
    for (const auto& c : field(field(r, "validity"), "checks"))
      if (text_or(c, "severity") == "invalid")
        n.reason += (n.reason.empty() ? "" : "; ") + text_or(c, "detail");
  }
  for (const auto& w : field(r, "workloads"))
    if (field(w, "throughput_per_s").is_number()) n.workloads.push_back(workload_row(w));
  return n;
}

// Outliers among the nodes whose runs are usable (ok), per workload.
void flag_outliers(std::vector<FleetNode>& nodes) {
  std::map<std::string, std::vector<double>> by_workload;
  for (const auto& n : nodes)
    if (n.status == "ok")
      for (const auto& w : n.workloads) by_workload[w.name].push_back(w.work_per_joule);
  for (auto& n : nodes) {
    if (n.status != "ok") continue;
    for (auto& w : n.workloads) {
      const auto& all = by_workload[w.name];
      if (all.size() < 2 || w.work_per_joule_p95 <= 0) continue;
      const double med = platform::percentile(all, 50);
      if (med >= w.work_per_joule_p5 && med <= w.work_per_joule_p95) continue;
      w.outlier = true;
      const std::string u = cli::unit_symbol(w.unit) + "/J";
      w.outlier_note = cli::si(w.work_per_joule, u) + " vs fleet median " + cli::si(med, u) +
                       " (own p5..p95 " + cli::si(w.work_per_joule_p5, u) + ".." +
                       cli::si(w.work_per_joule_p95, u) + ")";
    }
  }
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::string g(double v) {
  if (v == 0) return "";
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

Fleet load_fleet(const std::vector<fs::path>& dirs) {
  Fleet f;
  for (const auto& d : dirs) f.nodes.push_back(load_node(d));
  flag_outliers(f.nodes);
  return f;
}

std::vector<std::string> Fleet::skipped() const {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (n.status == "failed") out.push_back(n.dir + ": " + n.reason);
  return out;
}

std::string Fleet::csv() const {
  std::string s =
      "dir,host,cpu,status,verdict,workload,unit,kernel,threads,throughput_per_s,watts,joules_per_unit_gross,"
      "joules_per_unit_net,work_per_joule,energy_kind,sensor,quick,outlier,note\n";
  for (const auto& n : nodes) {
    const std::string head = csv_cell(n.dir) + "," + csv_cell(n.host) + "," + csv_cell(n.cpu) + "," +
                             n.status + "," + n.verdict + ",";
    const std::string tail_common =
        "," + n.energy_kind + "," + csv_cell(n.sensor) + "," + (n.quick ? "true" : "false");
    if (n.workloads.empty()) s += head + ",,,,,,,," + tail_common + ",false," + csv_cell(n.reason) + "\n";
    for (const auto& w : n.workloads) {
      s += head + csv_cell(w.name) + "," + w.unit + "," + csv_cell(w.kernel) + "," +
           std::to_string(w.threads) + "," + g(w.throughput) + "," + g(w.watts) + "," + g(w.joules_gross) +
           "," + g(w.joules_net) + "," + g(w.work_per_joule) + tail_common + "," +
           (w.outlier ? "true" : "false") + "," + csv_cell(w.outlier ? w.outlier_note : n.reason) + "\n";
    }
  }
  return s;
}

json Fleet::to_json() const {
  json out = json::array();
  for (const auto& n : nodes) {
    json ws = json::array();
    for (const auto& w : n.workloads) {
      ws.push_back({{"name", w.name},
                    {"unit", w.unit},
                    {"kernel", w.kernel},
                    {"threads", w.threads},
                    {"throughput_per_s", w.throughput},
                    {"watts", w.watts},
                    {"joules_per_unit", {{"gross", w.joules_gross}, {"net", w.joules_net}}},
                    {"work_per_joule", w.work_per_joule},
                    {"outlier", w.outlier},
                    {"outlier_note", w.outlier_note}});
    }
    out.push_back({{"dir", n.dir},
                   {"host", n.host},
                   {"cpu", n.cpu},
                   {"status", n.status},
                   {"verdict", n.verdict},
                   {"energy_kind", n.energy_kind},
                   {"sensor", n.sensor},
                   {"quick", n.quick},
                   {"reason", n.reason},
                   {"workloads", ws}});
  }
  return {{"schema", "joulebench-fleet/1"}, {"nodes", out}, {"skipped", skipped()}};
}

}  // namespace joulebench::suite
