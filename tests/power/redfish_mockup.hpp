// DMTF's Redfish-Mockup-Server (../shared/tools/redfish-mockup-server) serving its
// public-rackmount1 mockup on 127.0.0.1 and a free port, for the meter tests; and a scripted peer
// for what the mockup cannot do (refuse credentials). Both stop with the object.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace joulebench::testing {

/// A TCP (or, with SOCK_DGRAM, UDP) port nothing is bound to now: the kernel's ephemeral pick.
inline int free_port(int type = SOCK_STREAM) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

/// Waits up to `seconds` for something to listen on `port`; whether it does.
inline bool wait_until_accepts(int port, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!accepts(port) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return accepts(port);
}

/// A child process started with argv, stopped (SIGKILL) with the object.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  [[nodiscard]] int pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

class RedfishMockup {
 public:
  /// `tls_cert`/`tls_key` set: HTTPS with that certificate.
  explicit RedfishMockup(const std::string& tls_cert = {}, const std::string& tls_key = {})
      : port_(free_port()) {
    const std::filesystem::path dir = JOULEBENCH_REDFISH_MOCKUP;
    if (!std::filesystem::exists(dir / "run.py")) {
      skip_ =
          "DMTF's Redfish mockup server is not at " + dir.string() + " (../shared/tools beside the checkout)";
      return;
    }
    std::vector<std::string> argv{JOULEBENCH_PYTHON3_PATH,
                                  (dir / "run.py").string(),
                                  "-H",
                                  "127.0.0.1",
                                  "-p",
                                  std::to_string(port_),
                                  "-S",
                                  "-D",
                                  "public-rackmount1"};
    if (!tls_cert.empty()) argv.insert(argv.end(), {"-s", "--cert", tls_cert, "--key", tls_key});
    child_ = std::make_unique<Child>(argv);
    if (!wait_until_accepts(port_, 15))
      skip_ = "the Redfish mockup server did not start on port " + std::to_string(port_);
  }
  [[nodiscard]] const std::string& skip() const { return skip_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string chassis_url(bool tls = false) const {
    return std::string(tls ? "redfish://localhost:" : "redfish+http://127.0.0.1:") + std::to_string(port_) +
           "/redfish/v1/Chassis/1U";
  }
  /// PATCHes JSON into a resource (the mockup merges it in memory).
  void patch(const std::string& path, const nlohmann::json& body) const {
    const std::string py =
        "import urllib.request,sys; r=urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), "
        "method='PATCH', headers={'Content-Type':'application/json'}); urllib.request.urlopen(r, timeout=5)";
    run_shell(std::string(JOULEBENCH_PYTHON3_PATH) + " -c \"" + py +
              "\" http://127.0.0.1:" + std::to_string(port_) + path + " '" + body.dump() + "'");
  }
  nlohmann::json get(const std::string& path) const {
    const std::string py =
        "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())";
    const auto r = run_shell(std::string(JOULEBENCH_PYTHON3_PATH) + " -c \"" + py +
                             "\" http://127.0.0.1:" + std::to_string(port_) + path);
    return nlohmann::json::parse(r.output, nullptr, false);
  }
  void pause() const { ::kill(child_->pid(), SIGSTOP); }
  void resume() const { ::kill(child_->pid(), SIGCONT); }

 private:
  int port_;
  std::string skip_;
  std::unique_ptr<Child> child_;
};

/// A scripted peer for what the mockup never does: every request answered HTTP 401 with a
/// Redfish error body, as a BMC answers wrong credentials.
class RefusingPeer {
 public:
  RefusingPeer() : port_(free_port()) {
    const std::string py =
        "import http.server,sys,json\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "  def refuse(self):\n"
        "    b=json.dumps({'error':{'code':'Base.1.8.NoValidSession','message':'Invalid username or "
        "password'}}).encode()\n"
        "    self.send_response(401); self.send_header('Content-Length',str(len(b))); self.end_headers(); "
        "self.wfile.write(b)\n"
        "  do_GET=do_POST=do_PATCH=refuse\n"
        "  def log_message(self,*a): pass\n"
        "http.server.HTTPServer(('127.0.0.1',int(sys.argv[1])),H).serve_forever()\n";
    child_ = std::make_unique<Child>(
        std::vector<std::string>{JOULEBENCH_PYTHON3_PATH, "-c", py, std::to_string(port_)});
    wait_until_accepts(port_, 10);
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  int port_;
  std::unique_ptr<Child> child_;
};

}  // namespace joulebench::testing

namespace joulebench::testing {

/// Debian's snmpsim (snmpsimd) serving the recorded walk of a real Raritan PDU
/// (../shared/data/snmp/raritan-pdu.snmprec; community "raritan-pdu") on 127.0.0.1 and a free port.
class SnmpSim {
 public:
  SnmpSim() : port_(free_port(SOCK_DGRAM)) {
    const std::filesystem::path rec = std::filesystem::path(JOULEBENCH_SNMP_DATA) / "raritan-pdu.snmprec";
    if (!std::filesystem::exists(rec)) {
      skip_ = "the recorded PDU walk is not at " + rec.string();
      return;
    }
    if (run_shell("command -v snmpsimd && command -v snmpget").exit_code != 0) {
      skip_ = "snmpsimd or snmpget is not installed (apt-get install snmpsim snmp)";
      return;
    }
    // As root snmpsimd drops to nobody: its data must be readable by it.
    char dir_template[] = "/tmp/joulebench-snmpsim-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    std::filesystem::copy_file(rec, dir_ / "raritan-pdu.snmprec");
    std::filesystem::create_directories(dir_ / "cache");
    run_shell("chmod 0755 " + dir_.string() + " && chmod 0644 " + (dir_ / "raritan-pdu.snmprec").string() +
              " && chmod 0777 " + (dir_ / "cache").string());
    std::vector<std::string> argv{run_shell("command -v snmpsimd").output, "--data-dir=" + dir_.string(),
                                  "--agent-udpv4-endpoint=127.0.0.1:" + std::to_string(port_),
                                  "--cache-dir=" + (dir_ / "cache").string()};
    while (!argv[0].empty() && (argv[0].back() == '\n')) argv[0].pop_back();
    if (::geteuid() == 0) argv.insert(argv.end(), {"--process-user=nobody", "--process-group=nogroup"});
    child_ = std::make_unique<Child>(argv);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until && get("1.3.6.1.2.1.1.1.0").empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (get("1.3.6.1.2.1.1.1.0").empty()) skip_ = "snmpsimd did not answer on port " + std::to_string(port_);
  }
  ~SnmpSim() {
    child_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  [[nodiscard]] const std::string& skip() const { return skip_; }
  [[nodiscard]] int port() const { return port_; }
  /// The oracle: what snmpget prints for `oid` (value only), empty when nothing answers.
  [[nodiscard]] std::string get(const std::string& oid, const std::string& community = "raritan-pdu") const {
    const auto r = run_shell("snmpget -v2c -c " + community +
                             " -t 1 -r 0 -Oqv -On 127.0.0.1:" + std::to_string(port_) + " ." + oid);
    std::string v = r.exit_code == 0 ? r.output : "";
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return v;
  }

 private:
  int port_;
  std::string skip_;
  std::filesystem::path dir_;
  std::unique_ptr<Child> child_;
};

}  // namespace joulebench::testing
