#include "cli/output_file.hpp"

#include "cli/args.hpp"
#include "joulebench/power/sysfs.hpp"

namespace joulebench::cli {

void write_output_file(const std::filesystem::path& path, const std::string& text, const std::string& option,
                       bool may_replace, const std::string& refusal) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (st.type() == fs::file_type::symlink)
    throw UsageError(path.string() + " is a symbolic link; give a plain path for " + option);
  if (fs::exists(st) && !may_replace) throw UsageError(path.string() + refusal);
  power::write_file_atomically(path, text);
}

}  // namespace joulebench::cli
