// Fake sysfs trees for the power tests, and a writer that advances energy counters in real time.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

namespace joulebench::testing {

/// A temporary directory tree, removed at the end of the test.
class FakeTree {
 public:
  FakeTree() {
    std::mt19937_64 rng(std::random_device{}());
    root_ = std::filesystem::temp_directory_path() /
            ("joulebench-fake-" + std::to_string(::getpid()) + "-" + std::to_string(rng()));
    std::filesystem::create_directories(root_);
  }
  ~FakeTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  /// Writes `content` at absolute-style path `rel` ("/sys/class/..."), atomically (rename).
  void write(const std::string& rel, const std::string& content) const {
    const auto p = root_ / std::filesystem::path(rel).relative_path();
    std::filesystem::create_directories(p.parent_path());
    const auto tmp = p.string() + ".w";
    {
      std::ofstream out(tmp);
      out << content << "\n";
    }
    std::filesystem::rename(tmp, p);
  }
  [[nodiscard]] std::string read(const std::string& rel) const {
    std::ifstream in(root_ / std::filesystem::path(rel).relative_path());
    std::string s;
    std::getline(in, s);
    return s;
  }
  /// RAPL package zone with a sub-zone and a power limit constraint.
  void add_rapl(int package, std::uint64_t range_uj, std::uint64_t limit_uw = 120000000,
                std::uint64_t max_uw = 150000000) const {
    const std::string z = "/sys/class/powercap/intel-rapl:" + std::to_string(package);
    write(z + "/name", "package-" + std::to_string(package));
    write(z + "/energy_uj", "0");
    write(z + "/max_energy_range_uj", std::to_string(range_uj));
    write(z + "/constraint_0_name", "long_term");
    write(z + "/constraint_0_power_limit_uw", std::to_string(limit_uw));
    write(z + "/constraint_0_max_power_uw", std::to_string(max_uw));
    const std::string sub = z + ":0";
    write(sub + "/name", "dram");
    write(sub + "/energy_uj", "0");
    write(sub + "/max_energy_range_uj", std::to_string(range_uj));
  }

 private:
  std::filesystem::path root_;
};

/// Advances a counter file as `watts` flow: value = (watts * t / unit) mod range, every ~200 us.
/// It measures its own lag: the longest time a value stayed visible after the true counter moved
/// on (from the instant a value was computed to the moment the next one was in place). A busy
/// machine stretches it; tests derive their tolerance from it instead of hoping it stays small.
class CounterWriter {
 public:
  CounterWriter(const FakeTree& tree, std::string rel, double watts, double joules_per_count,
                std::uint64_t range)
      : thread_([this, &tree, rel = std::move(rel), watts, joules_per_count, range](std::stop_token stop) {
          const auto t0 = std::chrono::steady_clock::now();
          double previous = -1;
          while (!stop.stop_requested()) {
            const double t = seconds_since(t0);
            const auto count = static_cast<std::uint64_t>(watts * t / joules_per_count);
            tree.write(rel, std::to_string(range > 0 ? count % range : count));
            if (previous >= 0) note_lag(seconds_since(t0) - previous);
            previous = t;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
        }) {}
  /// Longest staleness of the file's value so far, in seconds.
  [[nodiscard]] double max_lag_s() const { return max_lag_s_.load(); }
  /// Resets the lag record (call when the window of interest starts).
  void reset_lag() { max_lag_s_.store(0); }

 private:
  static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  void note_lag(double lag) {
    double seen = max_lag_s_.load();
    while (lag > seen && !max_lag_s_.compare_exchange_weak(seen, lag)) {
    }
  }
  std::atomic<double> max_lag_s_{0};
  std::jthread thread_;
};

}  // namespace joulebench::testing
