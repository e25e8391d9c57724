// What this binary is: version, commit and how it was built (from the build itself, never typed).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace joulebench::cli {

extern const char* const kToolVersion;
extern const char* const kBuildType;
extern const char* const kCompiler;
extern const char* const kCxxFlags;
extern const char* const kIsaFlags;
extern const char* const kBuildCommit;
extern const bool kBuildDirty;

/// {name, version, commit, dirty}
inline nlohmann::json tool_json() {
  return {
      {"name", "joulebench"}, {"version", kToolVersion}, {"commit", kBuildCommit}, {"dirty", kBuildDirty}};
}

/// {type, compiler, flags, isa_flags}
inline nlohmann::json build_json() {
  return {{"type", kBuildType},
          {"compiler", kCompiler},
          {"flags", kCxxFlags},
          {"isa_flags", kIsaFlags},
          {"note", "generic code at the baseline x86-64 ISA; only kernel translation units get ISA flags"}};
}

/// "joulebench 0.2.0 (commit 1a2b3c4d5e6f, Release, GNU 12.2.0)"
inline std::string version_line() {
  return std::string("joulebench ") + kToolVersion + " (commit " + kBuildCommit +
         (kBuildDirty ? "+changes" : "") + ", " + kBuildType + ", " + kCompiler + ")";
}

}  // namespace joulebench::cli
