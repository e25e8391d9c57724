// The estimated model's coefficients per CPU microarchitecture: min and max watts per vCPU from
// published SPECpower_ssj2008 results (Cloud Carbon Footprint's derivation), kept as data in
// power/data/cpu_power_coefficients.json (compiled in) and chosen from /proc/cpuinfo.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "joulebench/power/sensor.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::power {

/// What /proc/cpuinfo says of the first CPU: x86 vendor, family, model, stepping and model name;
/// on Arm the implementer and part. -1: not given.
struct CpuIdentity {
  std::string vendor;  ///< GenuineIntel | AuthenticAMD | ARM (Arm: from "CPU implementer")
  int family = -1, model = -1, stepping = -1;
  int implementer = -1, part = -1;
  std::string model_name;
  std::size_t logical_cpus = 0;  ///< "processor" entries
  /// "AuthenticAMD family 25 model 0x01 stepping 1 (AMD EPYC 7B13)", for messages.
  [[nodiscard]] std::string describe() const;
};

/// Parses /proc/cpuinfo text (x86 or aarch64 layout); missing fields stay -1 / empty.
CpuIdentity parse_cpuinfo(const std::string& text);

struct CoefficientRow {
  std::string architecture, vendor, source, note;
  double min_watts_per_vcpu = 0, max_watts_per_vcpu = 0;
  int family = -1, implementer = -1;
  std::vector<int> models, steppings, parts;
  std::vector<std::pair<int, int>> model_ranges;  ///< inclusive
  [[nodiscard]] bool matches(const CpuIdentity& cpu) const;
};

struct CoefficientTable {
  std::string scope, uncertainty;
  std::vector<std::pair<std::string, std::string>> sources;  ///< key -> citation
  std::vector<CoefficientRow> rows;
  /// The citation of `key`, or `key` itself when the table has none.
  [[nodiscard]] std::string citation(const std::string& key) const;
};

/// Parses a table in the schema of power/data/cpu_power_coefficients.json; throws
/// std::runtime_error naming the row and the field that is wrong.
CoefficientTable parse_coefficient_table(const std::string& json_text);
/// The table compiled into this binary.
const CoefficientTable& builtin_coefficients();

/// The row for `cpu`: its own, or for a CPU the table does not know the mean of the rows of its
/// vendor (of every row when the vendor is unknown), with `fallback` and a warning naming it.
EstimateBasis estimate_basis(const CoefficientTable& table, const CpuIdentity& cpu, std::size_t vcpus);

/// P = vCPUs x min + (max - min) x busy vCPUs, from `basis`.
PowerModel coefficient_power_model(const EstimateBasis& basis);

/// The model every estimated sensor uses: the calibration file when given (preferred), else the
/// coefficient row of `<root>/proc/cpuinfo` for its vCPU count (the topology's when the file has
/// none).
PowerModel estimated_power_model(const SysfsRoot& root,
                                 const std::optional<std::filesystem::path>& calibration);

}  // namespace joulebench::power
