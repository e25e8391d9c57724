// planner.json in other tools' formats.
#include "results/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "results/outputs.hpp"

namespace joulebench::suite {
namespace {

using json = nlohmann::json;

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string text(const json& j) { return j.is_string() ? j.get<std::string>() : ""; }

// An inference is one forward pass of a batch (results/SCHEMA.md).
std::string unit_word(const json& w) { return text(field(w, "unit")) == "hash" ? "hashes" : "inferences"; }

const json* duty_levels(const json& w) {
  for (const auto& a : field(w, "actuators"))
    if (field(a, "name") == "duty") return &a["levels"];
  return nullptr;
}

std::string label_value(std::string v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& pypsa_generator_attributes() {
  static const std::vector<std::string> attrs = {"name",
                                                 "bus",
                                                 "control",
                                                 "type",
                                                 "p_nom",
                                                 "p_nom_mod",
                                                 "p_nom_extendable",
                                                 "p_nom_min",
                                                 "p_nom_max",
                                                 "p_min_pu",
                                                 "p_max_pu",
                                                 "p_set",
                                                 "q_set",
                                                 "sign",
                                                 "carrier",
                                                 "marginal_cost",
                                                 "marginal_cost_quadratic",
                                                 "build_year",
                                                 "lifetime",
                                                 "capital_cost",
                                                 "efficiency",
                                                 "committable",
                                                 "start_up_cost",
                                                 "shut_down_cost",
                                                 "stand_by_cost",
                                                 "min_up_time",
                                                 "min_down_time",
                                                 "up_time_before",
                                                 "down_time_before",
                                                 "ramp_limit_up",
                                                 "ramp_limit_down",
                                                 "ramp_limit_start_up",
                                                 "ramp_limit_shut_down",
                                                 "weight"};
  return attrs;
}

std::string export_specpower_csv(const json& planner) {
  const std::string kind = text(field(planner, "energy_kind"));
  const double idle = field(planner, "idle_watts").is_number() ? planner["idle_watts"].get<double>() : NAN;
  std::string out =
      "Workload,Unit,Target Load (%),Actual Load (%),Throughput (units/s),Average Active Power (W),"
      "Performance to Power Ratio (units/s per W),Energy Kind\n";
  for (const auto& w : field(planner, "workloads")) {
    const json* levels = duty_levels(w);
    if (levels == nullptr) continue;
    std::vector<json> rows(levels->begin(), levels->end());
    std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) { return a["level"] > b["level"]; });
    // Actual load is against the full-speed run (SPECpower's calibrated maximum), else the top level.
    double full = field(field(w, "full"), "throughput_per_s").is_number()
                      ? w["full"]["throughput_per_s"].get<double>()
                      : 0;
    for (const auto& l : rows)
      if (full <= 0 && l["throughput_per_s"].is_number()) full = l["throughput_per_s"].get<double>();
    double sum_units = 0, sum_watts = 0;
    const std::string name = text(field(w, "name")), unit = unit_word(w);
    for (const auto& l : rows) {
      if (!l["throughput_per_s"].is_number() || !l["watts"].is_number()) continue;
      const double units = l["throughput_per_s"].get<double>(), watts = l["watts"].get<double>();
      sum_units += units;
      sum_watts += watts;
      out += csv_row({name, unit, number(100 * l["level"].get<double>()), number(100 * units / full),
                      number(units), number(watts), number(units / watts), kind});
    }
    if (std::isfinite(idle)) {
      sum_watts += idle;
      out += csv_row({name, unit, "Active Idle", "0", "0", number(idle), "0", kind});
    }
    if (sum_watts > 0) {
      out += csv_row({name, unit, "Overall (sum of throughput / sum of power)", nullptr, nullptr,
                      number(sum_watts), number(sum_units / sum_watts), kind});
    }
  }
  return out;
}

std::map<std::string, std::string> export_pypsa(const json& planner, double value_per_hash,
                                                double value_per_inference) {
  std::map<std::string, std::string> files;
  files["buses.csv"] = "name,v_nom,carrier\nsite,0.4,AC\n";
  std::string g =
      "name,bus,carrier,sign,p_nom,p_min_pu,p_max_pu,marginal_cost,committable,min_up_time,min_down_time,"
      "ramp_limit_up,ramp_limit_down\n";
  for (const auto& w : field(planner, "workloads")) {
    const json& points = field(field(w, "frontier"), "points");
    if (!points.is_array() || points.size() < 2) continue;
    const double value_per_unit = text(field(w, "unit")) == "hash" ? value_per_hash : value_per_inference;
    // One snapshot is an hour: a load that reaches full response in milliseconds ramps its whole
    // segment within one, so the ramp limit per unit of p_nom is 1.
    for (std::size_t i = 1; i < points.size(); ++i) {
      const double dw = points[i]["watts"].get<double>() - points[i - 1]["watts"].get<double>();
      const double du =
          points[i]["throughput_per_s"].get<double>() - points[i - 1]["throughput_per_s"].get<double>();
      if (dw <= 0) continue;
      const double units_per_mwh = du / dw * 3.6e9;  // units/J x J/MWh
      g += csv_row({text(field(w, "name")) + "-segment-" + std::to_string(i), "site", unit_word(w), "-1",
                    number(dw / 1e6), "0", "1", number(-units_per_mwh * value_per_unit), "False", "0", "0",
                    "1", "1"});
    }
  }
  files["generators.csv"] = g;
  return files;
}

std::string export_openmetrics(const json& planner) {
  struct Family {
    const char* name;
    const char* unit;
    const char* help;
    std::vector<std::string> samples;
  };
  Family watts{"joulebench_power_watts",
               "watts",
               "average power at a throttle level (energy_kind says measured or estimated)",
               {}};
  Family rate{"joulebench_throughput_units_per_second",
              "units_per_second",
              "work per second at a throttle level (unit label: hashes or inferences)",
              {}};
  Family energy{
      "joulebench_energy_per_unit_joules", "joules", "gross joules per unit of work at a throttle level", {}};
  Family idle{"joulebench_idle_power_watts", "watts", "the machine's idle power before any load", {}};
  Family delay{"joulebench_response_delay_seconds",
               "seconds",
               "time from a throttle command until throughput leaves its noise band",
               {}};
  Family full{"joulebench_full_response_seconds",
              "seconds",
              "time from a throttle command to 90% of the step (t90)",
              {}};
  const std::string kind = label_value(text(field(planner, "energy_kind")));
  if (field(planner, "idle_watts").is_number())
    idle.samples.push_back("{energy_kind=\"" + kind + "\"} " + number(planner["idle_watts"].get<double>()));
  for (const auto& w : field(planner, "workloads")) {
    const std::string base =
        "workload=\"" + label_value(text(field(w, "name"))) + "\",unit=\"" + unit_word(w) + "\"";
    for (const auto& a : field(w, "actuators")) {
      for (const auto& l : field(a, "levels")) {
        const std::string labels = "{" + base + ",actuator=\"" + label_value(text(field(a, "name"))) +
                                   "\",level=\"" + number(l["level"].get<double>()) + "\",energy_kind=\"" +
                                   kind + "\"} ";
        if (l["watts"].is_number()) watts.samples.push_back(labels + number(l["watts"].get<double>()));
        if (l["throughput_per_s"].is_number())
          rate.samples.push_back(labels + number(l["throughput_per_s"].get<double>()));
        if (l["joules_per_unit"].is_number())
          energy.samples.push_back(labels + number(l["joules_per_unit"].get<double>()));
      }
    }
    for (const auto& [actuator, rows] : field(w, "dynamics").items()) {
      for (const auto& d : rows) {
        const std::string labels = "{" + base + ",actuator=\"" + label_value(actuator) + "\",to_level=\"" +
                                   number(d["to_level"].get<double>()) + "\"} ";
        if (d["response_delay_s"].is_number())
          delay.samples.push_back(labels + number(d["response_delay_s"].get<double>()));
        if (d["full_response_s"].is_number())
          full.samples.push_back(labels + number(d["full_response_s"].get<double>()));
      }
    }
  }
  std::ostringstream out;
  for (const Family* f : {&watts, &rate, &energy, &idle, &delay, &full}) {
    if (f->samples.empty()) continue;
    out << "# TYPE " << f->name << " gauge\n# UNIT " << f->name << " " << f->unit << "\n# HELP " << f->name
        << " " << f->help << "\n";
    for (const auto& s : f->samples) out << f->name << s << "\n";
  }
  out << "# EOF\n";
  return out.str();
}

json export_geopm_policy(const json& plan) {
  const json& site = field(plan, "site");
  if (!field(site, "watts").is_number()) throw std::invalid_argument("the plan has no site watts to cap at");
  return {{"POWER_PACKAGE_LIMIT_TOTAL", std::floor(site["watts"].get<double>() * 10) / 10}};
}

}  // namespace joulebench::suite
