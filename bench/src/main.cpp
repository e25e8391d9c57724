// joulebench: the command-line driver. Bad input exits 2 with one line naming the value and
// the fix; other failures exit 1.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "args.hpp"
#include "build_info.hpp"
#include "commands.hpp"
#include "joulebench/platform/workload.hpp"
#include "signals.hpp"

namespace {

constexpr const char* kUsage = R"(joulebench — how much work a joule buys, and how fast it can be turned down

usage: joulebench COMMAND [OPTIONS]

commands:
  run      [--quick] [--workloads sha256d,ffn-b1,ffn-b32[:dtype]] [--actuators duty,workers,...]
           [--levels 100,90,...,10] [--out DIR] [--allow-hw-caps] [--sysfs-root DIR] [--no-progress]
           the main job: idle baseline, efficiency, cap sweeps and throttle step responses per
           workload; writes DIR/{results.json,curves.csv,steps.csv,steps_timeseries.csv,report.html}
  compare  BASE.json NEW.json [--threshold PCT]   regression check (exit 1 on a regression)
  merge    DIR... [--csv FILE]                    one table and one CSV from many machines
  report   DIR                                    re-render DIR/report.html from its results
  mine     [--header HEX] [--start N] [--count N] [--threads N] [--kernel NAME]
           [--share-bits HEX | --difficulty D] [--duration SECONDS] [--batch N] [--no-pin]
           [--coinbase HEX --extranonce-offset N [--merkle-branch H,H,...]] [--json]
           sha256d nonce search (default: built-in block-800000 header for 10 s)
  infer    [--model PRESET|SPEC] [--dtype fp32|bf16|int8] [--batch N] [--threads N] [--kernel NAME]
           [--duration SECONDS] [--verify] [--against onednn] [--preemption TRIALS] [--json]
           forward passes of a model (default preset ffn: 2 feed-forward blocks 1024-4096-1024)
  gemm     --m M --n N --k K [--dtype fp32|bf16|int8] [--threads N] [--kernel NAME]
           [--against openblas|onednn|all] [--verify] [--repeats N] [--mc/--kc/--nc N] [--json]
           our GEMM (weights packed once) against libraries on the same inputs, same process
  sensors  [--sysfs-root DIR] [--calibration FILE] [--json]
           every sensor and actuator found, readable or not and why, measured or estimated
  power    [--sysfs-root DIR] [--duration S] [--json]       average watts per sensor
  measure  [--sysfs-root DIR] [--json] -- COMMAND [ARGS...] energy of a command (exit code passed through)
  cap      ACTUATOR=VALUE... [--allow-hw-caps] [--sysfs-root DIR] -- COMMAND [ARGS...]
           run a command under caps (120W, 2.1GHz, 60%); previous values restored however it ends
  calibrate [--sysfs-root DIR] [--out FILE] [--seconds S]
           fit the estimated model to a measured sensor (miner on 0..N cores)
  restore  [--sysfs-root DIR]        put back every cap recorded in the journal (after a crash)
  hash     --header HEX [--json]      block hash of a header and whether it meets its target
  kernels  [--json]                   mining and GEMM kernels built in, which this CPU runs, the defaults
  help                                this text
)";

// Library baselines are timed one after another in the same process. OpenMP (oneDNN) and
// OpenBLAS keep their idle worker threads spinning for a while after each call, which steals the
// cores from whichever contender runs next; both read their wait policy only when they load, so
// the process sets it and starts itself again. A value the user set is kept.
void quiet_library_pools(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool comparing = !args.empty() && (args[0] == "gemm" || args[0] == "infer") &&
                         std::any_of(args.begin(), args.end(),
                                     [](const std::string& a) { return a.rfind("--against", 0) == 0; });
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
    std::fputs(kUsage, stdout);
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
      {"plan", cmd_plan}};
  const auto it = commands.find(args[0]);
  if (it == commands.end()) {
    std::fprintf(stderr, "joulebench: error: unknown command '%s'; run `joulebench help` for the list\n",
                 args[0].c_str());
    return 2;
  }
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
