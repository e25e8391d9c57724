// Files under a configurable root (`--sysfs-root`, default "/"), read and written with errors
// that name the path, the errno text and the fix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace joulebench::power {

/// A failed read or write: what, where, why (errno text) and what to do.
struct FileError {
  std::string path;
  int error_number = 0;
  std::string message;  ///< one line, ready to print
};

/// Resolves absolute machine paths ("/sys/class/powercap") under a root directory.
class SysfsRoot {
 public:
  explicit SysfsRoot(std::filesystem::path root = "/");
  [[nodiscard]] std::filesystem::path operator()(const std::string& absolute) const;
  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] bool is_real() const { return root_ == "/"; }

 private:
  std::filesystem::path root_;
};

/// Reads a whole small file (trailing newline removed).
[[nodiscard]] std::optional<std::string> read_text(const std::filesystem::path& p,
                                                   FileError* error = nullptr);
/// Reads a file holding one unsigned integer; garbage is an error naming the contents.
[[nodiscard]] std::optional<std::uint64_t> read_u64(const std::filesystem::path& p,
                                                    FileError* error = nullptr);
/// Writes `text` to an existing sysfs-style file (no create, no truncate semantics beyond the write).
bool write_text(const std::filesystem::path& p, const std::string& text, FileError* error = nullptr);
/// Writes `text` to `p` atomically: a temporary file in the same directory, fsync, rename.
void write_file_atomically(const std::filesystem::path& p, const std::string& text);

/// Directory entries whose names start with `prefix`, sorted naturally (hwmon2 < hwmon10).
std::vector<std::filesystem::path> list_dir(const std::filesystem::path& dir, const std::string& prefix);

}  // namespace joulebench::power
