// `joulebench hash`, `joulebench mine` and `joulebench kernels`.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/coinbase.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/miner/miner.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"
#include "json_out.hpp"
#include "signals.hpp"

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

json found_json(const FoundNonce& f) {
  return {{"nonce", f.nonce},
          {"hash", display_hex(f.hash)},
          {"time", f.header.time},
          {"header", f.header.to_hex()}};
}

void print_mining_human(const Miner& miner, const MinerConfig& cfg, const MiningResult& r) {
  std::printf("kernel %s, %zu thread(s)%s, target %s\n", miner.kernel().c_str(), miner.threads(),
              miner.pinned() ? " pinned" : "", cfg.target.to_hex().c_str());
  for (const auto& f : r.found) {
    std::printf("found nonce %u (0x%08x) time %u hash %s\n", f.nonce, f.nonce, f.header.time,
                display_hex(f.hash).c_str());
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
  const Args a(argv,
               {"header", "start", "count", "threads", "kernel", "share-bits", "difficulty", "duration",
                "batch", "coinbase", "extranonce-offset", "merkle-branch", "keep"},
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
  if (cfg.count && cfg.start + *cfg.count > (1ull << 32)) {
    throw UsageError("--start " + std::to_string(cfg.start) + " + --count " + std::to_string(*cfg.count) +
                     " passes 2^32 nonces; lower --count to at most " +
                     std::to_string((1ull << 32) - cfg.start));
  }
  Miner miner(cfg);
  const MiningResult r = miner.mine(interrupt_token());
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
                    {"interrupted", interrupted()}});
  } else {
    print_mining_human(miner, cfg, r);
  }
  return interrupted() ? interrupted_exit_code() : 0;
}

int cmd_kernels(const std::vector<std::string>& argv) {
  const Args a(argv, {}, {"json"});
  json list = json::array();
  const KernelInfo& chosen = default_kernel();
  for (const auto& k : all_kernels()) {
    list.push_back({{"workload", "sha256d"},
                    {"name", k.name},
                    {"description", k.description},
                    {"lanes", k.lanes},
                    {"supported", k.cpu_supports()},
                    {"default", &k == &chosen}});
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
  if (a.flag("json")) {
    print_json(list, 2);
    return 0;
  }
  for (const auto& k : list) {
    std::printf("%-10s %-24s %-9s %s%s\n", k["workload"].get<std::string>().c_str(),
                k["name"].get<std::string>().c_str(), k["supported"].get<bool>() ? "supported" : "no-cpu",
                k["description"].get<std::string>().c_str(), k["default"].get<bool>() ? " [default]" : "");
  }
  std::printf("cpu: %s; %s\n", platform::cpu_brand().c_str(), platform::topology().summary.c_str());
  return 0;
}

}  // namespace joulebench::cli
