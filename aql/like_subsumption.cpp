#include "aql/like_subsumption.h"

#include <set>
#include <string_view>
#include <unordered_map>

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
  // Comparing every needle with every other is quadratic: a config with 20,000 extra hosts took
  // seconds per hunt. A needle without '_' covers another exactly when it is a substring of it,
  // so those are looked up by text, for each length they come in; the few with '_' are compared
  // one by one.
  std::unordered_map<std::string_view, std::size_t> plain;  // text -> first index
  std::set<std::size_t> lengths;
  std::vector<std::size_t> wild;
  for (std::size_t i = 0; i < needles.size(); ++i) {
    if (needles[i].find('_') != std::string::npos) {
      wild.push_back(i);
    } else {
      plain.emplace(needles[i], i);
      lengths.insert(needles[i].size());
    }
  }
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < needles.size(); ++i) {
    const std::string_view outer = needles[i];
    bool covered = false;
    for (auto length = lengths.begin();
         length != lengths.end() && *length <= outer.size() && !covered; ++length) {
      for (std::size_t at = 0; at + *length <= outer.size() && !covered; ++at) {
        const auto found = plain.find(outer.substr(at, *length));
        if (found == plain.end() || found->second == i) continue;
        // Two equal needles cover each other: the first of them stays.
        covered = *length < outer.size() || found->second < i;
      }
    }
    for (std::size_t k = 0; k < wild.size() && !covered; ++k) {
      const std::size_t j = wild[k];
      if (j == i || !likeNeedleCovers(needles[j], outer)) continue;
      covered = needles[j] != outer || j < i;
    }
    if (!covered) kept.push_back(needles[i]);
  }
  return kept;
}

}  // namespace aihunt::aql
