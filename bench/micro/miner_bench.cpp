// Single-thread sha256d scan rate per kernel (hashes/s), registered for each kernel this CPU runs.
#include <benchmark/benchmark.h>

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/kernel.hpp"

namespace {

using namespace joulebench::miner;

constexpr const char* kHeader =
    "00601d3455bb9fbd966b3ea2dc42d0c22722e4c0c1729fad17210100000000000000000055087fab0c8f3f89f8"
    "bcfd4df26c504d81b0a88e04907161838c0c53001af09135edbd64943805175e955e06";

void scan_kernel(benchmark::State& state, const KernelInfo* kernel) {
  const BlockHeader header = parse_header_hex(kHeader);
  const NonceScanner scanner(*kernel, header, target_from_compact(header.bits));
  const std::uint64_t batch = kernel->name == "ref" ? 4096 : 65536;
  std::vector<std::uint32_t> out(batch);
  std::uint32_t first = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(scanner.candidates(first, batch, out.data()));
    first += static_cast<std::uint32_t>(batch);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["hashes_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
}

// Version rolling (BIP 320): `versions` headers per nonce sharing hash 1's schedule; every
// (version, nonce) is one hash. The kernels without a shared-schedule variant scan per version.
void scan_rolled(benchmark::State& state, const KernelInfo* kernel) {
  const BlockHeader header = parse_header_hex(kHeader);
  const auto versions = static_cast<int>(state.range(0));
  const VersionRollingScanner scanner(*kernel, header, target_from_compact(header.bits), kDefaultVersionMask,
                                      static_cast<std::uint64_t>(versions));
  const std::uint64_t batch = kernel->name == "ref" ? 1024 : 16384;
  std::vector<RolledCandidate> out(batch * 16);
  std::uint32_t first = 0;
  for (auto _ : state) {
    for (int v0 = 0; v0 < versions; v0 += 16)
      benchmark::DoNotOptimize(scanner.candidates(static_cast<std::uint64_t>(v0), std::min(16, versions - v0),
                                                  first, batch, out.data()));
    first += static_cast<std::uint32_t>(batch);
  }
  const auto hashes = static_cast<double>(state.iterations() * batch) * versions;
  state.SetItemsProcessed(static_cast<std::int64_t>(hashes));
  state.counters["hashes_per_s"] = benchmark::Counter(hashes, benchmark::Counter::kIsRate);
}

// The literal naive loop: OpenSSL's one-shot SHA256() twice per nonce. OpenSSL 3 looks the
// algorithm up on every call, so this is slower than the `ref` kernel (which fetches it once);
// it is here so both baselines are measured in the same process.
void openssl_oneshot_loop(benchmark::State& state) {
  auto header = parse_header_hex(kHeader).serialize();
  std::uint8_t first[32], second[32];
  std::uint32_t nonce = 0;
  for (auto _ : state) {
    std::memcpy(header.data() + 76, &nonce, 4);
    SHA256(header.data(), header.size(), first);
    SHA256(first, sizeof first, second);
    benchmark::DoNotOptimize(second);
    ++nonce;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["hashes_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(openssl_oneshot_loop)->Name("miner/sha256d/openssl-oneshot-SHA256");

const int kRegistered = [] {
  for (const KernelInfo* k : supported_kernels()) {
    benchmark::RegisterBenchmark(("miner/sha256d/" + std::string(k->name)).c_str(), scan_kernel, k)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("miner/sha256d-rolled/" + std::string(k->name)).c_str(), scan_rolled, k)
        ->Arg(4)
        ->Arg(16)
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}();

}  // namespace
