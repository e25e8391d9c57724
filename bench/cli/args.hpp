// A small command-line parser: `--name value`, `--name=value` and boolean `--flag`, with errors
// that name the option, the bad value and the fix (exit code 2 via UsageError).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace joulebench::cli {

/// Bad command-line input: printed as one line, exit code 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class Args {
 public:
  static constexpr std::size_t kAnyPositionals = static_cast<std::size_t>(-1);

  /// `value_options`: options that take a value; `flags`: boolean options. Anything else that
  /// starts with `-` is an error (with the nearest known option); other words are positionals,
  /// at most `max_positionals` of them (a stray word is an error, not ignored). "--" ends option
  /// parsing; the rest is kept as `rest()` (for commands that run a program).
  Args(const std::vector<std::string>& argv, std::set<std::string> value_options, std::set<std::string> flags,
       std::size_t max_positionals = 0);

  [[nodiscard]] bool has(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const { return flags_set_.count(name) != 0; }
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const;
  [[nodiscard]] std::string get_or(const std::string& name, const std::string& fallback) const;
  /// Integer in [min, max]; throws UsageError naming the option and value otherwise.
  [[nodiscard]] std::optional<std::uint64_t> uint(const std::string& name, std::uint64_t min,
                                                  std::uint64_t max) const;
  /// Finite number > 0 (or >= 0 when allow_zero); throws UsageError otherwise.
  [[nodiscard]] std::optional<double> positive(const std::string& name, bool allow_zero = false) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const { return positionals_; }
  [[nodiscard]] const std::vector<std::string>& rest() const { return rest_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positionals_;
  std::vector<std::string> rest_;
};

}  // namespace joulebench::cli
