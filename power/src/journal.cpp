// The cap journal: private, locked, owner-tagged, and confined to known actuator files.
#include "joulebench/power/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "detail/nvml.hpp"
#include "joulebench/power/meter.hpp"
#include "joulebench/power/ptd.hpp"

namespace joulebench::power {
namespace {

namespace fs = std::filesystem;

// The only files a journal may name, relative to the sysfs root: RAPL constraint limits and
// cpufreq maximum frequencies, as discovery records them.
const std::regex& actuator_file() {
  static const std::regex re(
      "sys/class/powercap/intel-rapl:[0-9]{1,6}(:[0-9]{1,6})?/constraint_[0-9]{1,3}_power_limit_uw|"
      "sys/devices/system/cpu/cpufreq/policy[0-9]{1,6}/scaling_max_freq");
  return re;
}

std::string uid_text(uid_t uid) { return "uid " + std::to_string(uid); }

// Owned by the user running and closed to writes by others (else anyone who can write it
// chooses what root writes where).
std::string private_file_problem(const fs::path& p, const struct stat& st) {
  if (st.st_uid != ::geteuid())
    return p.string() + " belongs to " + uid_text(st.st_uid) + ", not to you (" + uid_text(::geteuid()) + ")";
  if ((st.st_mode & 022) != 0) return p.string() + " is writable by group or others";
  return {};
}

// The journal's directory: created 0700; one named "joulebench" is ours and tightened to 0700,
// any other (JOULEBENCH_JOURNAL) must already be closed to others.
void ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create the cap journal directory " + dir.string() + ": " +
                             std::strerror(errno));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0)
    throw std::runtime_error("cannot stat " + dir.string() + ": " + std::strerror(errno));
  std::string problem;
  if (S_ISLNK(st.st_mode))
    problem = dir.string() + " is a symbolic link";
  else if (!S_ISDIR(st.st_mode))
    problem = dir.string() + " is not a directory";
  else if ((st.st_mode & 077) != 0 && dir.filename() == "joulebench" && st.st_uid == ::geteuid())
    ::chmod(dir.c_str(), 0700);
  else
    problem = private_file_problem(dir, st);
  if (!problem.empty())
    throw std::runtime_error("refusing the cap journal directory: " + problem +
                             "; make it a private directory of yours (chmod 700) or set JOULEBENCH_JOURNAL");
}

std::optional<double> parse_watts(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v <= 0 || v > 10000)
    return std::nullopt;
  return v;
}

nlohmann::json entry_json(const CapJournal::Entry& e) {
  return {{"name", e.name},         {"kind", e.kind},     {"target", e.target},
          {"original", e.original}, {"pid", e.owner.pid}, {"pid_start", e.owner.start}};
}

}  // namespace

// An exclusive flock on `<journal>.lock`, held for one read-modify-write.
class CapJournal::Lock {
 public:
  explicit Lock(const fs::path& journal) {
    const fs::path file = journal.string() + ".lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd_ < 0)
      throw std::runtime_error("cannot open the cap journal lock " + file.string() + ": " +
                               std::strerror(errno));
    struct stat st {};
    std::string problem;
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
      problem = file.string() + " is not a regular file";
    else
      problem = private_file_problem(file, st);
    if (problem.empty() && ::flock(fd_, LOCK_EX) != 0)
      problem = "flock failed: " + std::string(std::strerror(errno));
    if (!problem.empty()) {
      ::close(fd_);
      throw std::runtime_error("refusing the cap journal lock: " + problem);
    }
  }
  ~Lock() { ::close(fd_); }  // closing releases the flock
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  int fd_ = -1;
};

ProcessId ProcessId::self() {
  ProcessId id{static_cast<int>(::getpid()), 0};
  const auto stat = read_text("/proc/self/stat");
  if (stat) {
    std::istringstream fields(stat->substr(stat->rfind(')') + 2));
    std::string f;
    for (int i = 3; i <= 22 && fields >> f; ++i) {
      if (i == 22) id.start = parse_u64(f).value_or(0);
    }
  }
  return id;
}

bool ProcessId::alive() const {
  if (pid <= 0) return false;
  const auto stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  if (!stat || stat->rfind(')') == std::string::npos) return false;
  std::istringstream fields(stat->substr(stat->rfind(')') + 2));
  std::string f, state;
  std::uint64_t started = 0;
  for (int i = 3; i <= 22 && fields >> f; ++i) {
    if (i == 3) state = f;
    if (i == 22) started = parse_u64(f).value_or(0);
  }
  if (state == "Z" || state == "X") return false;  // exited, not yet reaped
  return start == 0 || started == start;
}

std::string CapJournal::Outcome::line() const {
  const std::string what = entry.name + " (" + entry.target + ")";
  switch (result) {
    case Result::restored:
      return "restored " + what + " to " + entry.original;
    case Result::held:
      return "left " + what + ": held by running joulebench pid " + std::to_string(entry.owner.pid) +
             " (it restores it when it ends; --force restores it now)";
    case Result::refused:
      return "refused " + what + ": " + detail + "; left in the journal, inspect it by hand";
    case Result::failed:
      break;
  }
  return "could not restore " + what + " to " + entry.original + ": " + detail;
}

CapJournal::CapJournal(fs::path file, SysfsRoot root) : file_(std::move(file)), root_(std::move(root)) {}

fs::path CapJournal::default_path(const SysfsRoot& root) {
  if (const char* env = std::getenv("JOULEBENCH_JOURNAL"); env != nullptr && *env != 0) return env;
  if (!root.is_real()) return root("/var/lib/joulebench/caps-journal.json");
  if (::geteuid() == 0) return "/var/lib/joulebench/caps-journal.json";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/tmp") / ".local/state/joulebench/caps-journal.json";
}

void CapJournal::set_meter_options(const MeterOptions& options) {
  meter_options_ = std::make_shared<const MeterOptions>(options);
}

std::string CapJournal::check(const Entry& e) const {
  if (e.kind == "ptd") {
    try {
      if (parse_meter_url(e.target).scheme != "ptd") return "target is not a PTDaemon URL";
    } catch (const std::invalid_argument&) {
      return "target '" + printable(e.target) + "' is no meter URL";
    }
    if (!parse_journalled_ranges(e.original))
      return "PTDaemon original '" + printable(e.original) + "' is not 'VOLTS,AMPS' ranges";
    return {};
  }
  if (e.kind == "redfish") {
    try {
      if (parse_meter_url(e.target).scheme.rfind("redfish", 0) != 0)
        return "target is not a Redfish meter URL";
    } catch (const std::invalid_argument&) {
      return "target '" + printable(e.target) + "' is no meter URL";
    }
    if (!parse_watts(e.original))
      return "Redfish original '" + printable(e.original) + "' is no limit in watts";
    return {};
  }
  if (e.kind == "nvml") {
    if (!std::regex_match(e.target, std::regex("[0-9]{1,2}")))
      return "NVML target '" + printable(e.target) + "' is no GPU index";
    if (!parse_watts(e.original))
      return "NVML original '" + printable(e.original) + "' is no power limit in watts";
    return {};
  }
  if (e.kind != "file") return "unknown kind '" + printable(e.kind) + "'";
  const fs::path target(e.target);
  const std::string base = fs::absolute(root_.root()).lexically_normal().string();
  const std::string prefix = base.back() == '/' ? base : base + "/";
  if (e.target.rfind(prefix, 0) != 0)
    return "target " + printable(e.target) + " is not under the sysfs root in force (" + base + ")";
  if (!std::regex_match(e.target.substr(prefix.size()), actuator_file()))
    return "target " + printable(e.target) +
           " is not a known actuator file (a RAPL constraint_*_power_limit_uw or a "
           "cpufreq scaling_max_freq)";
  std::string why;
  if (!root_.contains(target, &why)) return "target " + printable(e.target) + " " + why;
  if (!parse_u64(e.original)) return "original '" + printable(e.original) + "' is not a whole number";
  return {};
}

std::vector<CapJournal::Entry> CapJournal::load() const {
  std::vector<Entry> out;
  struct stat st {};
  if (::lstat(file_.c_str(), &st) != 0) return out;  // no journal: nothing recorded
  FileError fe;
  const auto text = read_text(file_, &fe);
  std::string problem = text ? private_file_problem(file_, st) : fe.message;
  if (!problem.empty())
    throw std::runtime_error("refusing the cap journal: " + problem +
                             "; it could redirect root's writes, so inspect it and remove it by hand");
  try {
    const nlohmann::json doc = nlohmann::json::parse(*text);
    const int legacy_pid = doc.value("pid", 0);  // joulebench-journal/1 kept one pid for the file
    for (const auto& j : doc.at("entries")) {
      Entry e{j.at("name"), j.at("kind"), j.at("target"), j.at("original"), {}};
      e.owner = {j.value("pid", legacy_pid), j.value("pid_start", std::uint64_t{0})};
      out.push_back(e);
    }
  } catch (const std::exception& ex) {
    throw std::runtime_error("cap journal " + file_.string() + " is unreadable (" + ex.what() +
                             "); inspect it and restore the listed values by hand");
  }
  return out;
}

std::vector<CapJournal::Entry> CapJournal::entries() const {
  if (!fs::exists(file_.parent_path())) return {};
  ensure_private_dir(file_.parent_path());
  Lock lock(file_);
  return load();
}

void CapJournal::save(const std::vector<Entry>& entries) const {
  if (entries.empty()) {
    ::unlink(file_.c_str());
    return;
  }
  nlohmann::json j{{"schema", "joulebench-journal/2"}, {"entries", nlohmann::json::array()}};
  for (const auto& e : entries) j["entries"].push_back(entry_json(e));
  write_file_atomically(file_, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", 0600);
}

void CapJournal::record(Entry e) {
  if (const std::string why = check(e); !why.empty())
    throw std::runtime_error("refusing to change " + e.name + ": " + why);
  ensure_private_dir(file_.parent_path());
  Lock lock(file_);
  auto all = load();
  const ProcessId me = ProcessId::self();
  e.owner = me;
  const auto same = std::find_if(all.begin(), all.end(),
                                 [&](const Entry& x) { return x.target == e.target && x.kind == e.kind; });
  if (same == all.end()) {
    all.push_back(e);
  } else if (same->owner == me) {
    return;  // already ours: the first original stays
  } else if (same->owner.alive()) {
    throw ActuatorBusy("actuator " + e.name + " (" + e.target + ") is held by joulebench pid " +
                           std::to_string(same->owner.pid) + "; wait for that run to end or stop it",
                       same->owner.pid);
  } else {
    same->owner = me;  // a run that died: its original is the oldest and the one to put back
  }
  save(all);
}

CapJournal::Outcome CapJournal::put_back(const Entry& e) const {
  Outcome o{e, Outcome::Result::failed, {}};
  if (const std::string why = check(e); !why.empty()) {
    o.result = Outcome::Result::refused;
    o.detail = why;
    return o;
  }
  bool ok = false;
  if (e.kind == "file") {
    FileError fe;
    ok = write_text(e.target, e.original, &fe) && read_text(e.target, &fe) == e.original;
    o.detail = fe.message.empty() ? "read back a different value" : fe.message;
  } else if (e.kind == "ptd") {
    ok = restore_ptd_ranges(e.target, *parse_journalled_ranges(e.original),
                            meter_options_ ? *meter_options_ : MeterOptions{}, o.detail);
  } else if (e.kind == "redfish") {
    MeterOptions options = meter_options_ ? *meter_options_ : MeterOptions{};
    if (!meter_options_) options.credentials = load_meter_credentials(std::nullopt);
    ok = restore_meter_limit(e.target, *parse_watts(e.original), options, o.detail);
  } else {
    std::string why;
    auto nvml = detail::Nvml::open(why);
    const auto gpu = static_cast<unsigned>(*parse_u64(e.target));
    const double watts = *parse_watts(e.original);
    double now = 0;
    ok = nvml && nvml->set_power_limit_w(gpu, watts, why) && nvml->power_limit_w(gpu, now, why) &&
         std::fabs(now - watts) < 0.5;
    o.detail = why;
  }
  if (ok) o.result = Outcome::Result::restored;
  return o;
}

std::vector<CapJournal::Outcome> CapJournal::restore_where(const std::function<bool(const Entry&)>& wanted) {
  std::vector<Outcome> outcomes;
  if (!fs::exists(file_.parent_path())) return outcomes;
  ensure_private_dir(file_.parent_path());
  Lock lock(file_);
  std::vector<Entry> left;
  for (const Entry& e : load()) {
    if (!wanted(e)) {
      left.push_back(e);
      continue;
    }
    outcomes.push_back(put_back(e));
    if (outcomes.back().result != Outcome::Result::restored) left.push_back(e);
  }
  save(left);
  return outcomes;
}

void CapJournal::forget_own(const std::string& target) {
  if (!fs::exists(file_.parent_path())) return;
  ensure_private_dir(file_.parent_path());
  Lock lock(file_);
  const ProcessId me = ProcessId::self();
  auto all = load();
  std::erase_if(all, [&](const Entry& e) { return e.target == target && e.owner == me; });
  save(all);
}

std::vector<CapJournal::Outcome> CapJournal::restore_own(const std::vector<std::string>& targets) {
  const ProcessId me = ProcessId::self();
  return restore_where([&](const Entry& e) {
    return e.owner == me &&
           (targets.empty() || std::find(targets.begin(), targets.end(), e.target) != targets.end());
  });
}

std::vector<CapJournal::Outcome> CapJournal::restore_leftovers(bool force) {
  std::vector<Outcome> held;
  auto outcomes = restore_where([&](const Entry& e) {
    if (force || !e.owner.alive()) return true;
    held.push_back({e, Outcome::Result::held, {}});
    return false;
  });
  outcomes.insert(outcomes.end(), held.begin(), held.end());
  return outcomes;
}

}  // namespace joulebench::power
