// Per-command help: usage, what it does, every option with its default, two examples.
#include "cli/help.hpp"

#include <cstdio>

namespace joulebench::cli {
namespace {

constexpr CommandHelp kCommands[] = {
    {"run", "the main job: idle, efficiency, cap sweeps and throttle steps per workload", "[OPTIONS]",
     R"(  --quick                 short windows (~1 min; figures flagged as below the method's minimums)
  --workloads LIST        default sha256d,ffn-b1,ffn-b32; items: sha256d, a preset[:fp32|bf16|int8],
                          mlp:DIMS,layers=N,... (see `infer --help`)
  --actuators LIST        default duty,workers (+ hardware limits with --allow-hw-caps)
  --levels LIST           cap levels in %, default 100,90,80,70,60,50,40,30,20,10 (quick 100,70,40,10)
  --step-to LIST          step depths in %, default 70,50,30,10 (quick 50,10)
  --out DIR               default joulebench-results; refuses earlier results unless --force
  --force                 move earlier results in DIR aside (DIR/previous-<UTC>/)
  --allow-hw-caps         also sweep RAPL, cpufreq and NVML limits and a --meter's node limit
                          (Redfish Controls/PowerLimit), restored however the run ends
  --sysfs-root DIR        read sensors/actuators under DIR instead of / (fake trees in tests)
  --calibration FILE      estimated-power model from `calibrate` (default: a generic model)
  --meter URL             a wall/PSU meter as the energy source: redfish://HOST/redfish/v1/Chassis/ID
                          (redfish+http:// for plain HTTP), snmp://COMMUNITY@HOST[:PORT][/outlet/N],
                          ipmi://USER@HOST[:PORT] (a BMC: DCMI, else its SDR power sensors) or
                          ptd://HOST[:PORT] (SPEC PTDaemon; measure runs MLPerf's ranging workflow)
  --meter-credentials F   its user:password (file mode 0600; else JOULEBENCH_METER_USER/_PASSWORD)
  --meter-ca FILE         trust this CA for the meter's TLS;  --insecure  check no certificate
  --meter-interval S      poll the meter every S seconds, default its own sensing interval
  --threads N             workers per workload, default one per core
  --kernel ISA|NAME       the inference workloads' GEMM kernel (portable, avx2, avx512f, ...),
                          default the fastest this CPU runs
  --no-pin                do not pin workers to cores
  --no-progress           no live progress line)",
     "joulebench run --quick\n  joulebench run --workloads sha256d,ffn-b32:bf16 --levels 100,50,25 --out "
     "today"},
    {"site", "inference in front, mining behind, one power budget", "[OPTIONS]",
     R"(  --front PRESET          inference preset in front, default ffn (batch = --max-batch)
  --load SPEC             poisson:RATE | bursty:RATE,PEAK,PERIOD | trace:FILE.csv; RATE in requests/s
                          or % of the measured capacity; default poisson:50%
  --max-batch N           default 8;  --batch-wait-ms MS  default 2;  --slo-ms MS  default 50 (p99)
  --budget W|%            site budget, e.g. 60W or 70% of the full-load power measured at the start
  --budget-schedule FILE  CSV time_s,budget lines (watts or %): demand-response events
  --planner DIR           compare `plan`'s prediction with what the co-run measured
  --duration S            each stream phase, default 60 (quick 12);  --seed N  default 1
  --back-priority P       background (default, SCHED_IDLE) or normal
  --when-infeasible P     a budget below the front alone: budget (default: throttle the front,
                          report the SLO loss) or slo (keep the front whole, report the excess)
  --out DIR               default joulebench-site;  --force, --quick, --threads N, --no-pin,
                          --no-progress, --sysfs-root DIR, --calibration FILE, --meter URL and
                          its options as for run)",
     "joulebench site --quick\n  joulebench site --load poisson:50% --budget 100% --budget-schedule cut.csv "
     "--planner base"},
    {"plan", "the allocation a planner derives from a run's planner.json",
     "--results DIR --budget W [OPTIONS]",
     R"(  --results DIR           a `run` results directory (or its planner.json)
  --budget W              site budget in watts, e.g. 60W
  --demand RATE           inference requests/s to serve, default 0
  --front NAME            inference workload, default the first in the file
  --max-batch N           the front's largest batch, default the batch it was run with
  --batch-wait-ms MS      how long a batch waits for more requests, default 0
  --value-per-hash X      maximise the value of the mining (hashes/s x X) and print it
  --slo-ms MS             the front's p99 must stay within MS (else the plan is infeasible)
  --lp FILE               where to write the problem as CPLEX LP, default plan.lp beside planner.json
  --json                  print the plan as JSON
exit 1 when no allocation meets the demand, the SLO and the budget (each reason is printed))",
     "joulebench plan --results base --budget 60W --demand 400\n  joulebench plan --results base --budget "
     "45W --demand 200 --max-batch 8 --json"},
    {"export", "a run's planner.json as SPECpower CSV, a PyPSA network, OpenMetrics or a GEOPM policy",
     "--results DIR --format FORMAT --out PATH [OPTIONS]",
     R"(  --results DIR           a `run` results directory (or its planner.json)
  --format FORMAT         specpower-csv | pypsa | openmetrics | geopm-policy
  --out PATH              the file to write (a folder for pypsa: buses.csv, generators.csv)
  --value-per-hash X      pypsa: value of one hash, default 1 (marginal_cost = -hashes/MWh x X)
  --value-per-inference X pypsa: value of one inference (a batch's forward pass), default 1
  --budget W              geopm-policy: the site budget `plan` allocates (the policy caps at its site watts)
  --demand RATE           geopm-policy: inference requests/s to serve, default 0
  --force                 replace files that exist)",
     "joulebench export --results base --format openmetrics --out base/metrics.prom\n  joulebench export "
     "--results base --format pypsa --out base/pypsa --value-per-hash 2e-12"},
    {"compare", "regression check between two results (exit 1 on a regression, 2 not comparable)",
     "BASE NEW [OPTIONS]",
     R"(  BASE, NEW               results directories or results.json files
  --threshold PCT         smallest change that counts, default 5
  --force                 compare even runs of another CPU, kernel, thread count or --quick
  --json                  print the report as JSON
  --html FILE             also write a page with both runs' curves and steps overlaid)",
     "joulebench compare base new --html compare.html\n  joulebench compare base/results.json "
     "new/results.json --threshold 3 --json"},
    {"merge", "a fleet's results in one table, CSV and page (exit 1 when a directory had no result)",
     "DIR... [OPTIONS]",
     R"(  DIR...                  results directories (one per node); one without a result is listed as failed
  --csv FILE              the table as CSV, default merged.csv
  --html FILE             the fleet page: a row per directory, curves overlaid
  --json                  print the fleet as JSON instead of the table)",
     "joulebench merge fleet/*/ --html fleet.html\n  joulebench merge RESULTS/4242/* --csv fleet.csv --json"},
    {"report", "re-render DIR/report.html from its results files", "DIR",
     "  DIR                     a results directory",
     "joulebench report joulebench-results\n  joulebench report results/reference"},
    {"mine", "sha256d nonce search", "[OPTIONS]",
     R"(  --header HEX            80-byte header (default: built-in block 800000)
  --start N               first nonce, default 0;  --count N  nonces to scan (default: until --duration)
  --duration S            default 10 (none with --count)
  --threads N             default one per core;  --no-pin
  --kernel NAME           default the fastest this CPU runs (see `kernels`)
  --share-bits HEX | --difficulty D   an easier target than the header's
  --batch N               nonces per throttle check, default 4096
  --keep N                found nonces kept (all are counted), default 1000
  --coinbase HEX --extranonce-offset N [--merkle-branch H,...]   roll the extranonce
  --version-rolling [MASK]  BIP 320: hash each nonce under several nVersion values (mask default
                          0x1fffe000); hash 1's schedule is shared between them
  --versions N            versions per nonce with --version-rolling, default 4
  --json                  print the result as JSON (with cycles/hash against the core clock))",
     "joulebench mine --duration 5\n  joulebench mine --kernel avx2 --threads 1 --difficulty 1e-6 --json\n"
     "  joulebench mine --version-rolling --versions 16 --duration 5"},
    {"hash", "block hash of a header and whether it meets its target", "--header HEX [--json]",
     "  --header HEX            80-byte block header, hex\n  --json                  print as JSON",
     "joulebench hash --header 0100...\n  joulebench hash --header 0100... --json"},
    {"kernels", "kernels built in, which this CPU runs, the defaults, sha256d cycles/hash and port bounds",
     "[OPTIONS]",
     R"(  --rounds N              interleaved measuring rounds per sha256d kernel, default 15
  --no-measure            list only (no cycles/hash measurement, ~1-2 s)
  --json                  print as JSON)",
     "joulebench kernels\n  joulebench kernels --json --rounds 41"},
    {"infer", "forward passes of a model: inferences/s, latency, preemption", "[OPTIONS]",
     R"(  --model PRESET|SPEC     ffn (default), ffn-b1, ffn-b8, ffn-b32, mlp-small, tiny, or
                          mlp:1024x4096x1024,layers=2,act=gelu,bias=1,residual=1,batch=8
  --dtype fp32|bf16|int8  default fp32;  --batch N  overrides the model's batch
  --threads N             default one per core;  --kernel NAME;  --no-pin
  --duration S            default 5
  --verify                check against the reference, with the throttle moving
  --against onednn        the same model in oneDNN, same process;  --repeats N  default 7
  --preemption N          pause trials for the preemption latency, default 30
  --json                  print as JSON)",
     "joulebench infer --model ffn-b32 --dtype bf16\n  joulebench infer --model tiny --verify --json"},
    {"gemm", "our GEMM against libraries on the same inputs, same process", "--m M --n N --k K [OPTIONS]",
     R"(  --m, --n, --k           problem size (required)
  --dtype fp32|bf16|int8  default fp32;  --kernel NAME;  --threads N  default one per core;  --no-pin
  --against LIB           openblas, onednn or all
  --repeats N             interleaved repeats, default 7;  --round-seconds S  default 0.1
  --mc/--kc/--nc N        blocking override (default from the cache sizes)
  --verify                check against the reference;  --json  print as JSON)",
     "joulebench gemm --m 1024 --n 1024 --k 1024 --against all\n  joulebench gemm --m 64 --n 4096 --k 1024 "
     "--dtype int8 --verify --json"},
    {"sensors", "every sensor and actuator found, readable or not and why", "[OPTIONS]",
     "  --sysfs-root DIR        default /\n  --calibration FILE      estimated model\n  --json               "
     "   print as JSON\n  --meter URL, --meter-credentials F, --meter-ca FILE, --insecure, --meter-interval "
     "S\n"
     "                          a wall/PSU meter too (see run --help)",
     "joulebench sensors\n  joulebench sensors --meter redfish://bmc1/redfish/v1/Chassis/1U --json"},
    {"power", "average watts per sensor over a window, or per interval", "[OPTIONS]",
     R"(  --duration S            default 2 (10 with --interval)
  --interval MS           a row per interval, a column per sensor (like perf stat -I); at least 10
  --sysfs-root DIR, --calibration FILE
  --meter URL, --meter-credentials F, --meter-ca FILE, --insecure, --meter-interval S
                          a wall/PSU meter as the energy source (see run --help)
  --json                  print as JSON)",
     "joulebench power\n  joulebench power --interval 500 --duration 30"},
    {"measure", "energy of a command, net of idle (its exit code passed through)",
     "[OPTIONS] -- COMMAND [ARGS...]",
     R"(  --repeat N              run it N times: mean and min..max per sensor, default 1
  --idle S                idle window before the first run, for the net figure, default 1 (0: none)
  --sysfs-root DIR, --calibration FILE
  --meter URL, --meter-credentials F, --meter-ca FILE, --insecure, --meter-interval S
                          a wall/PSU meter as the energy source (see run --help)
  --json                  print as JSON)",
     "joulebench measure -- sleep 1\n  joulebench measure --repeat 5 --json -- make -j2"},
    {"cap", "run a command under caps, restored however it ends",
     "ACTUATOR=VALUE... [OPTIONS] -- COMMAND [ARGS...]",
     R"(  ACTUATOR=VALUE          e.g. powercap:package-0=120W, cpufreq=2.1GHz, nvml:gpu0=250W, or 60% of the range
  --allow-hw-caps         required: it changes hardware limits
  --sysfs-root DIR        default /
  --meter URL             a Redfish meter: its chassis limit redfish:HOST/ID/limit becomes a cap
  --meter-credentials F, --meter-ca FILE, --insecure, --meter-interval S   as for run
  --json                  print the caps set and restored as JSON)",
     "joulebench cap powercap:package-0=80W --allow-hw-caps -- ./job\n  joulebench cap cpufreq=2GHz "
     "--allow-hw-caps --json -- sleep 10"},
    {"restore", "put back every cap recorded in the journal (after a crash or SIGKILL)", "[OPTIONS]",
     "  --force                 also take the entries of a live owner\n  --sysfs-root DIR        default /\n "
     " --json                  print what was restored as JSON\n  --meter-credentials F, --meter-ca FILE, "
     "--insecure   how to reach a journalled Redfish limit",
     "joulebench restore\n  joulebench restore --force --json"},
    {"calibrate", "fit the estimated model (idle W, W per busy core) to a measured sensor", "[OPTIONS]",
     "  --seconds S             per step, default 5\n  --out FILE              default "
     "joulebench-calibration.json\n  --sysfs-root DIR        default /",
     "joulebench calibrate\n  joulebench calibrate --seconds 10 --out zen3.json"},
};

}  // namespace

const CommandHelp* find_help(const std::string& command) {
  for (const auto& c : kCommands)
    if (command == c.name) return &c;
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& c : kCommands) names.emplace_back(c.name);
  return names;
}

void print_help(const CommandHelp& c) {
  std::printf(
      "joulebench %s — %s\n\nusage: joulebench %s %s\n\noptions:\n%s\n  -h, --help              this "
      "text\n\nexamples:\n  %s\n",
      c.name, c.summary, c.name, c.usage, c.options, c.examples);
}

void print_overview() {
  std::printf(
      "joulebench — how much work a joule buys, and how fast it can be turned down\n\n"
      "usage: joulebench COMMAND [OPTIONS]      joulebench COMMAND --help for its options\n\ncommands:\n");
  for (const auto& c : kCommands) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("  %-10s %s\n  %-10s %s\n\nexamples:\n  joulebench run --quick\n  joulebench site --quick\n",
              "help", "this text (help COMMAND: that command's)", "--version",
              "tool version, commit and build");
}

}  // namespace joulebench::cli
