// Signal handling: the handler only sets an atomic flag; a watcher thread turns it into a
// stop request (request_stop is not async-signal-safe).
#include "signals.hpp"

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace joulebench::cli {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  if (g_signal.exchange(sig) != 0) _exit(128 + sig);  // second signal: leave now
}

struct InterruptState {
  std::stop_source source;
  std::jthread watcher{[this](std::stop_token done) {
    while (!done.stop_requested()) {
      if (g_signal.load() != 0) {
        source.request_stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }};
};

InterruptState& state() {
  static InterruptState s;
  return s;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  state();
}

std::stop_token interrupt_token() { return state().source.get_token(); }

bool interrupted() { return g_signal.load() != 0; }

int interrupt_signal() { return g_signal.load(); }

}  // namespace joulebench::cli
