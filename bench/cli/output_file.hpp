// A command's own output file (`export --out`, `plan --lp`): written atomically, never through a
// symbolic link, and an existing file replaced only when the caller says it may be.
#pragma once

#include <filesystem>
#include <string>

namespace joulebench::cli {

/// Throws UsageError "<path> is a symbolic link; give a plain path for <option>", or
/// "<path><refusal>" when the file exists and `may_replace` is false.
void write_output_file(const std::filesystem::path& path, const std::string& text, const std::string& option,
                       bool may_replace, const std::string& refusal);

}  // namespace joulebench::cli
