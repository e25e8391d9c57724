// The on-disk record of hardware limits to put back after a crash or SIGKILL. joulebench runs as
// root, so the journal is treated as untrusted input: every entry must name a known actuator
// file under the sysfs root in force (or an NVML device), the file and its directory must be
// private to the user running, every read-modify-write holds an advisory lock, and each entry
// belongs to one live process, so two runs never lift each other's caps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "joulebench/power/sysfs.hpp"

namespace joulebench::power {

struct MeterOptions;

/// Another live process holds the actuator: a second run refuses (exit 2) naming it.
struct ActuatorBusy : std::invalid_argument {
  ActuatorBusy(const std::string& what, int owner) : std::invalid_argument(what), pid(owner) {}
  int pid;
};

/// A process identity that survives pid reuse: the pid and its start time since boot (ticks).
struct ProcessId {
  int pid = 0;
  std::uint64_t start = 0;
  static ProcessId self();
  /// True when this pid runs and started at `start` (read from the real /proc).
  [[nodiscard]] bool alive() const;
  bool operator==(const ProcessId&) const = default;
};

class CapJournal {
 public:
  struct Entry {
    std::string name;      ///< actuator name
    std::string kind;      ///< "file", "nvml", "redfish" or "ptd"
    std::string target;    ///< file path, GPU index for nvml, the meter URL for redfish and ptd
    std::string original;  ///< raw value to write back (file contents, watts, or ptd "VOLTS,AMPS" ranges)
    ProcessId owner;       ///< the run that changed it
  };
  /// What `restore_*` did with one entry.
  struct Outcome {
    Entry entry;
    enum class Result { restored, failed, refused, held } result = Result::failed;
    std::string detail;
    [[nodiscard]] std::string line() const;  ///< one line for the terminal
  };

  /// The journal in `file` for actuators under `root`. The file's directory is created 0700
  /// when missing; an existing one must belong to the user running and be closed to others.
  CapJournal(std::filesystem::path file, SysfsRoot root);
  /// JOULEBENCH_JOURNAL if set; inside a fake root for tests; else /var/lib/joulebench (root)
  /// or ~/.local/state/joulebench.
  static std::filesystem::path default_path(const SysfsRoot& root);

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] std::vector<Entry> entries() const;
  /// Claims `e.target` for this process before its first write. Refused (ActuatorBusy) when a
  /// live process holds it; an entry left by a dead process is adopted, so its (oldest)
  /// original is the one put back. Throws std::runtime_error for an entry it cannot accept.
  void record(Entry e);
  /// Puts back this process's entries for `targets` (all of its own when empty).
  std::vector<Outcome> restore_own(const std::vector<std::string>& targets = {});
  /// Drops this process's entry for `target` without acting on it: the caller has put the
  /// value back itself (an analyzer's ranges over the connection that changed them).
  void forget_own(const std::string& target);
  /// Puts back entries of processes that are gone; with `force`, live ones too.
  std::vector<Outcome> restore_leftovers(bool force = false);
  /// Why `e` may not be acted on (empty: it may): unknown kind or actuator file, outside the
  /// sysfs root, a symlink, or a value that is no limit.
  [[nodiscard]] std::string check(const Entry& e) const;
  /// How to reach a meter whose limit is journalled (TLS, credentials); default: verified TLS
  /// and credentials from the environment.
  void set_meter_options(const MeterOptions& options);

 private:
  class Lock;
  [[nodiscard]] std::vector<Entry> load() const;
  void save(const std::vector<Entry>& entries) const;
  std::vector<Outcome> restore_where(const std::function<bool(const Entry&)>& wanted);
  Outcome put_back(const Entry& e) const;

  std::filesystem::path file_;
  SysfsRoot root_;
  std::shared_ptr<const MeterOptions> meter_options_;
};

}  // namespace joulebench::power
