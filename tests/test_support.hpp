// Helpers shared by the tests: the real-header fixture and running the CLI as a child process.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace joulebench::testing {

/// Real mainnet/testnet/regtest headers (tests/data/headers-public.json).
inline nlohmann::json real_headers() {
  std::ifstream in(JOULEBENCH_HEADERS_JSON);
  return nlohmann::json::parse(in);
}

struct CommandResult {
  int exit_code;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line, capturing both streams.
inline CommandResult run_shell(const std::string& line) {
  const std::string cmd = line + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (pipe != nullptr && std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

#ifdef JOULEBENCH_BINARY
/// Runs `joulebench ARGS` through the shell, capturing both streams.
inline CommandResult run_cli(const std::string& args) {
  return run_shell(std::string(JOULEBENCH_BINARY) + " " + args);
}
#endif

constexpr const char* kGenesisHex =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
constexpr std::uint32_t kGenesisNonce = 2083236893;

}  // namespace joulebench::testing
