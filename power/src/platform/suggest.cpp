// Damerau-Levenshtein (optimal string alignment) over short words.
#include "joulebench/platform/suggest.hpp"

#include <algorithm>

namespace joulebench::platform {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view prefix) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t dist = c.starts_with(word) && !word.empty() ? 1 : edit_distance(word, c);
    if (best == nullptr || dist < best_distance) best = &c, best_distance = dist;
  }
  if (best == nullptr || best_distance == 0 || best_distance > std::max<std::size_t>(1, word.size() / 3))
    return "";
  return "; did you mean '" + std::string(prefix) + *best + "'?";
}

}  // namespace joulebench::platform
