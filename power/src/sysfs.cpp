// Root-relative file access with specific, actionable errors.
#include "joulebench/power/sysfs.hpp"

#include <fcntl.h>
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

SysfsRoot::SysfsRoot(std::filesystem::path root) : root_(root.empty() ? "/" : std::move(root)) {}

std::filesystem::path SysfsRoot::operator()(const std::string& absolute) const {
  if (is_real()) return absolute;
  return root_ / std::filesystem::path(absolute).relative_path();
}

std::optional<std::string> read_text(const std::filesystem::path& p, FileError* error) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (error != nullptr) *error = make_error(p, errno, "cannot open");
    return std::nullopt;
  }
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  const int err = errno;
  ::close(fd);
  if (n < 0) {
    if (error != nullptr) *error = make_error(p, err, "cannot read");
    return std::nullopt;
  }
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<std::uint64_t> read_u64(const std::filesystem::path& p, FileError* error) {
  const auto text = read_text(p, error);
  if (!text) return std::nullopt;
  std::uint64_t v = 0;
  const bool digits =
      !text->empty() && std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    errno = 0;
    v = std::strtoull(text->c_str(), nullptr, 10);
  }
  if (!digits || errno == ERANGE) {
    if (error != nullptr) {
      *error = {p.string(), EINVAL,
                "unexpected contents '" + text->substr(0, 40) + "' in " + p.string() +
                    " (expected an unsigned integer)"};
    }
    return std::nullopt;
  }
  return v;
}

bool write_text(const std::filesystem::path& p, const std::string& text, FileError* error) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);  // as `echo > file` does
  if (fd < 0) {
    if (error != nullptr) *error = make_error(p, errno, "cannot open for writing");
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

void write_file_atomically(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path().empty() ? "." : p.parent_path());
  const std::filesystem::path tmp = p.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  const bool ok =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), p.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(err));
  }
}

std::vector<std::filesystem::path> list_dir(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  // Natural order: digit runs compare as numbers (hwmon2 < hwmon10, intel-rapl:0 < intel-rapl:0:0 <
  // intel-rapl:1).
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const std::string x = a.filename().string(), y = b.filename().string();
    std::size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (std::isdigit(static_cast<unsigned char>(x[i])) && std::isdigit(static_cast<unsigned char>(y[j]))) {
        std::size_t ei = i, ej = j;
        while (ei < x.size() && std::isdigit(static_cast<unsigned char>(x[ei]))) ++ei;
        while (ej < y.size() && std::isdigit(static_cast<unsigned char>(y[ej]))) ++ej;
        const auto nx = std::stoull(x.substr(i, ei - i)), ny = std::stoull(y.substr(j, ej - j));
        if (nx != ny) return nx < ny;
        i = ei;
        j = ej;
      } else {
        if (x[i] != y[j]) return x[i] < y[j];
        ++i;
        ++j;
      }
    }
    return x.size() - i < y.size() - j;
  });
  return out;
}

}  // namespace joulebench::power
