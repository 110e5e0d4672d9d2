// Covered LIKE needles are dropped only when the OR of what is left matches exactly the same
// texts: checked against the LIKE matcher itself on generated needles and texts.
#include <catch2/catch.hpp>

#include <random>

#include "aql/like.h"
#include "aql/like_subsumption.h"

namespace aihunt::aql {
namespace {

bool anyMatches(const std::vector<std::string>& needles, std::string_view text) {
  for (const auto& needle : needles) {
    if (LikePattern("%" + needle + "%", false).matches(text)) return true;
  }
  return false;
}

std::string randomText(std::mt19937& random, std::string_view alphabet, std::size_t max_length) {
  std::string out(random() % (max_length + 1), ' ');
  for (char& c : out) c = alphabet[random() % alphabet.size()];
  return out;
}

}  // namespace

TEST_CASE("a needle inside another covers it", "[aql][like]") {
  CHECK(likeNeedleCovers("perplexity.ai", "api.perplexity.ai"));
  CHECK_FALSE(likeNeedleCovers("api.perplexity.ai", "perplexity.ai"));
  CHECK(likeNeedleCovers("openai", "openai_api_key"));
  // '_' in the outer needle is any character: "openai_api_key" also matches "openai-api-key".
  CHECK_FALSE(likeNeedleCovers("openai-api", "openai_api_key"));
  CHECK(likeNeedleCovers("openai_api", "openai-api-key"));
  CHECK(likeNeedleCovers("a_c", "xa_cx"));

  const std::vector<std::string> needles = {"api.perplexity.ai", "perplexity.ai", "openai",
                                            "api.openai.com",    "openai",        "groq"};
  CHECK(withoutCoveredNeedles(needles) ==
        std::vector<std::string>{"perplexity.ai", "openai", "groq"});
  CHECK(withoutCoveredNeedles({}).empty());
}

TEST_CASE("the reduction keeps what comparing every pair keeps, in order", "[aql][like]") {
  // The reference: every needle against every other.
  const auto reference = [](const std::vector<std::string>& needles) {
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < needles.size(); ++i) {
      bool covered = false;
      for (std::size_t j = 0; j < needles.size() && !covered; ++j) {
        if (i != j && likeNeedleCovers(needles[j], needles[i])) {
          covered = needles[j] != needles[i] || j < i;
        }
      }
      if (!covered) kept.push_back(needles[i]);
    }
    return kept;
  };
  std::mt19937 random(20261207);
  // Short lists are reduced pair by pair; long lists of short needles take the lookups (the
  // reduction picks whichever costs fewer steps): both are compared with the reference.
  for (int round = 0; round < 2200; ++round) {
    std::vector<std::string> needles;
    const std::size_t count = round < 2000 ? 1 + random() % 12 : 200 + random() % 300;
    for (std::size_t i = 0; i < count; ++i) {
      std::string needle = randomText(random, round % 2 == 0 ? "ab." : "ab._", 6);
      if (needle.empty()) needle = "b";
      needles.push_back(needle);
    }
    INFO("round " << round);
    CHECK(withoutCoveredNeedles(needles) == reference(needles));
  }
}

TEST_CASE("generated needle lists match the same texts after reduction", "[aql][like]") {
  std::mt19937 random(20261202);
  // A small alphabet with the wildcard in it, so that needles often contain one another.
  constexpr std::string_view kNeedleAlphabet = "ab._";
  constexpr std::string_view kTextAlphabet = "ab._c";
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> needles;
    const std::size_t count = 1 + random() % 8;
    for (std::size_t i = 0; i < count; ++i) {
      std::string needle = randomText(random, kNeedleAlphabet, 5);
      if (needle.empty()) needle = "a";
      needles.push_back(needle);
    }
    const auto reduced = withoutCoveredNeedles(needles);
    INFO("round " << round);
    REQUIRE(reduced.size() <= needles.size());
    for (int t = 0; t < 60; ++t) {
      const std::string text = randomText(random, kTextAlphabet, 12);
      INFO("text '" << text << "'");
      CHECK(anyMatches(needles, text) == anyMatches(reduced, text));
    }
    // Texts built from the needles themselves hit the covering relations head on.
    for (const auto& needle : needles) {
      std::string text = needle;
      for (char& c : text) {
        if (c == '_') c = kTextAlphabet[random() % kTextAlphabet.size()];
      }
      CHECK(anyMatches(needles, text) == anyMatches(reduced, text));
    }
  }
}

}  // namespace aihunt::aql
