// Help for every command (`joulebench COMMAND --help`) and the overview (`joulebench help`).
#pragma once

#include <string>
#include <vector>

namespace joulebench::cli {

struct CommandHelp {
  const char* name;
  const char* summary;   ///< one line: what it does
  const char* usage;     ///< after `joulebench NAME`
  const char* options;   ///< one option per line, with its default
  const char* examples;  ///< two, one per line
};

/// nullptr for an unknown command.
const CommandHelp* find_help(const std::string& command);
std::vector<std::string> command_names();
void print_help(const CommandHelp& help);
void print_overview();

}  // namespace joulebench::cli
