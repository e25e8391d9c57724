// joulebench as root, tried the way a hostile or unlucky user would, through the real CLI
// against fake trees: a tampered journal, planted symlinks and hard links, FIFOs and odd names,
// concurrent runs, and every way a run can end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "fake_tree.hpp"
#include "joulebench/power/journal.hpp"
#include "joulebench/power/sensor.hpp"
#include "test_support.hpp"

namespace joulebench::power {
namespace {

using testing::FakeTree;
using testing::run_cli;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kLimit0 = "/sys/class/powercap/intel-rapl:0/constraint_0_power_limit_uw";
const std::string kLimit1 = "/sys/class/powercap/intel-rapl:1/constraint_0_power_limit_uw";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A journal written by hand, as an attacker who can write it would.
void write_journal(const FakeTree& tree, const std::string& target, const std::string& original,
                   const std::string& kind = "file", int pid = 999999) {
  const fs::path file = CapJournal::default_path(SysfsRoot(tree.root()));
  fs::create_directories(file.parent_path());
  fs::permissions(file.parent_path(), fs::perms::owner_all);
  nlohmann::json j{{"schema", "joulebench-journal/2"},
                   {"entries",
                    {{{"name", "x"},
                      {"kind", kind},
                      {"target", target},
                      {"original", original},
                      {"pid", pid},
                      {"pid_start", 1}}}}};
  std::ofstream(file) << j.dump();
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
}

class Safety : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.add_rapl(0, 1000000000, 120000000, 150000000);
    tree_.add_rapl(1, 1000000000, 120000000, 150000000);
    victim_ = tree_.root().parent_path() / ("joulebench-victim-" + std::to_string(::getpid()));
    std::ofstream(victim_) << std::string(13600, 'v');
  }
  void TearDown() override { fs::remove(victim_); }
  [[nodiscard]] std::string root() const { return tree_.root().string(); }
  [[nodiscard]] bool victim_intact() const { return slurp(victim_) == std::string(13600, 'v'); }
  // Starts `joulebench cap A=V -- CMD...` and waits until `file` reads `in_force`.
  pid_t start_cap(const std::string& cap, const std::string& file, const std::string& in_force,
                  const std::vector<std::string>& command = {"sleep", "30"}) {
    std::vector<std::string> args{"joulebench", "cap", cap, "--allow-hw-caps", "--sysfs-root", root(), "--"};
    args.insert(args.end(), command.begin(), command.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execv(JOULEBENCH_BINARY, argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 1000 && tree_.read(file) != in_force; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(tree_.read(file), in_force);
    return pid;
  }
  static int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  FakeTree tree_;
  fs::path victim_;
};

// --- 1. The journal is confined ---------------------------------------------------------------

TEST_F(Safety, TamperedJournalTargetsAreRefusedNamedAndKept) {
  const std::vector<std::string> hostile = {
      victim_.string(),                                                        // outside the root
      root() + "/sys/class/powercap/../../../" + victim_.filename().string(),  // climbs out with ..
      root() + "/etc/shadow",                                                  // inside, but no actuator file
      root() + "/sys/class/powercap/intel-rapl:0/energy_uj",                   // a sensor, not a limit
  };
  for (const auto& target : hostile) {
    write_journal(tree_, target, "1");
    const auto r = run_cli("restore --sysfs-root " + root());
    EXPECT_EQ(r.exit_code, 1) << target << "\n" << r.output;
    EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("left in the journal"), std::string::npos) << r.output;
    EXPECT_TRUE(victim_intact()) << target;
    EXPECT_EQ(CapJournal(CapJournal::default_path(SysfsRoot(tree_.root())), SysfsRoot(tree_.root()))
                  .entries()
                  .size(),
              1u);
  }
}

TEST_F(Safety, JournalTargetThroughASymlinkIsRefused) {
  // A real actuator name, but the file is a link to the victim.
  const fs::path link = tree_.root() / "sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq";
  fs::create_directories(link.parent_path());
  fs::create_symlink(victim_, link);
  write_journal(tree_, link.string(), "3000000");
  const auto r = run_cli("restore --sysfs-root " + root());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("symbolic link"), std::string::npos) << r.output;
  EXPECT_TRUE(victim_intact());
  // And a directory link that leads out of the root.
  fs::remove(link);
  fs::remove(link.parent_path());
  fs::create_directory_symlink(victim_.parent_path(), link.parent_path());
  const auto r2 = run_cli("restore --sysfs-root " + root());
  EXPECT_EQ(r2.exit_code, 1) << r2.output;
  EXPECT_NE(r2.output.find("outside the sysfs root"), std::string::npos) << r2.output;
}

TEST_F(Safety, NvmlEntriesMustNameADeviceAndAWattage) {
  write_journal(tree_, "../../etc/passwd", "100", "nvml");
  auto r = run_cli("restore --sysfs-root " + root());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no GPU index"), std::string::npos) << r.output;
  write_journal(tree_, "0", "1e9", "nvml");
  r = run_cli("restore --sysfs-root " + root());
  EXPECT_NE(r.output.find("no power limit in watts"), std::string::npos) << r.output;
}

TEST_F(Safety, AJournalOthersCanWriteIsNotTrusted) {
  write_journal(tree_, root() + kLimit0, "120000000");
  const fs::path file = CapJournal::default_path(SysfsRoot(tree_.root()));
  fs::permissions(file, fs::perms::others_write | fs::perms::group_write, fs::perm_options::add);
  tree_.write(kLimit0, "50000000");
  const auto r = run_cli("restore --sysfs-root " + root());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("writable by group or others"), std::string::npos) << r.output;
  EXPECT_EQ(tree_.read(kLimit0), "50000000");  // nothing acted on
  if (::geteuid() == 0) {
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
    const auto r2 = run_cli("restore --sysfs-root " + root());
    EXPECT_NE(r2.output.find("belongs to uid 65534"), std::string::npos) << r2.output;
  }
}

TEST_F(Safety, JournalDirectoryIs0700AndFile0600WhileACapIsHeld) {
  const fs::path dir = CapJournal::default_path(SysfsRoot(tree_.root())).parent_path();
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);  // 0777 to start with: it must be tightened
  const pid_t pid = start_cap("powercap:package-0=75W", kLimit0, "75000000");
  struct stat d {
  }, f{};
  ASSERT_EQ(::stat(dir.c_str(), &d), 0);
  ASSERT_EQ(::stat((dir / "caps-journal.json").c_str(), &f), 0);
  EXPECT_EQ(d.st_mode & 0777, 0700u);
  EXPECT_EQ(f.st_mode & 0777, 0600u);
  EXPECT_EQ(f.st_uid, ::geteuid());
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 143);
  EXPECT_EQ(tree_.read(kLimit0), "120000000");
}

// --- 2. No symlink, hard link or special-file surprises ------------------------------------------

TEST_F(Safety, SymlinkedActuatorFileIsNeverWrittenThrough) {
  const std::string dir = "/sys/devices/system/cpu/cpufreq/policy0";
  tree_.write(dir + "/cpuinfo_min_freq", "400000");
  tree_.write(dir + "/cpuinfo_max_freq", "3000000");
  fs::create_symlink(victim_, tree_.root() / (dir.substr(1) + "/scaling_max_freq"));
  const auto r = run_cli("cap cpufreq=2GHz --allow-hw-caps --sysfs-root " + root() + " -- true");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(victim_intact());  // 13,600 bytes, not cut to 4095 and "restored"
}

TEST_F(Safety, HardLinkedActuatorFileIsRefused) {
  const fs::path limit = tree_.root() / kLimit0.substr(1);
  fs::remove(limit);
  std::ofstream(victim_) << "120000000";
  fs::create_hard_link(victim_, limit);
  const auto r = run_cli("cap powercap:package-0=75W --allow-hw-caps --sysfs-root " + root() + " -- true");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("hard links"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(victim_), "120000000");
}

TEST(SafetyFiles, AtomicWritesReplaceALinkNeverFollowIt) {
  FakeTree tree;
  const fs::path victim = tree.root() / "victim", link = tree.root() / "results.json";
  std::ofstream(victim) << "keep";
  fs::create_symlink(victim, link);
  write_file_atomically(link, "new");
  EXPECT_EQ(slurp(victim), "keep");
  EXPECT_FALSE(fs::is_symlink(link));
  EXPECT_EQ(slurp(link), "new");
  // No temporary is left behind, and none has a guessable name to plant a link at.
  for (const auto& e : fs::directory_iterator(tree.root()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(SafetyFiles, WriteErrorsNameTheRealCause) {
  FakeTree tree;
  const std::string csv = (tree.root() / "fleet.csv").string();
  // A file size limit of 0 makes every write fail (EFBIG), as a full disk would (ENOSPC).
  const auto full = testing::run_shell("sh -c 'ulimit -f 0; exec " + std::string(JOULEBENCH_BINARY) +
                                       " merge " + tree.root().string() + " --csv " + csv + "'");
  EXPECT_EQ(full.exit_code, 1) << full.output;
  EXPECT_NE(full.output.find("cannot write " + csv + ": File too large"), std::string::npos) << full.output;
  EXPECT_EQ(full.output.find("Success"), std::string::npos) << full.output;
  EXPECT_EQ(full.output.find("wrote"), std::string::npos) << full.output;
  EXPECT_FALSE(fs::exists(csv));
  const auto unwritable = run_cli("merge " + tree.root().string() + " --csv /proc/version");
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.output;
  EXPECT_EQ(unwritable.output.find("wrote /proc/version"), std::string::npos) << unwritable.output;
}

TEST(SafetyFiles, FifosInPlaceOfSysfsFilesAreRefusedNotWaitedOn) {
  FakeTree tree;
  tree.add_rapl(0, 1000000);
  for (const char* f :
       {"sys/class/powercap/intel-rapl:0/energy_uj", "sys/class/powercap/intel-rapl:0:0/name", "proc/stat"}) {
    fs::create_directories((tree.root() / f).parent_path());
    fs::remove(tree.root() / f);
    ASSERT_EQ(::mkfifo((tree.root() / f).c_str(), 0600), 0);
  }
  const auto r = run_cli("sensors --json --sysfs-root " + tree.root().string());  // would block forever
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is a FIFO"), std::string::npos) << r.output;
}

TEST(SafetyFiles, OddZoneNamesAndNumbersStillGiveValidJson) {
  FakeTree tree;
  tree.add_rapl(0, 1000000);
  tree.write("/sys/class/powercap/intel-rapl:0/name", std::string("package-\xff\xfe\x01-0"));
  tree.add_rapl(1, 1000000);
  fs::rename(tree.root() / "sys/class/powercap/intel-rapl:1",
             tree.root() / "sys/class/powercap/intel-rapl:123456789012345678901");
  const auto r = run_cli("sensors --json --sysfs-root " + tree.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  bool escaped = false;
  for (const auto& p : j)
    escaped = escaped || p["name"].get<std::string>().find("\\xff\\xfe\\x01") != std::string::npos;
  EXPECT_TRUE(escaped) << r.output;
  const auto m = run_cli("measure --json --sysfs-root " + tree.root().string() + " -- sh -c 'exit 7'");
  EXPECT_EQ(m.exit_code, 7) << m.output;
  const auto parsed = nlohmann::json::parse(m.output.substr(m.output.find('{')), nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << m.output;
  EXPECT_EQ(parsed["exit_code"], 7);
}

// --- 3. One owner per actuator ---------------------------------------------------------------------

TEST_F(Safety, ASecondRunRefusesAnActuatorALiveRunHolds) {
  const pid_t first = start_cap("powercap:package-0=75W", kLimit0, "75000000");
  const auto r = run_cli("cap powercap:package-0=50W --allow-hw-caps --sysfs-root " + root() + " -- true");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("held by joulebench pid " + std::to_string(first)), std::string::npos) << r.output;
  EXPECT_EQ(tree_.read(kLimit0), "75000000");  // the first run's cap is untouched
  const auto restore = run_cli("restore --sysfs-root " + root());
  EXPECT_NE(restore.output.find("held by running joulebench pid"), std::string::npos) << restore.output;
  EXPECT_EQ(tree_.read(kLimit0), "75000000");  // and `restore` leaves a live run's cap alone
  ::kill(first, SIGTERM);
  EXPECT_EQ(wait_exit(first), 143);
  EXPECT_EQ(tree_.read(kLimit0), "120000000");
}

TEST_F(Safety, ConcurrentRunsKilledTogetherLoseNoOriginal) {
  constexpr int kRepeats = 25;
  int lost = 0;
  for (int i = 0; i < kRepeats; ++i) {
    const pid_t a = start_cap("powercap:package-0=50W", kLimit0, "50000000");
    const pid_t b = start_cap("powercap:package-1=50W", kLimit1, "50000000");
    ::kill(-a, SIGKILL);
    ::kill(-b, SIGKILL);
    wait_exit(a);
    wait_exit(b);
    const auto r = run_cli("restore --sysfs-root " + root());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    lost += tree_.read(kLimit0) != "120000000" || tree_.read(kLimit1) != "120000000";
  }
  EXPECT_EQ(lost, 0) << "of " << kRepeats;
}

TEST_F(Safety, ADeadRunsOriginalIsTheOneThatGoesBack) {
  const pid_t first = start_cap("powercap:package-0=75W", kLimit0, "75000000");
  ::kill(-first, SIGKILL);
  wait_exit(first);
  // The next run finds the dead run's entry: the pre-run 120 W, not the 75 W left in force, returns.
  const auto r = run_cli("cap powercap:package-0=60W --allow-hw-caps --sysfs-root " + root() + " -- true");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(tree_.read(kLimit0), "120000000");
}

// --- 4. Every ending restores ----------------------------------------------------------------------

TEST_F(Safety, EverySignalRestoresAndExitsWith128PlusIt) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1}) {
    const pid_t pid = start_cap("powercap:package-0=75W", kLimit0, "75000000");
    ::kill(pid, sig);
    EXPECT_EQ(wait_exit(pid), 128 + sig) << strsignal(sig);
    EXPECT_EQ(tree_.read(kLimit0), "120000000") << strsignal(sig);
    ::kill(-pid, SIGKILL);  // the sleep, if anything is left of the group
  }
}

TEST_F(Safety, ASecondSigintWhileTheCommandIgnoresTheFirstStillRestores) {
  const fs::path pidfile = tree_.root() / "child.pid";
  const pid_t pid = start_cap("powercap:package-0=75W", kLimit0, "75000000",
                              {"sh", "-c", "trap '' INT; echo $$ > " + pidfile.string() + "; exec sleep 30"});
  // The pid file appears once the command ignores SIGINT (on a loaded machine that took over 1 s).
  for (int i = 0; i < 2000 && !fs::exists(pidfile); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(fs::exists(pidfile)) << "the command did not start within 10 s";
  ::kill(pid, SIGINT);  // forwarded; the command ignores it, so cap keeps waiting
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(tree_.read(kLimit0), "75000000");
  ::kill(pid, SIGINT);  // the user insists
  EXPECT_EQ(wait_exit(pid), 130);
  EXPECT_EQ(tree_.read(kLimit0), "120000000");
  // The command is told to stop when cap goes (it ignores SIGINT, not SIGTERM).
  const pid_t child = std::stoi(slurp(pidfile));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    const std::string stat = slurp("/proc/" + std::to_string(child) + "/stat");
    gone = stat.empty() || stat.find(") Z") != std::string::npos;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
}

TEST_F(Safety, SigkilledCapTakesItsCommandDownAndRestoreFinishesTheJob) {
  const fs::path pidfile = tree_.root() / "child.pid";
  const pid_t pid = start_cap("powercap:package-0=75W", kLimit0, "75000000",
                              {"sh", "-c", "echo $$ > " + pidfile.string() + "; exec sleep 30"});
  for (int i = 0; i < 200 && !fs::exists(pidfile); ++i) std::this_thread::sleep_for(5ms);
  ::kill(pid, SIGKILL);  // cap alone, not its group
  wait_exit(pid);
  const pid_t child = std::stoi(slurp(pidfile));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    const std::string stat = slurp("/proc/" + std::to_string(child) + "/stat");
    gone = stat.empty() || stat.find(") Z") != std::string::npos;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "the command outlived a SIGKILLed cap";
  EXPECT_EQ(tree_.read(kLimit0), "75000000");
  EXPECT_EQ(run_cli("restore --sysfs-root " + root()).exit_code, 0);
  EXPECT_EQ(tree_.read(kLimit0), "120000000");
}

// --- 5. Bounded work and memory ----------------------------------------------------------------------

TEST(SafetyBounds, ImpossibleSizesAreOneLineErrorsNamingNeedAndAvailability) {
  for (const char* cmd :
       {"gemm --m 1000000 --n 1000000 --k 1000000", "infer --model mlp:65536x65536,layers=1000",
        "run --quick --workloads mlp:65536x65536 --out /tmp/never"}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.output;
    EXPECT_NE(r.output.find("needs"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("is available"), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
}

TEST(SafetyBounds, SharesAreCountedInFullButKeptUpToKeep) {
  const auto r = run_cli("mine --share-bits 207fffff --count 200000 --keep 7 --threads 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["found"].size(), 7u);
  EXPECT_EQ(j["kept"], 7);
  EXPECT_GT(j["found_count"].get<std::uint64_t>(), 7u);
  // The kept ones are the first found, in nonce order.
  for (std::size_t i = 1; i < j["found"].size(); ++i)
    EXPECT_LT(j["found"][i - 1]["nonce"].get<std::uint32_t>(), j["found"][i]["nonce"].get<std::uint32_t>());
}

TEST(SafetyBounds, SigtermDuringModelPreparationIsHonoured) {
  FakeTree tree;
  const fs::path err = tree.root() / "stderr";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT, 0600);
    ::dup2(fd, 2);
    // 1000 layers of 1024x1024: many seconds of weights and calibration before the first pass.
    ::execl(JOULEBENCH_BINARY, "joulebench", "infer", "--model", "mlp:1024x1024,layers=1000", "--duration",
            "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(300ms);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_NE(slurp(err).find("stopped while preparing model"), std::string::npos) << slurp(err);
}

}  // namespace
}  // namespace joulebench::power
