#include "aql/like_subsumption.h"

#include <cstdint>
#include <map>
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

namespace {

// A polynomial hash over a sliding window: each step is O(1), so looking every window of a text
// up costs its length per window size, not its length times the window size.
constexpr std::uint64_t kBase = 1'000'003;

std::uint64_t hashOf(std::string_view text) {
  std::uint64_t hash = 0;
  for (const char c : text) hash = hash * kBase + static_cast<unsigned char>(c);
  return hash;
}

// Texts of one length, by hash: the indexes of the needles they stand for.
using ByHash = std::unordered_map<std::uint64_t, std::vector<std::size_t>>;

// Calls visit(at, indexes) for each window of `text` whose hash one of `by_length` holds
// (`by_length[n]` for windows of n bytes); visit returns true to stop.
template <typename Visit>
void forEachWindow(std::string_view text, const std::map<std::size_t, ByHash>& by_length,
                   Visit&& visit) {
  for (const auto& [length, by_hash] : by_length) {
    if (length > text.size()) return;
    std::uint64_t power = 1;  // kBase^(length-1): what the byte leaving the window weighed
    for (std::size_t k = 1; k < length; ++k) power *= kBase;
    std::uint64_t hash = hashOf(text.substr(0, length));
    for (std::size_t at = 0;; ++at) {
      if (const auto found = by_hash.find(hash); found != by_hash.end()) {
        if (visit(at, length, found->second)) return;
      }
      if (at + length >= text.size()) break;
      hash = (hash - power * static_cast<unsigned char>(text[at])) * kBase +
             static_cast<unsigned char>(text[at + length]);
    }
  }
}

// The longest run of a needle without '_': every text the needle occurs in holds it.
std::string_view longestPlainRun(std::string_view needle) {
  std::string_view best;
  std::size_t from = 0;
  while (from <= needle.size()) {
    std::size_t to = needle.find('_', from);
    if (to == std::string_view::npos) to = needle.size();
    if (to - from > best.size()) best = needle.substr(from, to - from);
    from = to + 1;
  }
  return best;
}

// Every needle compared with every other: the definition, and the faster way for a few needles or
// for needles of many different lengths.
std::vector<std::string> pairwise(const std::vector<std::string>& needles) {
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

}  // namespace

std::vector<std::string> withoutCoveredNeedles(const std::vector<std::string>& needles) {
  // Comparing every needle with every other is quadratic: a config with 20,000 extra hosts or
  // key variables took seconds to minutes per hunt. A needle without '_' covers another exactly
  // when it is a substring of it: those are looked up by the hash of each window of the other.
  // A needle with '_' is looked up by its longest run without one, then compared; only needles
  // made of '_' alone are compared with every other.
  std::unordered_map<std::string_view, std::size_t> first;  // each text's first index
  std::map<std::size_t, ByHash> plain;                      // distinct plain texts
  std::map<std::size_t, ByHash> anchored;                   // needles with '_', by their run
  std::vector<std::size_t> blank;                           // needles of '_' alone
  for (std::size_t i = 0; i < needles.size(); ++i) {
    const std::string_view needle = needles[i];
    if (!first.emplace(needle, i).second) continue;  // a later copy: covered by the first
    if (needle.find('_') == std::string_view::npos) {
      plain[needle.size()][hashOf(needle)].push_back(i);
    } else if (const std::string_view run = longestPlainRun(needle); !run.empty()) {
      anchored[run.size()][hashOf(run)].push_back(i);
    } else {
      blank.push_back(i);
    }
  }
  // The lookups cost about one step per window length per byte of each needle; the pairs, one
  // step per pair (most comparisons end at the first byte). Whichever is fewer.
  std::uint64_t windows = 0;
  for (const auto& needle : needles) {
    for (const auto* lengths : {&plain, &anchored}) {
      for (const auto& [length, by_hash] : *lengths) {
        if (length > needle.size()) break;
        windows += needle.size() - length + 1;
      }
    }
  }
  const std::uint64_t pairs = static_cast<std::uint64_t>(needles.size()) * needles.size();
  if (pairs <= windows) return pairwise(needles);
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < needles.size(); ++i) {
    const std::string_view outer = needles[i];
    bool covered = first.at(outer) != i;  // an earlier copy of the same text stays
    if (!covered) {
      forEachWindow(outer, plain, [&](std::size_t at, std::size_t length, const auto& found) {
        for (const std::size_t j : found) {
          // A shorter plain needle found in it; one of the same length would be itself.
          covered = covered ||
                    (j != i && length < outer.size() && outer.compare(at, length, needles[j]) == 0);
        }
        return covered;
      });
    }
    const auto coveredBy = [&](std::size_t j) {
      return j != i && needles[j] != outer && likeNeedleCovers(needles[j], outer);
    };
    if (!covered) {
      forEachWindow(outer, anchored, [&](std::size_t, std::size_t, const auto& found) {
        for (const std::size_t j : found) covered = covered || coveredBy(j);
        return covered;
      });
    }
    for (std::size_t k = 0; k < blank.size() && !covered; ++k) covered = coveredBy(blank[k]);
    if (!covered) kept.push_back(needles[i]);
  }
  return kept;
}

}  // namespace aihunt::aql
