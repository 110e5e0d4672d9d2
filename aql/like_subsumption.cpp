#include "aql/like_subsumption.h"

namespace aihunt::aql {

bool likeNeedleCovers(std::string_view inner, std::string_view outer) {
  if (inner.size() > outer.size()) return false;
  // Needles are short (tens of bytes) and lists hold about a hundred: a direct scan is enough.
  for (std::size_t at = 0; at + inner.size() <= outer.size(); ++at) {
    bool match = true;
    for (std::size_t i = 0; i < inner.size() && match; ++i) {
      // An '_' in `outer` is any character, so only an '_' in `inner` is sure to match it.
      match = inner[i] == '_' || inner[i] == outer[at + i];
    }
    if (match) return true;
  }
  return false;
}

std::vector<std::string> withoutCoveredNeedles(const std::vector<std::string>& needles) {
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < needles.size(); ++i) {
    bool covered = false;
    for (std::size_t j = 0; j < needles.size() && !covered; ++j) {
      if (i == j || !likeNeedleCovers(needles[j], needles[i])) continue;
      // Two needles that cover each other are equal: the first of them stays.
      covered = needles[j] != needles[i] || j < i;
    }
    if (!covered) kept.push_back(needles[i]);
  }
  return kept;
}

}  // namespace aihunt::aql
