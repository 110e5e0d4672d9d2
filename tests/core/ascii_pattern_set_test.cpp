// AsciiPatternSet against the obvious oracle: one case-insensitive scan per pattern. Generated
// over a small alphabet so that overlapping, nested and repeated matches are common.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/ascii_pattern_set.h"
#include "core/text.h"

using aihunt::core::AsciiPatternSet;

namespace {

using Match = std::pair<std::size_t, std::size_t>;  // position, pattern index

std::vector<Match> oracle(const std::vector<std::string>& patterns, std::string_view text,
                          std::size_t from) {
  std::vector<Match> matches;
  for (std::size_t index = 0; index < patterns.size(); ++index) {
    const std::string lower = aihunt::core::asciiLowered(patterns[index]);
    if (lower.empty()) continue;
    for (std::size_t at = from;
         (at = aihunt::core::ifindLower(text, lower, at)) != std::string_view::npos; ++at) {
      matches.emplace_back(at, index);
    }
  }
  std::sort(matches.begin(), matches.end());
  return matches;
}

std::vector<Match> scanned(const AsciiPatternSet& set, std::string_view text, std::size_t from) {
  std::vector<Match> matches;
  set.forEachMatch(
      text,
      [&](std::size_t index, std::size_t at) {
        matches.emplace_back(at, index);
        return true;
      },
      from);
  return matches;
}

std::string randomText(std::mt19937& random, std::size_t max_length) {
  static constexpr char kAlphabet[] = "abAB_-.\xC3\xA9";  // with a UTF-8 byte pair
  std::uniform_int_distribution<std::size_t> length(0, max_length);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string text(length(random), ' ');
  for (char& c : text) c = kAlphabet[pick(random)];
  return text;
}

}  // namespace

TEST_CASE("AsciiPatternSet finds exactly what one scan per pattern finds") {
  std::mt19937 random(20261126);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> patterns;
    const std::size_t count = random() % 8;
    for (std::size_t i = 0; i < count; ++i) patterns.push_back(randomText(random, 4));
    const AsciiPatternSet set(patterns);
    const std::string text = randomText(random, 40);
    const std::size_t from = text.empty() ? 0 : random() % (text.size() + 1);
    INFO("round " << round << " text '" << text << "' from " << from);
    CHECK(scanned(set, text, from) == oracle(patterns, text, from));
    CHECK(set.containsAny(text) == !oracle(patterns, text, 0).empty());
  }
}

TEST_CASE("AsciiPatternSet finds matches in long texts and long patterns") {
  // Command-line-sized texts, and patterns long enough that many share their first bytes.
  std::mt19937 random(20261205);
  for (int round = 0; round < 300; ++round) {
    const std::string text = randomText(random, 1200);
    std::vector<std::string> patterns;
    const std::size_t count = 1 + random() % 12;
    for (std::size_t i = 0; i < count; ++i) {
      // Half of them cut from the text itself, so that long patterns match too.
      if (random() % 2 == 0 || text.size() <= 12) {
        patterns.push_back(randomText(random, 12));
      } else {
        patterns.push_back(text.substr(random() % (text.size() - 12), 1 + random() % 12));
      }
    }
    const AsciiPatternSet set(patterns);
    const std::size_t from = text.empty() ? 0 : random() % (text.size() + 1);
    INFO("round " << round << " from " << from);
    CHECK(scanned(set, text, from) == oracle(patterns, text, from));
  }
  // Matches deep in a long text, at its very end, and one that would run past it.
  const AsciiPatternSet set({"OPENAI_API_KEY", "sk-", "ab"});
  const std::string text = std::string(250, 'x') + "openai_API_key" + std::string(300, 'y') + "SK-";
  CHECK(scanned(set, text, 0) == std::vector<Match>{{250, 0}, {564, 1}});
  CHECK(scanned(set, text + "A", 0).size() == 2);
  CHECK(scanned(set, text + "AB", 0).back() == Match{567, 2});
}

TEST_CASE("AsciiPatternSet's sixteen-byte filter lets every match through, whatever the bytes") {
  // Bytes of every kind (letters of both cases, digits, punctuation, controls, bytes past 0x7F),
  // patterns that start with any of them, texts long enough for many sixteen-byte steps and
  // ending anywhere within one: the filter tests nibbles, so this is where a wrong table shows.
  std::mt19937 random(20261206);
  const auto anyText = [&](std::size_t max_length) {
    std::string text(random() % (max_length + 1), ' ');
    for (char& c : text) {
      const unsigned pick = random() % 4;
      c = pick == 0   ? static_cast<char>(random() % 256)
          : pick == 1 ? "ApKsOk-_9"[random() % 9]
                      : static_cast<char>('a' + random() % 26 - (random() % 2 == 0 ? 32 : 0));
    }
    return text;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::string text = anyText(90);
    std::vector<std::string> patterns;
    const std::size_t count = 1 + random() % 10;
    for (std::size_t i = 0; i < count; ++i) {
      if (random() % 2 == 0 && text.size() > 3) {
        patterns.push_back(text.substr(random() % (text.size() - 3), 1 + random() % 3));
      } else {
        patterns.push_back(anyText(4));
      }
    }
    const AsciiPatternSet set(patterns);
    const std::size_t from = text.empty() ? 0 : random() % (text.size() + 1);
    INFO("round " << round << " from " << from);
    CHECK(scanned(set, text, from) == oracle(patterns, text, from));
  }
}

TEST_CASE("AsciiPatternSet keeps pattern order, lower-cases patterns and stops when told") {
  const AsciiPatternSet set({"Key", "", "k", "API_KEY"});
  REQUIRE(set.size() == 4);
  CHECK(set.pattern(0) == "key");
  CHECK(set.pattern(3) == "api_key");
  // At one position, patterns come in their given order: "key" (0) before "k" (2).
  CHECK(scanned(set, "MY_API_KEY", 0) == std::vector<Match>{{3, 3}, {7, 0}, {7, 2}});
  std::vector<Match> first_only;
  set.forEachMatch("kkk", [&](std::size_t index, std::size_t at) {
    first_only.emplace_back(at, index);
    return false;
  });
  CHECK(first_only == std::vector<Match>{{0, 2}});
  CHECK_FALSE(AsciiPatternSet().containsAny("anything"));
  CHECK_FALSE(set.containsAny(""));
}
