// "Did you mean": the nearest known word to a mistyped one, for error messages that name the fix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace joulebench::platform {

/// Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// "; did you mean 'x'?" for the candidate nearest to `word` when it is close (at most a third
/// of the word's length, and at least 1 edit, away; or `word` is a prefix of it), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view prefix = "");

}  // namespace joulebench::platform
