#include "core/edit_distance.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace aihunt::core {

std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case) {
  const auto fold = [ignore_case](char c) { return ignore_case ? asciiLower(c) : c; };
  // Three rows of the table: row[j] is the distance between a[0..i) and b[0..j), `above` the
  // row for i - 1 and `two_above` the row for i - 2 (what a swap of two characters reaches back
  // to).
  std::vector<std::size_t> two_above(b.size() + 1);
  std::vector<std::size_t> above(b.size() + 1);
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    two_above.swap(above);
    above.swap(row);
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        row[j] = std::min(row[j], two_above[j - 2] + 1);
      }
    }
  }
  return row[b.size()];
}

}  // namespace aihunt::core
