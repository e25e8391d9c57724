// OpenIPMI's BMC simulator (Debian's openipmi, ipmi_sim) on 127.0.0.1 and a free UDP port, for
// the IPMI meter tests: RMCP+ with one user, an SDR with two power sensors and a temperature, each
// power sensor polled by the simulator from a file the test writes; ipmitool is the oracle.
#pragma once

#include <cstdio>
#include <fstream>
#include <sstream>

#include "power/redfish_mockup.hpp"

namespace joulebench::testing {

class IpmiSim {
 public:
  static constexpr const char* kUser = "jbuser";
  static constexpr const char* kPassword = "meter-Pa55";

  IpmiSim() : port_(free_port(SOCK_DGRAM)) {
    if (run_shell("command -v ipmi_sim && command -v ipmitool").exit_code != 0) {
      skip_ = "ipmi_sim or ipmitool is not installed (apt-get install openipmi ipmitool)";
      return;
    }
    char dir_template[] = "/tmp/joulebench-ipmisim-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    std::filesystem::create_directories(dir_ / "state");
    set_watts("total", 300);
    set_watts("ps1", 150);
    std::ofstream(dir_ / "temp") << "31\n";
    write_config();
    child_ = std::make_unique<Child>(std::vector<std::string>{
        trimmed(run_shell("command -v ipmi_sim").output), "-c", (dir_ / "lan.conf").string(), "-f",
        (dir_ / "sim.emu").string(), "-s", (dir_ / "state").string(), "-n"});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until && oracle("Pwr Consumption").empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (oracle("Pwr Consumption").empty()) skip_ = "ipmi_sim did not answer on port " + std::to_string(port_);
  }
  ~IpmiSim() {
    child_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  [[nodiscard]] const std::string& skip() const { return skip_; }
  [[nodiscard]] std::string url() const {
    return "ipmi://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_);
  }
  [[nodiscard]] int port() const { return port_; }
  /// What the simulator's sensor file `which` ("total" or "ps1") holds, in watts.
  void set_watts(const std::string& which, int watts) const {
    const auto tmp = dir_ / (which + ".tmp");
    std::ofstream(tmp) << watts << "\n";
    std::filesystem::rename(tmp, dir_ / which);
  }
  /// The oracle: the value ipmitool prints for sensor `name` (empty when nothing answers).
  [[nodiscard]] std::string oracle(const std::string& name) const {
    const auto r = run_shell("ipmitool -I lanplus -H 127.0.0.1 -p " + std::to_string(port_) + " -U " + kUser +
                             " -P " + kPassword + " -N 1 -R 1 sensor reading '" + name + "' 2>/dev/null");
    const auto bar = r.output.find('|');
    return r.exit_code == 0 && bar != std::string::npos ? trimmed(r.output.substr(bar + 1)) : "";
  }

 private:
  static std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
  }
  // An IPMI 2.0 full sensor record (table 43-1): threshold sensor `number` of the BMC (0x20),
  // entity `entity`, base unit `unit`, reading = (m * raw + b) watts.
  static std::string full_record(int number, int entity, int sensor_type, int unit, int m, int b,
                                 const std::string& name) {
    std::vector<int> bytes{0x00,        0x00,
                           0x51,        0x01,
                           0x00,        0x20,
                           0x00,        number,
                           entity,      0x01,
                           0x7f,        0x43,
                           sensor_type, 0x01,
                           0,           0,
                           0,           0,
                           0,           0,
                           0x00,        unit,
                           0x00,        0x00,
                           m & 0xff,    (m >> 8) << 6,
                           b & 0xff,    (b >> 8) << 6,
                           0x01,        0x00,
                           0x00,        0,
                           0,           0,
                           0xff,        0x00,
                           0,           0,
                           0,           0,
                           0,           0,
                           0,           0,
                           0,           0,
                           0,           0xc0 | static_cast<int>(name.size())};
    for (char c : name) bytes.push_back(static_cast<unsigned char>(c));
    bytes[4] = static_cast<int>(bytes.size()) - 5;
    std::ostringstream out;
    for (int v : bytes) out << " 0x" << std::hex << v;
    return out.str();
  }
  void write_config() const {
    std::ofstream(dir_ / "lan.conf") << "name \"joulebench\"\nset_working_mc 0x20\n  startlan 1\n"
                                     << "    addr 127.0.0.1 " << port_ << "\n    priv_limit admin\n"
                                     << "    allowed_auths_user md5\n    allowed_auths_admin md5\n"
                                     << "    guid a123456789abcdefa123456789abcdef\n  endlan\n"
                                     << "  user 2 true \"" << kUser << "\" \"" << kPassword
                                     << "\" user 4 md5\n";
    // Raw readings: total = watts / 4 (M = 4), PS1 = (watts - 10) / 2 (M = 2, B = 10).
    std::ofstream(dir_ / "sim.emu")
        << "mc_setbmc 0x20\nmc_add 0x20 0 has-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n"
        << "main_sdr_add 0x20" << full_record(1, 0x15, 0x03, 6, 4, 0, "Pwr Consumption") << "\n"
        << "main_sdr_add 0x20" << full_record(2, 0x0a, 0x0b, 6, 2, 10, "PS1 Input Power") << "\n"
        << "main_sdr_add 0x20" << full_record(3, 0x07, 0x01, 1, 1, 0, "Inlet Temp") << "\n"
        << "sensor_add 0x20 0 1 0x03 0x01 poll 100 file \"" << (dir_ / "total").string() << "\" div=4\n"
        << "sensor_add 0x20 0 2 0x0b 0x01 poll 100 file \"" << (dir_ / "ps1").string() << "\" sub=10 div=2\n"
        << "sensor_add 0x20 0 3 0x01 0x01 poll 100 file \"" << (dir_ / "temp").string() << "\"\n"
        << "mc_enable 0x20\n";
  }

  int port_;
  std::string skip_;
  std::filesystem::path dir_;
  std::unique_ptr<Child> child_;
};

}  // namespace joulebench::testing
