// The mining engine: one pinned oneTBB worker per core scanning batches of nonces, obeying the
// shared throttle between batches and counting hashes for a sampler.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "joulebench/miner/block_header.hpp"
#include "joulebench/miner/coinbase.hpp"
#include "joulebench/miner/kernel.hpp"
#include "joulebench/platform/workload.hpp"

namespace joulebench::miner {

struct MinerConfig {
  BlockHeader header;
  Target target;                       ///< shares/blocks must hash <= this
  std::uint32_t start = 0;             ///< first nonce
  std::optional<std::uint64_t> count;  ///< nonces to scan (start + count <= 2^32); none = until stopped
  double duration_s = 0;               ///< stop after this long (0 = no time limit)
  std::size_t threads = 0;             ///< 0 = one per physical core
  bool pin = true;
  const KernelInfo* kernel = nullptr;      ///< nullptr = default_kernel()
  std::uint32_t batch = 4096;              ///< nonces per throttle check / counter update
  std::optional<CoinbaseRoller> coinbase;  ///< roll the extranonce instead of the time
  std::size_t keep = 1000;                 ///< found nonces kept (all are counted): bounds memory
  bool background = false;                 ///< workers at background priority (behind a front workload)
  /// BIP 320 version rolling: every nonce is hashed under `versions` nVersion values
  /// (version_at(header.version, mask, 0..versions-1)); each (version, nonce) is one hash.
  std::optional<std::uint32_t> version_mask;
  std::uint64_t versions = 4;
};

struct FoundNonce {
  std::uint32_t nonce;
  Hash256 hash;
  BlockHeader header;  ///< the (possibly rolled) header, nonce filled in
};

struct MiningResult {
  std::uint64_t hashes = 0;
  double seconds = 0;
  std::uint64_t rolls = 0;               ///< headers exhausted and rolled (time or extranonce)
  std::vector<FoundNonce> found;         ///< the first `keep` found, ascending by (roll, nonce, version)
  std::uint64_t found_count = 0;         ///< every nonce found, kept or not
  bool completed = false;                ///< the whole --count was scanned
  std::uint64_t versions_per_nonce = 1;  ///< > 1 with version rolling: hashes = nonces x this
  [[nodiscard]] double hashes_per_second() const { return seconds > 0 ? hashes / seconds : 0; }
};

/// Validates the config (throws std::invalid_argument naming the bad value) and self-tests the
/// kernel (throws std::runtime_error on a mismatch) at construction.
class Miner final : public platform::Workload {
 public:
  explicit Miner(MinerConfig config);
  ~Miner() override;

  /// Mines until the count is done, the duration passes or `stop` is requested.
  MiningResult mine(std::stop_token stop = {});

  // platform::Workload
  [[nodiscard]] std::string name() const override { return "sha256d"; }
  [[nodiscard]] std::string unit() const override { return "hash"; }
  [[nodiscard]] std::string kernel() const override { return std::string(kernel_->name); }
  platform::ThrottleState& throttle() override { return throttle_; }
  [[nodiscard]] const platform::WorkCounters& counters() const override { return counters_; }
  void run(std::stop_token stop) override { last_ = mine(std::move(stop)); }
  [[nodiscard]] std::size_t workers() const override { return threads_; }
  [[nodiscard]] const MiningResult& last_result() const { return last_; }

  [[nodiscard]] std::size_t threads() const { return threads_; }
  [[nodiscard]] bool pinned() const { return config_.pin; }

 private:
  class Worker;
  /// Header for roll r: time + r, or extranonce + r when a coinbase was given.
  [[nodiscard]] BlockHeader rolled_header(std::uint64_t roll) const;

  MinerConfig config_;
  const KernelInfo* kernel_;
  std::size_t threads_;
  platform::ThrottleState throttle_;
  platform::WorkCounters counters_;
  MiningResult last_;
};

}  // namespace joulebench::miner
