// Mining engine: workers claim batches from one 64-bit cursor (no gaps, no overlap, no wrap),
// each batch within one header roll, and check the throttle between batches.
#include "joulebench/miner/miner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "detail/scan_job.hpp"
#include "joulebench/platform/topology.hpp"

namespace joulebench::miner {
namespace {

constexpr std::uint64_t kNoncesPerRoll = 1ull << 32;

std::size_t resolve_threads(std::size_t requested) {
  return requested == 0 ? platform::topology().cores : requested;
}

void validate(const MinerConfig& c) {
  if (c.count && *c.count == 0) {
    throw std::invalid_argument("--count 0 scans nothing; give a positive count or omit it");
  }
  if (c.count && c.start + *c.count > kNoncesPerRoll) {
    throw std::invalid_argument("--start " + std::to_string(c.start) + " + --count " +
                                std::to_string(*c.count) + " = " + std::to_string(c.start + *c.count) +
                                " passes 2^32 = 4294967296 nonces; lower the count to at most " +
                                std::to_string(kNoncesPerRoll - c.start));
  }
  if (!c.count && !(c.duration_s > 0)) {
    throw std::invalid_argument(
        "neither --count nor --duration given: the miner would never stop; "
        "give --duration SECONDS or --count N");
  }
  if (c.batch == 0) throw std::invalid_argument("batch size 0; use a few thousand nonces");
  if (c.version_mask) {
    if (*c.version_mask == 0)
      throw std::invalid_argument("--version-rolling 0x0 rolls no bits; BIP 320's mask is 0x1fffe000");
    if (c.versions == 0 || c.versions > versions_in(*c.version_mask))
      throw std::invalid_argument("--versions " + std::to_string(c.versions) + ": mask allows 1.." +
                                  std::to_string(versions_in(*c.version_mask)) + " versions per nonce");
  }
}

// Requests `source` to stop after `seconds`, unless destroyed first.
class Deadline {
 public:
  Deadline(double seconds, std::stop_source source) {
    if (!(seconds > 0)) return;
    thread_ = std::jthread([seconds, source](std::stop_token cancel) mutable {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
      if (!cv.wait_until(lock, cancel, until, [] { return false; })) source.request_stop();
    });
  }

 private:
  std::jthread thread_;
};

}  // namespace

// One worker's view: claims batches, keeps a scanner for the roll it is in.
class Miner::Worker {
 public:
  Worker(const Miner& miner, std::atomic<std::uint64_t>& cursor, std::uint64_t end)
      : miner_(miner),
        cursor_(cursor),
        end_(end),
        candidates_(miner.config_.batch),
        rolled_(miner.config_.version_mask ? miner.config_.batch * detail::kMaxRolledVersions : 0) {}

  void run(std::size_t index, const std::stop_token& stop, platform::ThrottleState& throttle,
           platform::WorkCounters& counters) {
    const std::uint64_t batch = miner_.config_.batch;
    while (throttle.await_turn(index, stop)) {
      const std::uint64_t claimed = cursor_.fetch_add(batch, std::memory_order_relaxed);
      if (claimed >= end_) return;
      const std::uint64_t last = std::min(claimed + batch, end_);
      std::uint64_t first = claimed;
      while (first < last) {  // at most two pieces: a batch may straddle a roll boundary
        const std::uint64_t roll_end = (first / kNoncesPerRoll + 1) * kNoncesPerRoll;
        const std::uint64_t piece_end = std::min(last, roll_end);
        scan_piece(first, piece_end - first);
        first = piece_end;
      }
      counters.add(index, (last - claimed) * hashes_per_nonce());
    }
  }

  std::vector<FoundNonce> take_found() { return std::move(found_); }
  [[nodiscard]] std::uint64_t found_count() const { return found_count_; }

 private:
  [[nodiscard]] std::uint64_t hashes_per_nonce() const {
    return miner_.config_.version_mask ? miner_.config_.versions : 1;
  }

  void keep(const FoundNonce& hit) {
    ++found_count_;
    // Pieces come from a rising cursor, so a worker's first `keep` hits include every hit
    // that can be among the first `keep` overall.
    if (found_.size() < miner_.config_.keep) found_.push_back(hit);
  }

  // Every version of the roll for these nonces.
  void scan_piece_rolled(std::uint64_t roll, std::uint32_t first, std::uint64_t count) {
    if (!rolling_ || roll != roll_) {
      rolling_.emplace(*miner_.kernel_, miner_.rolled_header(roll), miner_.config_.target,
                       *miner_.config_.version_mask, miner_.config_.versions);
      roll_ = roll;
    }
    for (const RolledHit& h : rolling_->confirmed(first, count, rolled_.data())) {
      FoundNonce hit{h.nonce, h.hash, rolling_->header()};
      hit.header.version = static_cast<std::int32_t>(h.version);
      hit.header.nonce = h.nonce;
      keep(hit);
    }
  }

  void scan_piece(std::uint64_t global_first, std::uint64_t count) {
    const std::uint64_t roll = global_first / kNoncesPerRoll;
    if (miner_.config_.version_mask) {
      scan_piece_rolled(roll, static_cast<std::uint32_t>(global_first % kNoncesPerRoll), count);
      return;
    }
    if (!scanner_ || roll != roll_) {
      scanner_.emplace(*miner_.kernel_, miner_.rolled_header(roll), miner_.config_.target);
      roll_ = roll;
    }
    const auto first = static_cast<std::uint32_t>(global_first % kNoncesPerRoll);
    const std::size_t n = scanner_->candidates(first, count, candidates_.data());
    for (std::size_t i = 0; i < n; ++i) {
      FoundNonce hit{candidates_[i], {}, scanner_->header()};
      if (!scanner_->confirm(hit.nonce, &hit.hash)) continue;
      hit.header.nonce = hit.nonce;
      keep(hit);
    }
  }

  const Miner& miner_;
  std::atomic<std::uint64_t>& cursor_;
  std::uint64_t end_;
  std::vector<std::uint32_t> candidates_;
  std::vector<RolledCandidate> rolled_;
  std::optional<NonceScanner> scanner_;
  std::optional<VersionRollingScanner> rolling_;
  std::uint64_t roll_ = 0;
  std::vector<FoundNonce> found_;
  std::uint64_t found_count_ = 0;
};

Miner::Miner(MinerConfig config)
    : config_(std::move(config)),
      kernel_(config_.kernel != nullptr ? config_.kernel : &default_kernel()),
      threads_(resolve_threads(config_.threads)),
      throttle_(threads_),
      counters_(threads_, "hash") {
  validate(config_);
  self_test(*kernel_);
}

Miner::~Miner() = default;

BlockHeader Miner::rolled_header(std::uint64_t roll) const {
  BlockHeader h = config_.header;
  if (config_.coinbase) {
    h.merkle_root = config_.coinbase->merkle_root(roll);
  } else {
    h.time += static_cast<std::uint32_t>(roll);
  }
  return h;
}

MiningResult Miner::mine(std::stop_token external) {
  std::stop_source stop;
  std::stop_callback forward(external, [&] { stop.request_stop(); });
  const std::uint64_t end = config_.count ? config_.start + *config_.count : UINT64_MAX;
  std::atomic<std::uint64_t> cursor{config_.start};
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t i = 0; i < threads_; ++i) workers.push_back(std::make_unique<Worker>(*this, cursor, end));

  const std::uint64_t hashes_before = counters_.total();
  const auto t0 = std::chrono::steady_clock::now();
  {
    Deadline deadline(config_.duration_s, stop);
    platform::WorkerArena arena(threads_, config_.pin);
    arena.run_each([&](std::size_t i) {
      std::optional<platform::BackgroundPriority> behind;
      if (config_.background) behind.emplace();
      workers[i]->run(i, stop.get_token(), throttle_, counters_);
    });
  }
  MiningResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.hashes = counters_.total() - hashes_before;
  r.versions_per_nonce = config_.version_mask ? config_.versions : 1;
  const std::uint64_t reached = std::min(cursor.load(), end);
  r.completed = config_.count && reached >= end;
  r.rolls = reached > 0 ? (reached - 1) / kNoncesPerRoll : 0;
  for (auto& w : workers) {
    r.found_count += w->found_count();
    auto f = w->take_found();
    r.found.insert(r.found.end(), f.begin(), f.end());
  }
  std::sort(r.found.begin(), r.found.end(), [](const FoundNonce& a, const FoundNonce& b) {
    return std::tie(a.header.time, a.header.merkle_root, a.nonce, a.header.version) <
           std::tie(b.header.time, b.header.merkle_root, b.nonce, b.header.version);
  });
  if (r.found.size() > config_.keep) r.found.resize(config_.keep);
  return r;
}

}  // namespace joulebench::miner
