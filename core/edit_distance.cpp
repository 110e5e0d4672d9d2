#include "core/edit_distance.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace aihunt::core {

std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case) {
  const auto fold = [ignore_case](char c) { return ignore_case ? asciiLower(c) : c; };
  // One row of the table at a time: row[j] is the distance between a[0..i) and b[0..j).
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace aihunt::core
