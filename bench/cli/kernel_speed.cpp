// measure_kernel_speeds: interleaved slices, median per kernel, one clock.
#include "cli/kernel_speed.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include "joulebench/miner/block_header.hpp"
#include "joulebench/platform/core_clock.hpp"
#include "joulebench/platform/stats.hpp"

namespace joulebench::cli {
namespace {

using namespace joulebench::miner;
using Clock = std::chrono::steady_clock;

struct Candidate {
  KernelSpeed row{};
  std::function<std::uint64_t(std::uint32_t first, std::uint64_t nonces)> run{};  // returns hashes
  std::uint64_t nonces = 0;  // per slice, calibrated to slice_ms
  std::vector<double> seconds_per_hash{};
};

// The calling thread stays on the CPU it is on: a migration mid-slice would time two cores.
void pin_here() {
  const int cpu = sched_getcpu();
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)sched_setaffinity(0, sizeof set, &set);
}

}  // namespace

KernelSpeeds measure_kernel_speeds(int rounds, double slice_ms, int rolled_versions) {
  pin_here();
  BlockHeader header = parse_header_hex(
      "00601d3455bb9fbd966b3ea2dc42d0c22722e4c0c1729fad17210100000000000000000055087fab0c8f3f89f8"
      "bcfd4df26c504d81b0a88e04907161838c0c53001af09135edbd64943805175e955e06");  // block 800000
  const Target target = target_from_compact(header.bits);
  std::vector<std::unique_ptr<NonceScanner>> plain;
  std::vector<std::unique_ptr<VersionRollingScanner>> rolled;
  std::vector<std::uint32_t> out(1u << 22);
  std::vector<RolledCandidate> rolled_out;
  std::vector<Candidate> c;
  for (const KernelInfo* k : supported_kernels()) {
    plain.push_back(std::make_unique<NonceScanner>(*k, header, target));
    const NonceScanner* s = plain.back().get();
    Candidate x;
    x.row.kernel = k->name;
    x.run = [s, &out](std::uint32_t f, std::uint64_t n) {
      (void)s->candidates(f, n, out.data());
      return n;
    };
    c.push_back(std::move(x));
    if (k->scan_rolled == nullptr) continue;
    rolled.push_back(std::make_unique<VersionRollingScanner>(*k, header, target, kDefaultVersionMask,
                                                             static_cast<std::uint64_t>(rolled_versions)));
    const VersionRollingScanner* r = rolled.back().get();
    Candidate y;
    y.row.kernel = k->name;
    y.row.versions = rolled_versions;
    y.run = [r, &rolled_out, rolled_versions](std::uint32_t f, std::uint64_t n) {
      rolled_out.resize(n * 16);
      for (int v0 = 0; v0 < rolled_versions; v0 += 16)
        (void)r->candidates(static_cast<std::uint64_t>(v0), std::min(16, rolled_versions - v0), f, n,
                            rolled_out.data());
      return n * static_cast<std::uint64_t>(rolled_versions);
    };
    c.push_back(std::move(y));
  }
  const auto timed = [](Candidate& x, std::uint32_t first) {
    const auto t0 = Clock::now();
    const std::uint64_t hashes = x.run(first, x.nonces);
    return std::pair{std::chrono::duration<double>(Clock::now() - t0).count(), hashes};
  };
  for (auto& x : c) {  // calibrate: a slice of about slice_ms
    x.nonces = 1024;
    const auto [s, h] = timed(x, 0);
    const double per_nonce = s / static_cast<double>(x.nonces);
    x.nonces = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(slice_ms / 1e3 / per_nonce) / 64 * 64, 64,
                                         out.size());
    (void)h;
  }
  std::vector<double> clocks;
  std::uint32_t first = 1u << 24;
  for (int round = 0; round < rounds; ++round) {
    clocks.push_back(platform::measure_core_clock(1, 0.002).hz);
    for (auto& x : c) {
      const auto [s, h] = timed(x, first);
      x.seconds_per_hash.push_back(s / static_cast<double>(h));
    }
    first += 1u << 20;
  }
  KernelSpeeds r;
  r.rounds = rounds;
  r.slice_ms = slice_ms;
  r.clock_hz = platform::percentile(clocks, 50);
  r.clock_spread_pct =
      100 * (platform::percentile(clocks, 90) - platform::percentile(clocks, 10)) / r.clock_hz;
  for (auto& x : c) {
    const double med = platform::percentile(x.seconds_per_hash, 50);
    x.row.hashes_per_second = 1 / med;
    x.row.cycles_per_hash = med * r.clock_hz;
    x.row.spread_pct =
        100 * (platform::percentile(x.seconds_per_hash, 90) - platform::percentile(x.seconds_per_hash, 10)) /
        med;
    r.rows.push_back(x.row);
  }
  return r;
}

}  // namespace joulebench::cli
