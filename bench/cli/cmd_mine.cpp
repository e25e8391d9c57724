// `joulebench hash`, `joulebench mine` and `joulebench kernels`.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/args.hpp"
#include "cli/blocking_view.hpp"
#include "cli/commands.hpp"
#include "cli/kernel_speed.hpp"
#include "cli/port_bounds_view.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/coinbase.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/miner/miner.hpp"
#include "joulebench/platform/core_clock.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"
#include "results/json_out.hpp"
#include "results/si.hpp"
#include "runtime/signals.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;
using namespace joulebench::miner;

// Bitcoin block 800000: the built-in benchmark header when --header is not given.
constexpr const char* kBenchmarkHeader =
    "00601d3455bb9fbd966b3ea2dc42d0c22722e4c0c1729fad17210100000000000000000055087fab0c8f3f89f8"
    "bcfd4df26c504d81b0a88e04907161838c0c53001af09135edbd64943805175e955e06";

BlockHeader header_from(const Args& a, bool required) {
  const auto hex = a.get("header");
  if (!hex && required) throw UsageError("--header is required; pass 160 hex characters");
  try {
    return parse_header_hex(hex.value_or(kBenchmarkHeader));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

Target target_from(const Args& a, const BlockHeader& header) {
  if (a.has("share-bits") && a.has("difficulty")) {
    throw UsageError("--share-bits and --difficulty both set the share target; give only one");
  }
  try {
    if (const auto bits = a.get("share-bits")) return target_from_compact(parse_compact_hex(*bits));
    if (const auto d = a.positive("difficulty")) return target_from_difficulty(*d);
    return target_from_compact(header.bits);
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

const KernelInfo& kernel_from(const Args& a) {
  try {
    if (const auto name = a.get("kernel")) return find_kernel(*name);
    return default_kernel();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

std::optional<CoinbaseRoller> coinbase_from(const Args& a) {
  if (!a.has("coinbase")) {
    if (a.has("extranonce-offset") || a.has("merkle-branch")) {
      throw UsageError("--extranonce-offset and --merkle-branch need --coinbase HEX");
    }
    return std::nullopt;
  }
  const auto offset = a.uint("extranonce-offset", 0, 1u << 20);
  if (!offset) throw UsageError("--coinbase needs --extranonce-offset N (byte offset of the extranonce)");
  try {
    return parse_coinbase(*a.get("coinbase"), *offset, a.get_or("merkle-branch", ""));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

std::string hex32(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

json found_json(const FoundNonce& f) {
  return {{"nonce", f.nonce},
          {"version", hex32(static_cast<std::uint32_t>(f.header.version))},
          {"hash", display_hex(f.hash)},
          {"time", f.header.time},
          {"header", f.header.to_hex()}};
}

// `--version-rolling [MASK]`: the mask is optional, so a bare flag becomes the BIP 320 default.
std::vector<std::string> expand_version_rolling(std::vector<std::string> argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] != "--version-rolling") continue;
    const bool has_value = i + 1 < argv.size() && argv[i + 1].rfind("-", 0) != 0;
    if (!has_value) argv[i] = "--version-rolling=0x1fffe000";
  }
  return argv;
}

std::optional<std::uint32_t> version_mask_from(const Args& a) {
  const auto text = a.get("version-rolling");
  if (!text) {
    if (a.has("versions")) throw UsageError("--versions needs --version-rolling [MASK]");
    return std::nullopt;
  }
  try {
    std::size_t used = 0;
    const unsigned long long v = std::stoull(*text, &used, 16);
    if (used == text->size() && v <= 0xffffffffull && v != 0) return static_cast<std::uint32_t>(v);
  } catch (const std::exception&) {
  }
  throw UsageError("--version-rolling '" + *text +
                   "' is not a nonzero 32-bit hex mask; BIP 320's is 0x1fffe000 (bits 13-28)");
}

// Cycles per hash against the dependent-add clock of this same run (before and after the mine).
json cycles_json(const platform::CoreClock& before, const platform::CoreClock& after, const MiningResult& r,
                 std::size_t threads) {
  const double hz = (before.hz + after.hz) / 2;
  return {{"core_clock_hz", hz},
          {"core_clock_change_pct", 100 * (after.hz - before.hz) / before.hz},
          {"cycles_per_hash",
           r.hashes > 0 ? json(hz * r.seconds * static_cast<double>(threads) / static_cast<double>(r.hashes))
                        : json()},
          {"method",
           "dependent-add clock measured before and after the mine on the calling thread; cycles/hash = "
           "clock x seconds x threads / hashes (each thread on its own core)"}};
}

void print_mining_human(const Miner& miner, const MinerConfig& cfg, const MiningResult& r) {
  std::printf("kernel %s, %zu thread(s)%s, target %s\n", miner.kernel().c_str(), miner.threads(),
              miner.pinned() ? " pinned" : "", cfg.target.to_hex().c_str());
  for (const auto& f : r.found) {
    std::printf("found nonce %u (0x%08x) version 0x%08x time %u hash %s\n", f.nonce, f.nonce,
                static_cast<std::uint32_t>(f.header.version), f.header.time, display_hex(f.hash).c_str());
  }
  if (r.found_count > r.found.size())
    std::printf("(%zu of %llu found nonces shown; --keep N keeps more)\n", r.found.size(),
                static_cast<unsigned long long>(r.found_count));
  std::printf("%llu hashes in %.3f s: %.2f MH/s (%.2f MH/s per thread), %llu found, %llu roll(s)%s\n",
              static_cast<unsigned long long>(r.hashes), r.seconds, r.hashes_per_second() / 1e6,
              r.hashes_per_second() / 1e6 / static_cast<double>(miner.threads()),
              static_cast<unsigned long long>(r.found_count), static_cast<unsigned long long>(r.rolls),
              r.completed ? ", range complete" : "");
}

json kernel_choice_json(const Args& a) {
  if (a.has("kernel")) return {{"by", "--kernel"}};
  if (const char* forced = std::getenv("JOULEBENCH_KERNEL"); forced != nullptr && *forced != 0)
    return {{"by", "JOULEBENCH_KERNEL"}};
  const KernelChoice& c = measured_kernel_choice();
  json rates = json::object();
  for (const auto& [name, hps] : c.hashes_per_second) rates[std::string(name)] = hps;
  return {{"by", "measurement"}, {"why", c.why}, {"hashes_per_second", rates}};
}

json rolling_json(const MinerConfig& cfg, const MiningResult& r) {
  if (!cfg.version_mask) return nullptr;
  const auto base = static_cast<std::uint32_t>(cfg.header.version);
  std::set<std::string> used;
  for (const auto& f : r.found) used.insert(hex32(static_cast<std::uint32_t>(f.header.version)));
  return {{"mask", hex32(*cfg.version_mask)},
          {"versions_per_nonce", cfg.versions},
          {"first_version", hex32(version_at(base, *cfg.version_mask, 0))},
          {"last_version", hex32(version_at(base, *cfg.version_mask, cfg.versions - 1))},
          {"versions_of_found", used},
          {"hashes_are", "(version, nonce) headers: nonces x versions_per_nonce"}};
}

}  // namespace

int cmd_hash(const std::vector<std::string>& argv) {
  const Args a(argv, {"header"}, {"json"});
  const BlockHeader header = header_from(a, true);
  const Hash256 hash = block_hash(header);
  Target target;
  try {
    target = target_from_compact(header.bits);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const bool meets = hash_meets_target(hash, target);
  if (a.flag("json")) {
    print_json(json{{"hash", display_hex(hash)},
                    {"meets_target", meets},
                    {"target", target.to_hex()},
                    {"bits", header.bits},
                    {"nonce", header.nonce},
                    {"time", header.time},
                    {"version", header.version}});
  } else {
    std::printf("%s\n%s its target %s\n", display_hex(hash).c_str(), meets ? "meets" : "does not meet",
                target.to_hex().c_str());
  }
  return 0;
}

int cmd_mine(const std::vector<std::string>& argv) {
  const Args a(
      expand_version_rolling(argv),
      {"header", "start", "count", "threads", "kernel", "share-bits", "difficulty", "duration", "batch",
       "coinbase", "extranonce-offset", "merkle-branch", "keep", "version-rolling", "versions"},
      {"json", "no-pin"});
  MinerConfig cfg;
  cfg.header = header_from(a, false);
  cfg.target = target_from(a, cfg.header);
  cfg.start = static_cast<std::uint32_t>(a.uint("start", 0, 0xffffffffu).value_or(0));
  cfg.count = a.uint("count", 1, 1ull << 32);
  cfg.duration_s = a.positive("duration").value_or(cfg.count ? 0.0 : 10.0);
  cfg.threads = a.uint("threads", 1, 4096).value_or(0);
  if (a.get("threads") && cfg.threads == 0) throw UsageError("--threads 0: give at least 1");
  cfg.batch = static_cast<std::uint32_t>(a.uint("batch", 64, 1u << 24).value_or(4096));
  cfg.pin = !a.flag("no-pin");
  cfg.kernel = &kernel_from(a);
  cfg.coinbase = coinbase_from(a);
  cfg.keep = a.uint("keep", 0, 1000000).value_or(1000);
  cfg.version_mask = version_mask_from(a);
  cfg.versions = a.uint("versions", 1, 1ull << 32).value_or(4);
  if (cfg.count && cfg.start + *cfg.count > (1ull << 32)) {
    throw UsageError("--start " + std::to_string(cfg.start) + " + --count " + std::to_string(*cfg.count) +
                     " passes 2^32 nonces; lower --count to at most " +
                     std::to_string((1ull << 32) - cfg.start));
  }
  std::optional<Miner> built;
  try {
    built.emplace(cfg);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  Miner& miner = *built;
  const platform::CoreClock clock_before = platform::measure_core_clock();
  const MiningResult r = miner.mine(interrupt_token());
  const platform::CoreClock clock_after = platform::measure_core_clock();
  if (a.flag("json")) {
    json found = json::array();
    for (const auto& f : r.found) found.push_back(found_json(f));
    print_json(json{{"kernel", miner.kernel()},
                    {"threads", miner.threads()},
                    {"pinned", miner.pinned()},
                    {"hashes", r.hashes},
                    {"seconds", r.seconds},
                    {"hashes_per_second", r.hashes_per_second()},
                    {"found", found},
                    {"found_count", r.found_count},
                    {"kept", r.found.size()},
                    {"target", cfg.target.to_hex()},
                    {"rolls", r.rolls},
                    {"completed", r.completed},
                    {"interrupted", interrupted()},
                    {"clock", cycles_json(clock_before, clock_after, r, miner.threads())},
                    {"kernel_choice", kernel_choice_json(a)},
                    {"version_rolling", rolling_json(cfg, r)}});
  } else {
    print_mining_human(miner, cfg, r);
    const json c = cycles_json(clock_before, clock_after, r, miner.threads());
    if (c["cycles_per_hash"].is_number())
      std::printf("%.1f cycles/hash at a %.2f GHz core clock (dependent-add, same run)\n",
                  c["cycles_per_hash"].get<double>(), c["core_clock_hz"].get<double>() / 1e9);
    if (const json v = rolling_json(cfg, r); !v.is_null())
      std::printf("version rolling: mask %s, %llu versions per nonce (%s .. %s)\n",
                  v["mask"].get<std::string>().c_str(), static_cast<unsigned long long>(cfg.versions),
                  v["first_version"].get<std::string>().c_str(),
                  v["last_version"].get<std::string>().c_str());
  }
  return interrupted() ? interrupted_exit_code() : 0;
}

int cmd_kernels(const std::vector<std::string>& argv) {
  const Args a(argv, {"rounds"}, {"json", "no-measure"});
  KernelSpeeds speeds;
  if (!a.flag("no-measure"))
    speeds = measure_kernel_speeds(static_cast<int>(a.uint("rounds", 3, 1000).value_or(15)));
  const auto speed_of = [&](std::string_view name, bool rolled) -> json {
    for (const auto& r : speeds.rows)
      if (r.kernel == name && (r.versions > 1) == rolled) return r.cycles_per_hash;
    return nullptr;
  };
  json list = json::array();
  const KernelInfo& chosen = default_kernel();
  for (const auto& k : all_kernels()) {
    list.push_back({{"workload", "sha256d"},
                    {"name", k.name},
                    {"description", k.description},
                    {"lanes", k.lanes},
                    {"supported", k.cpu_supports()},
                    {"default", &k == &chosen},
                    {"cycles_per_hash", speed_of(k.name, false)},
                    {"cycles_per_hash_rolled", speed_of(k.name, true)}});
  }
  for (const auto& k : inference::all_gemm_kernels()) {
    const std::string dtype(inference::to_string(k.dtype));
    const std::string needs = k.cpu_feature.empty() ? "" : ", needs " + std::string(k.cpu_feature);
    list.push_back({{"workload", "gemm-" + dtype},
                    {"name", k.name},
                    {"description", std::string(k.isa) + " micro-kernel " + std::to_string(k.mr) + "x" +
                                        std::to_string(k.nr) + needs},
                    {"lanes", k.nr},
                    {"supported", k.cpu_supports()},
                    {"default", &k == &inference::find_gemm_kernel(k.dtype)}});
  }
  json speed = nullptr;
  if (!speeds.rows.empty()) {
    speed = {{"core_clock_hz", speeds.clock_hz},
             {"core_clock_spread_pct", speeds.clock_spread_pct},
             {"rounds", speeds.rounds},
             {"slice_ms", speeds.slice_ms},
             {"method",
              "one pinned thread; each kernel scans ~slice_ms of nonces per round, rounds interleaved "
              "across kernels; median slice per kernel; cycles = that x the dependent-add clock "
              "measured between rounds"},
             {"rows", json::array()}};
    for (const auto& r : speeds.rows)
      speed["rows"].push_back({{"kernel", r.kernel},
                               {"versions_per_nonce", r.versions},
                               {"hashes_per_second", r.hashes_per_second},
                               {"cycles_per_hash", r.cycles_per_hash},
                               {"spread_pct", r.spread_pct}});
  }
  const KernelChoice& choice = measured_kernel_choice();
  const json bounds = port_bounds_json(speeds);
  json blocking{{"machine_rates", machine_rates_json()}, {"kernels", json::array()}};
  for (const auto& k : inference::all_gemm_kernels()) {
    if (!k.cpu_supports()) continue;
    json row = blocking_json(k, inference::Blocking{}.resolved(k));
    row["kernel"] = k.name;
    row["default"] = &k == &inference::find_gemm_kernel(k.dtype);
    blocking["kernels"].push_back(row);
  }
  if (a.flag("json")) {
    print_json(json{{"kernels", list},
                    {"sha256d_speed", speed},
                    {"sha256d_port_bounds", bounds},
                    {"gemm_blocking", blocking},
                    {"sha256d_default", {{"kernel", choice.kernel->name}, {"why", choice.why}}}},
               2);
    return 0;
  }
  for (const auto& k : list) {
    std::printf("%-10s %-24s %-9s %s%s\n", k["workload"].get<std::string>().c_str(),
                k["name"].get<std::string>().c_str(), k["supported"].get<bool>() ? "supported" : "no-cpu",
                k["description"].get<std::string>().c_str(), k["default"].get<bool>() ? " [default]" : "");
  }
  std::printf("cpu: %s; %s\n", platform::cpu_brand().c_str(), platform::topology().summary.c_str());
  std::printf("sha256d default: %s, %s\n", std::string(choice.kernel->name).c_str(), choice.why.c_str());
  print_machine_rates(blocking["machine_rates"]);
  for (const auto& row : blocking["kernels"]) {
    if (!row["default"].get<bool>()) continue;
    std::printf("%s blocking MC %d KC %d NC %d: %s\n", row["kernel"].get<std::string>().c_str(),
                row["mc"].get<int>(), row["kc"].get<int>(), row["nc"].get<int>(),
                row["model"]["why"].get<std::string>().c_str());
  }
  if (speeds.rows.empty()) return 0;
  std::printf(
      "\nsha256d speed, one pinned thread, %d interleaved rounds, core clock %.2f GHz (dependent-add)\n",
      speeds.rounds, speeds.clock_hz / 1e9);
  std::printf("%-15s %-10s %12s %12s %8s\n", "kernel", "versions", "hashes/s", "cycles/hash", "spread");
  for (const auto& r : speeds.rows)
    std::printf("%-15s %-10s %12s %12.1f %7.1f%%\n", r.kernel.c_str(),
                r.versions > 1 ? ("rolled " + std::to_string(r.versions)).c_str() : "1",
                si(r.hashes_per_second, "H/s").c_str(), r.cycles_per_hash, r.spread_pct);
  print_port_bounds(bounds);
  return 0;
}

}  // namespace joulebench::cli
