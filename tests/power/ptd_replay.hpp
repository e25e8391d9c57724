// The PTDaemon replay peer (power/ptd_replay.py) on 127.0.0.1 and a free port: PTDaemon's exact
// reply strings, the analyzer's watts and uncertainty read from files the test writes, every
// command it receives logged for the test to check. A replay, not PTDaemon (which is licensed).
#pragma once

#include <fstream>
#include <sstream>

#include "power/redfish_mockup.hpp"

namespace joulebench::testing {

class PtdReplay {
 public:
  PtdReplay() : port_(free_port()) {
    char dir_template[] = "/tmp/joulebench-ptd-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    set("watts", 150);
    set("uncertainty", 0.002);
    child_ = std::make_unique<Child>(std::vector<std::string>{JOULEBENCH_PYTHON3_PATH, JOULEBENCH_PTD_REPLAY,
                                                              std::to_string(port_), dir_.string()});
    if (!wait_until_accepts(port_, 20))
      skip_ = "the PTDaemon replay did not listen on port " + std::to_string(port_);
  }
  ~PtdReplay() {
    child_.reset();
    std::filesystem::remove_all(dir_);
  }
  [[nodiscard]] const std::string& skip() const { return skip_; }
  [[nodiscard]] std::string url() const { return "ptd://127.0.0.1:" + std::to_string(port_); }
  /// `JOULEBENCH_JOURNAL=...` for a command line: a cap journal of the test's own, so the ranges
  /// the client journals stay out of the real one.
  [[nodiscard]] std::string journal_env() const {
    return "JOULEBENCH_JOURNAL=" + (dir_ / "journal/caps.json").string() + " ";
  }
  /// The analyzer's "watts" or "uncertainty" (a fraction) from now on.
  void set(const std::string& what, double value) const {
    const auto tmp = dir_ / (what + ".tmp");
    std::ofstream(tmp) << value << "\n";
    std::filesystem::rename(tmp, dir_ / what);
  }
  /// Every command the peer received, in order.
  [[nodiscard]] std::vector<std::string> commands() const {
    std::ifstream in(dir_ / "commands");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  int port_;
  std::string skip_;
  std::filesystem::path dir_;
  std::unique_ptr<Child> child_;
};

}  // namespace joulebench::testing
