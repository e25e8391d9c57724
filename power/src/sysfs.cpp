// Root-relative file access with specific, actionable errors.
#include "joulebench/power/sysfs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace joulebench::power {
namespace {

std::string fix_for(int err, const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  if (err == EACCES || err == EPERM) {
    if (name == "energy_uj") {
      return "energy_uj is readable by root only since Linux 5.10 (CVE-2020-8694, PLATYPUS): run as root, "
             "grant read access (a udev rule or chgrp/chmod g+r on the file), or use the estimated model";
    }
    return "run as root or grant access to the file";
  }
  if (err == ENOENT) return "the kernel does not expose it here (driver not loaded, or not supported)";
  return "check the driver and the file";
}

FileError make_error(const std::filesystem::path& p, int err, const std::string& what) {
  return {p.string(), err,
          what + " " + p.string() + ": " + std::strerror(err) + " (" + fix_for(err, p) + ")"};
}

}  // namespace

SysfsRoot::SysfsRoot(std::filesystem::path root) {
  // Absolute and without a trailing slash, so paths under it compare as prefixes.
  root_ = root.empty() ? std::filesystem::path("/") : std::filesystem::absolute(root).lexically_normal();
  if (root_.string().size() > 1 && root_.string().back() == '/') root_ = root_.parent_path();
}

std::filesystem::path SysfsRoot::operator()(const std::string& absolute) const {
  if (is_real()) return absolute;
  return root_ / std::filesystem::path(absolute).relative_path();
}

bool SysfsRoot::contains(const std::filesystem::path& p, std::string* why) const {
  const auto fail = [&](const std::string& reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (!p.is_absolute()) return fail("is not an absolute path");
  for (const auto& part : p.relative_path()) {
    if (part == "." || part == ".." || part.empty()) return fail("has a '.' or '..' part");
  }
  std::error_code ec;
  const auto parent = std::filesystem::canonical(p.parent_path(), ec);
  if (ec) return fail("its directory cannot be resolved (" + ec.message() + ")");
  const auto base = std::filesystem::canonical(root_, ec);
  if (ec) return fail("the sysfs root " + root_.string() + " cannot be resolved (" + ec.message() + ")");
  const std::string b = base.string(), d = parent.string();
  if (b != "/" && d != b && d.rfind(b + "/", 0) != 0)
    return fail("resolves to " + d + ", outside the sysfs root " + b);
  struct stat st {};
  if (::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return fail("is a symbolic link");
  return true;
}

namespace {

const char* file_type(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

FileError open_error(const std::filesystem::path& p, int err, const std::string& what) {
  if (err == ELOOP)
    return {p.string(), err,
            what + " " + p.string() + ": it is a symbolic link (refused: joulebench never follows one)"};
  return make_error(p, err, what);
}

// A regular file, and for writes one with no other names: a hard link could aim a write elsewhere.
std::optional<FileError> check_regular(int fd, const std::filesystem::path& p, bool for_write) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return make_error(p, errno, "cannot stat");
  if (!S_ISREG(st.st_mode))
    return FileError{p.string(), EINVAL,
                     p.string() + " is " + file_type(st.st_mode) +
                         ", not a regular file (refused: sysfs and procfs attributes are regular files)"};
  if (for_write && st.st_nlink > 1)
    return FileError{p.string(), EMLINK,
                     p.string() + " has " + std::to_string(st.st_nlink) +
                         " hard links (refused: a write through it could change another file)"};
  return std::nullopt;
}

}  // namespace

std::string read_input_file(const std::filesystem::path& file, const std::string& what,
                            std::size_t max_bytes) {
  FileError e;
  const auto text = read_text(file, &e, max_bytes);
  if (text) return *text;
  const std::string name = printable(file.string());
  std::string why;
  if (e.error_number == ENOENT) {
    why = "no such file; check the path (relative paths start from " +
          printable(std::filesystem::current_path().string()) + ")";
  } else if (e.error_number == EACCES || e.error_number == EPERM) {
    why = "permission denied; make it readable by this user";
  } else if (e.error_number == ELOOP) {
    why = "a symbolic link (refused: joulebench never follows one); name the file itself";
  } else if (e.error_number == EFBIG) {
    why = "larger than " + std::to_string(max_bytes) + " bytes; is it the right file?";
  } else {
    why = printable(e.message);
  }
  throw std::invalid_argument(what + " " + name + ": " + why);
}

std::optional<std::string> read_text(const std::filesystem::path& p, FileError* error,
                                     std::size_t max_bytes) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (error != nullptr) *error = open_error(p, errno, "cannot open");
    return std::nullopt;
  }
  if (auto bad = check_regular(fd, p, false)) {
    ::close(fd);
    if (error != nullptr) *error = *bad;
    return std::nullopt;
  }
  std::string s;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      if (error != nullptr) *error = make_error(p, err, "cannot read");
      return std::nullopt;
    }
    if (n == 0) break;
    s.append(buf, static_cast<std::size_t>(n));
    if (s.size() > max_bytes) {
      ::close(fd);
      if (error != nullptr)
        *error = {p.string(), EFBIG,
                  p.string() + " is larger than " + std::to_string(max_bytes) +
                      " bytes (refused: too large for what it should hold)"};
      return std::nullopt;
    }
  }
  ::close(fd);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  errno = 0;
  const std::uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> read_u64(const std::filesystem::path& p, FileError* error) {
  const auto text = read_text(p, error);
  if (!text) return std::nullopt;
  const auto v = parse_u64(*text);
  if (!v && error != nullptr) {
    *error = {p.string(), EINVAL,
              "unexpected contents '" + printable(text->substr(0, 40)) + "' in " + p.string() +
                  " (expected an unsigned integer)"};
  }
  return v;
}

bool write_text(const std::filesystem::path& p, const std::string& text, FileError* error) {
  // No O_TRUNC here: the checks come before anything in the file changes.
  const int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (error != nullptr) *error = open_error(p, errno, "cannot open for writing");
    return false;
  }
  if (auto bad = check_regular(fd, p, true)) {
    ::close(fd);
    if (error != nullptr) *error = *bad;
    return false;
  }
  struct statfs fs {};
  constexpr long kSysfsMagic = 0x62656572;
  // A sysfs attribute takes the whole value in one write; a plain file (a recorded tree) must
  // lose its old contents first, as `echo > file` does.
  const bool sysfs = ::fstatfs(fd, &fs) == 0 && static_cast<long>(fs.f_type) == kSysfsMagic;
  if (!sysfs && ::ftruncate(fd, 0) != 0) {
    const int err = errno;
    ::close(fd);
    if (error != nullptr) *error = make_error(p, err, "cannot truncate");
    return false;
  }
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    if (error != nullptr) *error = make_error(p, n < 0 ? err : EIO, "cannot write '" + text + "' to");
    return false;
  }
  return true;
}

void write_file_atomically(const std::filesystem::path& p, const std::string& text, unsigned mode) {
  const std::filesystem::path dir = p.parent_path().empty() ? "." : p.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
  // A fresh name that nobody can have planted (mkstemp opens with O_EXCL, mode 0600).
  std::string tmp = (dir / ("." + p.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(errno));
  int err = 0;
  std::size_t done = 0;
  while (err == 0 && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n > 0)
      done += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR)
      err = errno;
    else if (n == 0)
      err = EIO;
  }
  if (err == 0 && ::fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), p.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(err));
  }
}

namespace {

// Digit runs compare as numbers of any length (no integer conversion that could overflow).
bool natural_less(const std::string& x, const std::string& y) {
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (digit(x[i]) && digit(y[j])) {
      std::size_t ei = i, ej = j;
      while (ei < x.size() && digit(x[ei])) ++ei;
      while (ej < y.size() && digit(y[ej])) ++ej;
      std::size_t zi = i, zj = j;
      while (zi + 1 < ei && x[zi] == '0') ++zi;
      while (zj + 1 < ej && y[zj] == '0') ++zj;
      const std::string_view a(x.data() + zi, ei - zi), b(y.data() + zj, ej - zj);
      if (a.size() != b.size()) return a.size() < b.size();
      if (a != b) return a < b;
      i = ei;
      j = ej;
    } else {
      if (x[i] != y[j]) return x[i] < y[j];
      ++i;
      ++j;
    }
  }
  return x.size() - i < y.size() - j;
}

}  // namespace

std::vector<std::filesystem::path> list_dir(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  // Natural order: hwmon2 < hwmon10, intel-rapl:0 < intel-rapl:0:0 < intel-rapl:1.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return natural_less(a.filename().string(), b.filename().string());
  });
  return out;
}

std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    const auto lo = parse_u64(item.substr(0, dash));
    const auto hi = dash == std::string::npos ? lo : parse_u64(item.substr(dash + 1));
    if (!lo || !hi || *hi < *lo || *hi >= 1u << 20 || *hi - *lo > 4096) return {};
    for (auto c = *lo; c <= *hi; ++c) cpus.push_back(static_cast<int>(c));
    pos = comma + 1;
  }
  return cpus;
}

std::string printable(const std::string& text) {
  std::string out;
  const auto escape = [&](unsigned char c) {
    static const char* hex = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool valid = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) >> 6) == 2;
    if (valid && len == 2) valid = c >= 0xc2;  // no overlong forms
    if (valid && len == 3) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      valid = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogates
    }
    if (valid && len == 4) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      valid = c <= 0xf4 && !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (!valid || (len == 1 && (c < 0x20 || c == 0x7f))) {
      escape(c);
      ++i;
      continue;
    }
    out.append(text, i, len);
    i += len;
  }
  return out;
}

}  // namespace joulebench::power
