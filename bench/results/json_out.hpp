// JSON text for files and standard output that never throws on bytes that are not UTF-8
// (a zone name read from the machine can hold anything): such bytes become U+FFFD.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace joulebench::cli {

inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Prints `j` and a newline on standard output.
inline void print_json(const nlohmann::json& j, int indent = -1) {
  const std::string text = json_text(j, indent) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace joulebench::cli
