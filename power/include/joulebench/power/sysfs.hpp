// Files under a configurable root (`--sysfs-root`, default "/"), read and written with errors
// that name the path, the errno text and the fix. joulebench runs as root on the machines it
// caps, so every access here refuses what could turn a write against the machine: symlinked or
// hard-linked targets, FIFOs and devices that block or lie, and paths that leave the root.
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
  /// True when `p` (absolute, no `.`/`..` parts) lies under the root once the symlinks of its
  /// directories are resolved; its last part must not be a symlink.
  [[nodiscard]] bool contains(const std::filesystem::path& p, std::string* why = nullptr) const;

 private:
  std::filesystem::path root_;
};

/// Largest file read in full (sysfs attributes are at most a page; /proc/stat grows with CPUs).
inline constexpr std::size_t kMaxReadBytes = 1 << 20;

/// Reads a whole small regular file (trailing newline and spaces removed). Opened without
/// following a final symlink and without blocking; a FIFO, device or directory is an error.
[[nodiscard]] std::optional<std::string> read_text(const std::filesystem::path& p, FileError* error = nullptr,
                                                   std::size_t max_bytes = kMaxReadBytes);
/// Reads a file holding one unsigned integer; garbage is an error naming the contents.
[[nodiscard]] std::optional<std::uint64_t> read_u64(const std::filesystem::path& p,
                                                    FileError* error = nullptr);
/// Parses one unsigned decimal integer (digits only, no sign, no overflow).
[[nodiscard]] std::optional<std::uint64_t> parse_u64(const std::string& text);
/// Writes `text` to an existing regular file as `echo > file` does, refusing a symlink, a
/// hard-linked file, a FIFO or a device; on sysfs the attribute is written, elsewhere the file
/// is truncated first.
bool write_text(const std::filesystem::path& p, const std::string& text, FileError* error = nullptr);
/// Writes `text` to `p` atomically: a new temporary (mkstemp, O_EXCL) in the same directory,
/// fsync, rename. `mode` is applied to the new file. Throws std::runtime_error with the errno text.
void write_file_atomically(const std::filesystem::path& p, const std::string& text, unsigned mode = 0644);

/// A kernel CPU list ("0,28", "0-3,8") as CPU numbers; empty when malformed.
std::vector<int> parse_cpu_list(const std::string& text);

/// Directory entries whose names start with `prefix`, sorted naturally (hwmon2 < hwmon10).
std::vector<std::filesystem::path> list_dir(const std::filesystem::path& dir, const std::string& prefix);

/// A file the user named (a load trace, a budget schedule): its text, or std::invalid_argument
/// "<what> <file>: <why>" with the file name printable and a fix that fits a user's file (never the
/// sysfs hints read_text gives). Symbolic links are refused as everywhere.
std::string read_input_file(const std::filesystem::path& file, const std::string& what,
                            std::size_t max_bytes);

/// `text` with every byte that is not printable UTF-8 written as \xNN, so names read from the
/// machine can be printed and stored as JSON whatever they hold.
std::string printable(const std::string& text);

}  // namespace joulebench::power
