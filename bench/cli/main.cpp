// joulebench: the command-line driver. Bad input exits 2 with one line naming the value and
// the fix; other failures exit 1.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/suggest.hpp"
#include "joulebench/platform/workload.hpp"
#include "runtime/build_info.hpp"
#include "runtime/signals.hpp"

namespace {

// Library baselines are timed one after another in the same process. OpenMP (oneDNN) and
// OpenBLAS keep their idle worker threads spinning for a while after each call, which steals the
// cores from whichever contender runs next; both read their wait policy only when they load, so
// the process sets it and starts itself again. A value the user set is kept.
void quiet_library_pools(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // `run` times our kernels against oneDNN on each inference workload (kernel_vs_library).
  const bool comparing =
      !args.empty() && (args[0] == "run" || ((args[0] == "gemm" || args[0] == "infer") &&
                                             std::any_of(args.begin(), args.end(), [](const std::string& a) {
                                               return a.rfind("--against", 0) == 0;
                                             })));
  if (!comparing || std::getenv("JOULEBENCH_POOLS_QUIET") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  ::setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);  // the smallest: idle threads sleep after 2^4 cycles
  ::setenv("JOULEBENCH_POOLS_QUIET", "1", 1);
  ::execv("/proc/self/exe", argv);  // on failure, carry on with the pools as they are
}

}  // namespace

int main(int argc, char** argv) {
  quiet_library_pools(argc, argv);
  using namespace joulebench::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    const CommandHelp* topic = args.size() > 1 ? find_help(args[1]) : nullptr;
    if (topic != nullptr)
      print_help(*topic);
    else
      print_overview();
    return 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("%s\n", version_line().c_str());
    return 0;
  }
  const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands = {
      {"hash", cmd_hash},   {"mine", cmd_mine},           {"kernels", cmd_kernels}, {"gemm", cmd_gemm},
      {"infer", cmd_infer}, {"sensors", cmd_sensors},     {"power", cmd_power},     {"measure", cmd_measure},
      {"cap", cmd_cap},     {"restore", cmd_restore},     {"run", cmd_run},         {"compare", cmd_compare},
      {"merge", cmd_merge}, {"calibrate", cmd_calibrate}, {"report", cmd_report},   {"site", cmd_site},
      {"plan", cmd_plan},   {"export", cmd_export}};
  const auto it = commands.find(args[0]);
  if (it == commands.end()) {
    std::fprintf(stderr, "joulebench: error: unknown command '%s'%s; run `joulebench help` for the list\n",
                 args[0].c_str(), joulebench::platform::did_you_mean(args[0], command_names()).c_str());
    return 2;
  }
  // -h/--help anywhere before "--" (after it, they belong to the command being measured or capped).
  for (std::size_t i = 1; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      print_help(*find_help(args[0]));
      return 0;
    }
  }
  // Timings under an emulator describe the emulator: the commands that time say so first.
  static const std::set<std::string> timing = {"run", "site", "mine", "kernels", "gemm", "infer", "measure"};
  if (const auto& why = joulebench::platform::emulation(); why && timing.count(args[0]) != 0)
    std::fprintf(stderr,
                 "joulebench: warning: running under an emulator (%s): timings, hashes/s, inferences/s and "
                 "energy per unit say nothing about this hardware; use the results for correctness only\n",
                 why->c_str());
  install_interrupt_handlers();
  try {
    return it->second(std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const joulebench::platform::Cancelled& e) {
    std::fprintf(stderr, "joulebench: %s\n", e.what());
    return interrupted_exit_code();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "joulebench: error: %s\n", e.what());
    return 1;
  }
}
