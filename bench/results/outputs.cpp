// results.json, CSV files and the summary table.
#include "results/outputs.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "joulebench/power/step_response.hpp"
#include "joulebench/power/sysfs.hpp"
#include "results/json_out.hpp"
#include "results/planner.hpp"
#include "results/si.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Results files are read whole; far beyond any real run's size is refused, not loaded.
constexpr std::size_t kMaxResultsBytes = 256u << 20;

std::string cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q(1, '"');
    for (char c : s) {
      q.push_back(c);
      if (c == '"') q.push_back('"');  // CSV escapes a quote by doubling it
    }
    q.push_back('"');
    return q;
  }
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return cli::json_text(v);
}

json at(const json& j, const char* a, const char* b = nullptr) {
  if (!j.contains(a)) return nullptr;
  if (b == nullptr) return j[a];
  return j[a].contains(b) ? j[a][b] : json();
}

std::optional<double> number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string csv_row(const std::vector<json>& cells) {
  std::string s;
  for (std::size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + cell(cells[i]);
  return s + "\n";
}

const json& field(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it == j.end() ? null : *it;
}

double number_or_nan(const json& v) { return v.is_number() ? v.get<double>() : NAN; }

std::string text_or(const json& j, const char* key, const std::string& fallback) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

void write_results_json(const fs::path& dir, const json& results) {
  power::write_file_atomically(dir / "results.json", cli::json_text(results, 2) + "\n");
}

namespace {

// The types a reader relies on, by JSON pointer ('*' stands for any member or index). A field
// that is present must have one of its types; fields absent here are not checked.
enum Type : unsigned { N = 1, S = 2, B = 4, O = 8, A = 16, Z = 32 };
const std::map<std::string, unsigned>& result_types() {
  static const std::map<std::string, unsigned> types = {{"", O},
                                                        {"/schema", S},
                                                        {"/complete", B},
                                                        {"/quick", B},
                                                        {"/energy_kind", S},
                                                        {"/energy_sensor", S},
                                                        {"/machine", O},
                                                        {"/machine/cpu", S},
                                                        {"/machine/hostname", S},
                                                        {"/idle", O},
                                                        {"/idle/watts", N | Z},
                                                        {"/method", O},
                                                        {"/limiters", O},
                                                        {"/limiters/before", A},
                                                        {"/limiters/after", A},
                                                        {"/validity", O},
                                                        {"/workloads", A},
                                                        {"/workloads/*", O},
                                                        {"/workloads/*/name", S},
                                                        {"/workloads/*/unit", S},
                                                        {"/workloads/*/kernel", S},
                                                        {"/workloads/*/threads", N},
                                                        {"/workloads/*/throughput_per_s", N},
                                                        {"/workloads/*/watts", N | Z},
                                                        {"/workloads/*/energy_ok", B},
                                                        {"/workloads/*/measured_seconds", N},
                                                        {"/workloads/*/joules_per_unit", O},
                                                        {"/workloads/*/joules_per_unit/gross", N | Z},
                                                        {"/workloads/*/joules_per_unit/net", N | Z},
                                                        {"/workloads/*/spread", O},
                                                        {"/workloads/*/spread/*", O},
                                                        {"/workloads/*/spread/energy_kind", S},
                                                        {"/workloads/*/spread/*/median", N},
                                                        {"/workloads/*/spread/*/p5", N},
                                                        {"/workloads/*/spread/*/p95", N},
                                                        {"/workloads/*/latency_ms", O},
                                                        {"/workloads/*/latency_ms/*", N},
                                                        {"/workloads/*/warmup", O},
                                                        {"/workloads/*/sampler", O},
                                                        {"/workloads/*/background", O},
                                                        {"/workloads/*/curve", A},
                                                        {"/workloads/*/curve/*", O},
                                                        {"/workloads/*/curve/*/actuator", S},
                                                        {"/workloads/*/curve/*/level", N},
                                                        {"/workloads/*/curve/*/setting", N},
                                                        {"/workloads/*/curve/*/watts", N | Z},
                                                        {"/workloads/*/curve/*/throughput_per_s", N},
                                                        {"/workloads/*/curve/*/joules_per_unit", O},
                                                        {"/workloads/*/curve/*/cap_binding_fraction", N | Z},
                                                        {"/workloads/*/curve/*/energy_ok", B},
                                                        {"/workloads/*/steps", A},
                                                        {"/workloads/*/steps/*", O},
                                                        {"/workloads/*/steps/*/actuator", S},
                                                        {"/workloads/*/steps/*/direction", S},
                                                        {"/workloads/*/steps/*/from", N},
                                                        {"/workloads/*/steps/*/to", N},
                                                        {"/workloads/*/steps/*/to_level", N},
                                                        {"/workloads/*/steps/*/react_ms", N | Z},
                                                        {"/workloads/*/steps/*/settle_ms", N | Z}};
  return types;
}

unsigned type_of(const json& j) {
  if (j.is_number()) return N;
  if (j.is_string()) return S;
  if (j.is_boolean()) return B;
  if (j.is_object()) return O;
  if (j.is_array()) return A;
  return Z;
}

std::string type_names(unsigned t) {
  std::string s;
  for (const auto& [bit, name] : std::vector<std::pair<unsigned, const char*>>{
           {N, "a number"}, {S, "a string"}, {B, "true/false"}, {O, "an object"}, {A, "a list"}, {Z, "null"}})
    if ((t & bit) != 0) s += (s.empty() ? "" : " or ") + std::string(name);
  return s;
}

// Walks `j`, checking every field the table names; `pattern` has '*' for each member or index.
void check_types(const json& j, const std::string& pointer, const std::string& pattern, const fs::path& file,
                 int depth = 0) {
  // Far deeper than any results file: a hostile one must not exhaust the stack.
  if (depth > 32) throw std::runtime_error(file.string() + ": nested too deeply at " + pointer);
  const auto& types = result_types();
  if (const auto it = types.find(pattern); it != types.end() && (it->second & type_of(j)) == 0) {
    throw std::runtime_error(file.string() + ": field " + (pointer.empty() ? "/" : pointer) + " is " +
                             type_names(type_of(j)) + ", expected " + type_names(it->second));
  }
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string named = pattern + "/" + it.key(), any = pattern + "/*";
      check_types(it.value(), pointer + "/" + it.key(),
                  types.count(named) != 0 || types.count(any) == 0 ? named : any, file, depth + 1);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      check_types(j[i], pointer + "/" + std::to_string(i), pattern + "/*", file, depth + 1);
  }
}

}  // namespace

json load_results(const fs::path& file_or_dir) {
  const fs::path file = fs::is_directory(file_or_dir) ? file_or_dir / "results.json" : file_or_dir;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec)))
    throw std::runtime_error("no " + file.string() +
                             (fs::is_directory(file_or_dir)
                                  ? " (the run there failed before writing a result, or "
                                    "has not finished)"
                                  : "") +
                             "; give a results.json or a results directory");
  power::FileError fe;
  const auto text = power::read_text(file, &fe, kMaxResultsBytes);
  if (!text) throw std::runtime_error(fe.message + "; give a results.json or a results directory");
  json j;
  try {
    j = json::parse(*text);
  } catch (const std::exception& e) {
    throw std::runtime_error(file.string() + " is not valid JSON (" + e.what() + ")");
  }
  const json& schema = field(j, "schema");
  if (schema != "joulebench/1") {
    throw std::runtime_error(file.string() + " has schema '" +
                             (schema.is_string() ? schema.get<std::string>() : std::string("none")) +
                             "', expected joulebench/1; re-run it with this version");
  }
  if (!field(j, "workloads").is_array())
    throw std::runtime_error(file.string() + " has no 'workloads' list; it is not a joulebench result");
  check_types(j, "", "", file);
  std::set<std::string> names;  // readers pair workloads by name
  for (const auto& w : j["workloads"]) {
    if (!field(w, "name").is_string()) throw std::runtime_error(file.string() + ": a workload has no name");
    if (!names.insert(w["name"].get<std::string>()).second)
      throw std::runtime_error(file.string() + ": two workloads are named '" + w["name"].get<std::string>() +
                               "'; a run measures each workload once");
  }
  return j;
}

void record_step_series(json& rows, const std::string& workload, const std::string& actuator, double to_level,
                        const power::Series& units, const power::Series& energy, double t0, double t1,
                        double rate_window_s, double power_window_s, const std::string& energy_kind) {
  std::vector<double> tr, r, tp, p;
  power::rate_series(units.t, units.v, rate_window_s, tr, r);
  if (!energy.t.empty()) power::rate_series(energy.t, energy.v, power_window_s, tp, p);
  for (std::size_t i = 0; i < tr.size(); ++i) {
    if (tr[i] < t0 - 0.1 || tr[i] > t1) continue;
    rows.push_back({workload, actuator, to_level, (tr[i] - t0) * 1e3, r[i],
                    tp.empty() ? json() : json(power::value_at({tp, p}, tr[i])), energy_kind});
  }
}

std::string curves_csv(const json& results, bool with_header) {
  std::string out =
      with_header
          ? "host,workload,unit,actuator,level,setting,in_force,achieved_level,watts,energy_ok,energy_kind,"
            "sensor,throughput_per_s,joules_per_unit_gross,joules_per_unit_net,latency_p50_ms,"
            "latency_p99_ms,cap_binding_fraction,quick\n"
          : "";
  const json host = field(results, "machine").value("hostname", "");
  for (const auto& w : field(results, "workloads")) {
    for (const auto& p : w.value("curve", json::array())) {
      out += csv_row({host, field(w, "name"), field(w, "unit"), field(p, "actuator"), field(p, "level"),
                      field(p, "setting"), at(p, "cap", "in_force"), field(p, "achieved_level"),
                      field(p, "watts"), field(p, "energy_ok"), field(p, "energy_kind"),
                      field(results, "energy_sensor"), field(p, "throughput_per_s"),
                      at(p, "joules_per_unit", "gross"), at(p, "joules_per_unit", "net"),
                      at(p, "latency_ms", "p50"), at(p, "latency_ms", "p99"),
                      field(p, "cap_binding_fraction"), field(results, "quick")});
    }
  }
  return out;
}

std::string steps_csv(const json& results, bool with_header) {
  static const char* const kColumns[] = {"actuator",
                                         "direction",
                                         "from",
                                         "to",
                                         "to_level",
                                         "repeats",
                                         "react_ms",
                                         "react_ms_p95",
                                         "t50_ms",
                                         "t90_ms",
                                         "settle_ms",
                                         "settle_ms_p95",
                                         "overshoot_pct",
                                         "unsettled",
                                         "noise_pct",
                                         "band_pct",
                                         "signal_window_ms",
                                         "power_react_ms",
                                         "power_settle_ms",
                                         "power_sensor_interval_ms",
                                         "energy_kind"};
  std::string out;
  if (with_header) {
    out = "host,workload";
    for (const char* c : kColumns) out += std::string(",") + c;
    out += "\n";
  }
  const json host = field(results, "machine").value("hostname", "");
  for (const auto& w : field(results, "workloads")) {
    for (const auto& s : w.value("steps", json::array())) {
      std::vector<json> cells{host, field(w, "name")};
      for (const char* c : kColumns) cells.push_back(field(s, c));
      out += csv_row(cells);
    }
  }
  return out;
}

void write_data_files(const fs::path& dir, const json& results, const json& timeseries) {
  power::write_file_atomically(dir / "curves.csv", curves_csv(results));
  power::write_file_atomically(dir / "steps.csv", steps_csv(results));
  std::string ts = "workload,actuator,to_level,t_ms,throughput_per_s,watts,energy_kind\n";
  for (const auto& r : timeseries) ts += csv_row({r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
  power::write_file_atomically(dir / "steps_timeseries.csv", ts);
  if (field(results, "site").is_null())
    power::write_file_atomically(dir / "planner.json",
                                 cli::json_text(planner_from_results(results), 2) + "\n");
}

json load_timeseries(const fs::path& file_or_dir) {
  const fs::path dir = fs::is_directory(file_or_dir) ? file_or_dir : file_or_dir.parent_path();
  json rows = json::array();
  std::istringstream in(
      power::read_text(dir / "steps_timeseries.csv", nullptr, kMaxResultsBytes).value_or(""));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() < 7) continue;
    const auto level = number(f[2]), t = number(f[3]), rate = number(f[4]), watts = number(f[5]);
    if (!level || !t || !rate) continue;  // a damaged row is left out of the plot, not fatal
    rows.push_back({f[0], f[1], *level, *t, *rate, watts ? json(*watts) : json(), f[6]});
  }
  return rows;
}

namespace {

std::string short_unit(const json& w) {
  return cli::unit_symbol(field(w, "unit").is_string() ? w["unit"].get<std::string>() : "unit");
}

// SPECpower-style ladder per workload and actuator: what each cap level buys.
void print_ladders(const json& results, const std::string& kind) {
  for (const auto& w : field(results, "workloads")) {
    const std::string u = short_unit(w);
    std::map<std::string, std::vector<const json*>> by_actuator;
    for (const auto& p : field(w, "curve"))
      if (field(p, "actuator").is_string()) by_actuator[p["actuator"].get<std::string>()].push_back(&p);
    for (const auto& [actuator, points] : by_actuator) {
      std::printf("\n%s under %s (watts: %s)\n  %6s %9s %12s %12s %10s %8s\n",
                  field(w, "name").get<std::string>().c_str(), actuator.c_str(), kind.c_str(), "level",
                  "power", u == "H" ? "hashes/s" : (u + "/s").c_str(), (u + "/J").c_str(), "p99", "binding");
      for (const json* p : points) {
        const double jpu = number_or_nan(field(field(*p, "joules_per_unit"), "gross"));
        const json& binding = field(*p, "cap_binding_fraction");
        std::printf("  %5.0f%% %9s %12s %12s %10s %8s\n", 100 * number_or_nan(field(*p, "level")),
                    cli::si(number_or_nan(field(*p, "watts")), "W").c_str(),
                    cli::si(number_or_nan(field(*p, "throughput_per_s")), u + "/s").c_str(),
                    cli::si(jpu > 0 ? 1.0 / jpu : NAN, u + "/J").c_str(),
                    cli::si(number_or_nan(field(field(*p, "latency_ms"), "p99")) / 1e3, "s").c_str(),
                    binding.is_number() ? (cli::sig(100 * binding.get<double>(), 3) + "%").c_str() : "-");
      }
    }
  }
}

void print_steps(const json& results) {
  std::printf("\n%-18s %-8s %-5s %-8s %9s %9s %10s %10s %8s\n", "throttle step", "actuator", "to", "dir",
              "react", "p95", "settle", "p95", "noise");
  bool unsettled = false, no_react = false;
  for (const auto& w : field(results, "workloads")) {
    for (const auto& s : w.value("steps", json::array())) {
      const auto ms = [](const json& v) { return cli::si(number_or_nan(v) / 1e3, "s"); };
      unsettled |= !field(s, "settle_ms").is_number();
      no_react |= !field(s, "react_ms").is_number();
      const std::string to = field(s, "to_level").is_number()
                                 ? std::to_string(std::lround(100 * s["to_level"].get<double>())) + "%"
                                 : "";
      std::printf("%-18s %-8s %-5s %-8s %9s %9s %10s %10s %8s\n", field(w, "name").get<std::string>().c_str(),
                  field(s, "actuator").get<std::string>().c_str(), to.c_str(),
                  field(s, "direction").get<std::string>().c_str(), ms(field(s, "react_ms")).c_str(),
                  ms(field(s, "react_ms_p95")).c_str(), ms(field(s, "settle_ms")).c_str(),
                  ms(field(s, "settle_ms_p95")).c_str(),
                  field(s, "noise_pct").is_number()
                      ? (cli::sig(s["noise_pct"].get<double>(), 2) + "%").c_str()
                      : "-");
    }
  }
  if (unsettled)
    std::printf(
        "settle -: no repeat stayed inside the band (max(5%%, 3 sigma of the signal)) before the hold "
        "ended\n");
  if (no_react) std::printf("react -: the signal never moved 10%% of the way within the hold\n");
}

/// Whether each inference figure describes the machine or our kernel: ours / the best library.
void print_kernel_vs_library(const json& results) {
  for (const auto& w : field(results, "workloads")) {
    const json& l = field(w, "kernel_vs_library");
    if (!l.is_object()) continue;
    const json& ratio = field(l, "ratio");
    if (ratio.is_number()) {
      std::printf("%-16s kernel vs library: ours %.2fx %s (%s)%s\n", text_or(w, "name").c_str(),
                  ratio.get<double>(), text_or(l, "library").c_str(), text_or(l, "implementation").c_str(),
                  ratio.get<double>() < 0.8 ? ": describes our kernel more than the machine" : "");
    } else {
      std::printf("%-16s kernel vs library: not compared (%s)\n", text_or(w, "name").c_str(),
                  text_or(l, "reason").c_str());
    }
  }
}

/// The coefficient row behind estimated energy, and its warning for a CPU the table lacks.
void print_estimate_basis(const json& results) {
  for (const auto& src : field(results, "power_source")) {
    const json& e = field(src, "estimate");
    if (field(src, "primary") != true || !e.is_object()) continue;
    if (text_or(e, "method") == "calibration") {
      std::printf("model: calibration %s\n", text_or(e, "source").c_str());
      continue;
    }
    std::printf(
        "model: %s, %s..%s per vCPU x %s vCPUs (SPECpower-derived, CCF); CPU share of the host only\n",
        text_or(e, "architecture").c_str(),
        cli::si(number_or_nan(field(e, "min_watts_per_vcpu")), "W").c_str(),
        cli::si(number_or_nan(field(e, "max_watts_per_vcpu")), "W").c_str(),
        field(e, "vcpus").is_number() ? field(e, "vcpus").dump().c_str() : "?");
    if (!text_or(e, "warning").empty()) std::printf("warning: %s\n", text_or(e, "warning").c_str());
  }
}

}  // namespace

std::string energy_label(const json& results) {
  const std::string kind = results.value("energy_kind", "estimated");
  const json& where = field(results, "energy_location");
  return kind == "measured" && where.is_string() && where != "unknown"
             ? kind + " (" + where.get<std::string>() + ")"
             : kind;
}

void print_summary(const json& results) {
  const std::string kind = energy_label(results);
  std::printf(
      "\njoulebench run: %s, %s%s\n", field(results, "machine").value("cpu", "?").c_str(),
      results.value("complete", false) ? "complete" : "INCOMPLETE (interrupted)",
      results.value("quick", false) ? ", QUICK (short windows: for smoke tests, not for comparisons)" : "");
  std::printf("energy: %s from %s; idle %s\n",
              kind.rfind("measured", 0) == 0 ? kind.c_str() : "ESTIMATED (no power sensor)",
              results.value("energy_sensor", "?").c_str(),
              cli::si(number_or_nan(field(field(results, "idle"), "watts")), "W").c_str());
  print_estimate_basis(results);
  std::printf("%-16s %13s %13s %13s %12s %9s  %s\n", "workload", "work per J", "J/unit gross", "J/unit net",
              "throughput", "power", "kernel");
  for (const auto& w : field(results, "workloads")) {
    if (!field(w, "throughput_per_s").is_number()) continue;
    const std::string u = short_unit(w), per = "J/" + (u == "H" ? std::string("hash") : u);
    const double gross = number_or_nan(field(field(w, "joules_per_unit"), "gross"));
    std::printf("%-16s %13s %13s %13s %12s %9s  %s, %s\n", field(w, "name").get<std::string>().c_str(),
                cli::si(gross > 0 ? 1.0 / gross : NAN, u + "/J").c_str(), cli::si(gross, per).c_str(),
                cli::si(number_or_nan(field(field(w, "joules_per_unit"), "net")), per).c_str(),
                cli::si(number_or_nan(field(w, "throughput_per_s")), u + "/s").c_str(),
                cli::si(number_or_nan(field(w, "watts")), "W").c_str(),
                field(w, "kernel").get<std::string>().c_str(), kind.c_str());
  }
  print_kernel_vs_library(results);
  print_ladders(results, kind);
  print_steps(results);
}

}  // namespace joulebench::suite
