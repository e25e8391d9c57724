// Signal handling: the handler only records the signal; a watcher thread turns it into a stop
// request (request_stop is not async-signal-safe) and, on a second signal, into the emergency
// restore and exit.
#include "runtime/signals.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>

namespace joulebench::cli {
namespace {

// Signals whose default action ends the process and that a program may catch.
constexpr int kTerminating[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,   SIGUSR1, SIGUSR2,
                                SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF};

std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};

extern "C" void on_signal(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig);
  g_count.fetch_add(1);
}

struct InterruptState {
  std::stop_source source;
  std::mutex mutex;
  std::function<void()> emergency;
  std::jthread watcher{[this](std::stop_token done) {
    bool stop_sent = false;
    while (!done.stop_requested()) {
      const int count = g_count.load();
      if (count >= 1 && !stop_sent) {
        source.request_stop();
        stop_sent = true;
      }
      if (count >= 2) {
        std::function<void()> restore;
        {
          std::lock_guard lock(mutex);
          restore = emergency;
        }
        try {
          if (restore) restore();
        } catch (...) {
          // What could not be restored stays in the journal for `joulebench restore`.
        }
        ::_exit(128 + g_signal.load());
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
  for (int sig : kTerminating) sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  state();
}

std::stop_token interrupt_token() { return state().source.get_token(); }

bool interrupted() { return g_signal.load() != 0; }

int interrupt_signal() { return g_signal.load(); }

int interrupted_exit_code() { return 128 + g_signal.load(); }

EmergencyRestore::EmergencyRestore(std::function<void()> restore) {
  std::lock_guard lock(state().mutex);
  state().emergency = std::move(restore);
}

EmergencyRestore::~EmergencyRestore() {
  std::lock_guard lock(state().mutex);
  state().emergency = nullptr;
}

}  // namespace joulebench::cli
