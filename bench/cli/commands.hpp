// The joulebench subcommands; each returns the process exit code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace joulebench::cli {

int cmd_hash(const std::vector<std::string>& args);
int cmd_mine(const std::vector<std::string>& args);
int cmd_kernels(const std::vector<std::string>& args);
int cmd_gemm(const std::vector<std::string>& args);
int cmd_infer(const std::vector<std::string>& args);
int cmd_sensors(const std::vector<std::string>& args);
int cmd_power(const std::vector<std::string>& args);
int cmd_measure(const std::vector<std::string>& args);
int cmd_cap(const std::vector<std::string>& args);
int cmd_restore(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_merge(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);
int cmd_report(const std::vector<std::string>& args);
int cmd_site(const std::vector<std::string>& args);
int cmd_plan(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);
/// Refuses (UsageError) to write into a directory holding an earlier run's results; with
/// `force` moves them into DIR/previous-<time>/ first.
void make_room_for_results(const std::filesystem::path& dir, bool force);

}  // namespace joulebench::cli
