// Args: option parsing and typed, validated getters.
#include "cli/args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "joulebench/platform/suggest.hpp"

namespace joulebench::cli {

namespace {

bool looks_like_number(const std::string& a) {
  char* end = nullptr;
  std::strtod(a.c_str(), &end);
  return end == a.c_str() + a.size();
}

std::string nearest_option(const std::string& name, const std::set<std::string>& values,
                           const std::set<std::string>& flags) {
  std::vector<std::string> known(values.begin(), values.end());
  known.insert(known.end(), flags.begin(), flags.end());
  return platform::did_you_mean(name, known, "--");
}

}  // namespace

Args::Args(const std::vector<std::string>& argv, std::set<std::string> value_options,
           std::set<std::string> flags, std::size_t max_positionals) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      rest_.assign(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
      return;
    }
    if (a.size() > 1 && a[0] == '-' && a[1] != '-' && !looks_like_number(a)) {
      throw UsageError("unknown option '" + a + "'; options are written --name" +
                       nearest_option(a.substr(1), value_options, flags) + " (see --help)");
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      if (positionals_.size() >= max_positionals) {
        throw UsageError("unexpected argument '" + a + "'" +
                         (max_positionals == 0
                              ? std::string("; this command takes only options")
                              : "; this command takes at most " + std::to_string(max_positionals)) +
                         nearest_option(a, value_options, flags) + " (see --help)");
      }
      positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name) != 0) {
      if (inline_value) throw UsageError("option --" + name + " takes no value; write just --" + name);
      flags_set_.insert(name);
    } else if (value_options.count(name) != 0) {
      if (!inline_value && i + 1 >= argv.size()) {
        throw UsageError("option --" + name + " needs a value; write --" + name + " VALUE");
      }
      values_[name] = inline_value ? *inline_value : argv[++i];
    } else {
      const std::string hint = nearest_option(name, value_options, flags);
      throw UsageError("unknown option --" + name +
                       (hint.empty() ? "; see --help for this command's options" : hint));
    }
  }
}

bool Args::has(const std::string& name) const {
  return values_.count(name) != 0 || flags_set_.count(name) != 0;
}

std::optional<std::string> Args::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

std::optional<std::uint64_t> Args::uint(const std::string& name, std::uint64_t min, std::uint64_t max) const {
  const auto v = get(name);
  if (!v) return std::nullopt;
  const bool digits_only = !v->empty() && v->find_first_not_of("0123456789") == std::string::npos;
  errno = 0;
  const unsigned long long parsed = digits_only ? std::strtoull(v->c_str(), nullptr, 10) : 0;
  if (!digits_only || errno == ERANGE || parsed < min || parsed > max) {
    throw UsageError("--" + name + " '" + *v + "' is not a whole number from " + std::to_string(min) +
                     " to " + std::to_string(max) + "; give one in that range");
  }
  return parsed;
}

std::optional<double> Args::positive(const std::string& name, bool allow_zero) const {
  const auto v = get(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  const bool ok =
      !v->empty() && end == v->c_str() + v->size() && std::isfinite(d) && (allow_zero ? d >= 0 : d > 0);
  if (!ok) {
    throw UsageError("--" + name + " '" + *v + "' is not a " + (allow_zero ? "non-negative" : "positive") +
                     " number; give e.g. --" + name + " 10");
  }
  return d;
}

}  // namespace joulebench::cli
