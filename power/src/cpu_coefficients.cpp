// Coefficient rows from power/data/cpu_power_coefficients.json, matched to /proc/cpuinfo.
#include "joulebench/power/cpu_coefficients.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "joulebench/platform/topology.hpp"

namespace joulebench::power {

// Generated from power/data/cpu_power_coefficients.json by CMake (cpu_coefficients_data.cpp.in).
extern const char* const kBuiltinCoefficientsJson;

namespace {

using nlohmann::json;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// "25", "0x41" or "0xd0c" -> the number; anything else -> -1.
int parse_int(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return -1;
  try {
    std::size_t used = 0;
    const long v = std::stol(t, &used, 0);
    return used == t.size() && v >= 0 && v <= 0xFFFFF ? static_cast<int>(v) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

std::vector<int> ints(const json& row, const char* key) {
  std::vector<int> out;
  if (!row.contains(key)) return out;
  for (const auto& v : row.at(key)) out.push_back(v.get<int>());
  return out;
}

CoefficientRow parse_row(const json& r) {
  CoefficientRow row;
  row.architecture = r.at("architecture").get<std::string>();
  try {
    row.vendor = r.at("vendor").get<std::string>();
    row.source = r.at("source").get<std::string>();
    row.note = r.value("note", "");
    row.min_watts_per_vcpu = r.at("min_watts_per_vcpu").get<double>();
    row.max_watts_per_vcpu = r.at("max_watts_per_vcpu").get<double>();
    row.family = r.value("family", -1);
    row.implementer = r.value("implementer", -1);
    row.models = ints(r, "models");
    row.steppings = ints(r, "steppings");
    row.parts = ints(r, "parts");
    for (const auto& range : r.value("model_ranges", json::array()))
      row.model_ranges.emplace_back(range.at(0).get<int>(), range.at(1).get<int>());
  } catch (const json::exception& e) {
    throw std::runtime_error("coefficient row '" + row.architecture + "': " + e.what());
  }
  if (!(row.min_watts_per_vcpu > 0) || !(row.max_watts_per_vcpu > row.min_watts_per_vcpu))
    throw std::runtime_error("coefficient row '" + row.architecture +
                             "': needs 0 < min_watts_per_vcpu < max_watts_per_vcpu");
  return row;
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string fmt(const char* f, double v) {
  char b[32];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

std::string CpuIdentity::describe() const {
  std::ostringstream s;
  s << (vendor.empty() ? "unknown vendor" : vendor);
  if (family >= 0) s << " family " << family;
  char hex[16];
  if (model >= 0) std::snprintf(hex, sizeof hex, "0x%02x", model), s << " model " << hex;
  if (stepping >= 0) s << " stepping " << stepping;
  if (implementer >= 0) std::snprintf(hex, sizeof hex, "0x%02x", implementer), s << " implementer " << hex;
  if (part >= 0) std::snprintf(hex, sizeof hex, "0x%03x", part), s << " part " << hex;
  if (!model_name.empty()) s << " (" << model_name << ")";
  return s.str();
}

CpuIdentity parse_cpuinfo(const std::string& text) {
  CpuIdentity cpu;
  std::istringstream in(text);
  std::string line;
  bool first_done = false;  // fields of the first CPU only; later blocks only count
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      if (trim(line).empty() && cpu.logical_cpus > 0) first_done = true;
      continue;
    }
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "processor") ++cpu.logical_cpus;
    if (first_done) continue;
    if (key == "vendor_id")
      cpu.vendor = value;
    else if (key == "cpu family")
      cpu.family = parse_int(value);
    else if (key == "model")
      cpu.model = parse_int(value);
    else if (key == "stepping")
      cpu.stepping = parse_int(value);
    else if (key == "model name")
      cpu.model_name = value;
    else if (key == "CPU implementer")
      cpu.implementer = parse_int(value);
    else if (key == "CPU part")
      cpu.part = parse_int(value);
  }
  if (cpu.vendor.empty() && cpu.implementer >= 0) cpu.vendor = "ARM";
  return cpu;
}

bool CoefficientRow::matches(const CpuIdentity& cpu) const {
  if (cpu.vendor != vendor) return false;
  if (vendor == "ARM") return implementer == cpu.implementer && contains(parts, cpu.part);
  if (family != cpu.family || cpu.model < 0) return false;
  const bool model_ok = contains(models, cpu.model) ||
                        std::any_of(model_ranges.begin(), model_ranges.end(), [&](const auto& r) {
                          return cpu.model >= r.first && cpu.model <= r.second;
                        });
  return model_ok && (steppings.empty() || contains(steppings, cpu.stepping));
}

std::string CoefficientTable::citation(const std::string& key) const {
  for (const auto& [k, v] : sources)
    if (k == key) return v;
  return key;
}

CoefficientTable parse_coefficient_table(const std::string& json_text) {
  CoefficientTable t;
  try {
    const json j = json::parse(json_text);
    t.scope = j.at("scope").get<std::string>();
    t.uncertainty = j.at("uncertainty").get<std::string>();
    for (const auto& [k, v] : j.at("sources").items()) t.sources.emplace_back(k, v.get<std::string>());
    for (const auto& r : j.at("architectures")) t.rows.push_back(parse_row(r));
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("coefficient table: ") + e.what());
  }
  if (t.rows.empty()) throw std::runtime_error("coefficient table: no architectures");
  return t;
}

const CoefficientTable& builtin_coefficients() {
  static const CoefficientTable table = parse_coefficient_table(kBuiltinCoefficientsJson);
  return table;
}

EstimateBasis estimate_basis(const CoefficientTable& table, const CpuIdentity& cpu, std::size_t vcpus) {
  EstimateBasis b;
  b.vcpus = vcpus;
  b.scope = table.scope;
  b.uncertainty = table.uncertainty;
  b.cpu = cpu.describe();
  for (const auto& row : table.rows) {
    if (!row.matches(cpu)) continue;
    b.architecture = row.architecture;
    b.source = table.citation(row.source);
    b.note = row.note;
    b.min_watts_per_vcpu = row.min_watts_per_vcpu;
    b.max_watts_per_vcpu = row.max_watts_per_vcpu;
    return b;
  }
  // CCF's rule for an unknown microarchitecture: the mean of the provider's rows; ours, the vendor's.
  std::vector<const CoefficientRow*> same;
  for (const auto& row : table.rows)
    if (row.vendor == cpu.vendor) same.push_back(&row);
  const bool any_vendor = same.empty();
  if (any_vendor)
    for (const auto& row : table.rows) same.push_back(&row);
  for (const auto* row : same) {
    b.min_watts_per_vcpu += row->min_watts_per_vcpu / static_cast<double>(same.size());
    b.max_watts_per_vcpu += row->max_watts_per_vcpu / static_cast<double>(same.size());
  }
  const std::string which = any_vendor ? "every row" : cpu.vendor + " rows";
  b.architecture = "unknown: mean of the " + std::to_string(same.size()) + " " + which;
  b.source = "mean of the table's " + which + " (" + table.citation(same.front()->source) + ")";
  b.fallback = true;
  b.warning = "CPU " + b.cpu + " is not in the coefficient table: estimated energy uses the mean of its " +
              which + " (" + fmt("%.2f", b.min_watts_per_vcpu) + ".." + fmt("%.2f", b.max_watts_per_vcpu) +
              " W per vCPU); add its row to power/data/cpu_power_coefficients.json, or measure with "
              "`joulebench calibrate` and pass --calibration";
  return b;
}

PowerModel coefficient_power_model(const EstimateBasis& basis) {
  const double vcpus = static_cast<double>(basis.vcpus);
  PowerModel m{vcpus * basis.min_watts_per_vcpu, basis.max_watts_per_vcpu - basis.min_watts_per_vcpu,
               basis.architecture + " " + fmt("%.3g", basis.min_watts_per_vcpu) + ".." +
                   fmt("%.3g", basis.max_watts_per_vcpu) + " W/vCPU x " + std::to_string(basis.vcpus) +
                   " vCPUs",
               basis};
  return m;
}

PowerModel estimated_power_model(const SysfsRoot& root,
                                 const std::optional<std::filesystem::path>& calibration) {
  if (calibration) return load_power_model(*calibration);
  const CpuIdentity cpu = parse_cpuinfo(read_text(root("/proc/cpuinfo")).value_or(""));
  const std::size_t vcpus = cpu.logical_cpus > 0 ? cpu.logical_cpus : platform::topology().pus;
  return coefficient_power_model(estimate_basis(builtin_coefficients(), cpu, vcpus));
}

}  // namespace joulebench::power
