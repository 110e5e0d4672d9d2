// An OR of case-insensitive '%literal%' LIKEs on one value is evaluated as one multi-pattern scan
// (aql/compiler.cpp, fuseContains). These generated cases check it against SQL's three-valued
// semantics worked out term by term here, with terms that fuse and terms that must not (negated,
// case-sensitive, anchored, upper case after LOWER, another field) mixed in one chain, and
// patterns with the one-byte wildcard '_'.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/text.h"
#include "tests/aql/eval_helpers.h"

namespace aihunt::aql {
namespace {

using testing::Fixture;
using testing::i;
using testing::kNow;

enum class Truth { kFalse, kTrue, kUnknown };

struct Term {
  std::string aql;
  std::string field;
  std::string literal;
  enum class Kind { kLowerContains, kILikeContains, kLikeContains, kLowerPrefix } kind;
  bool negated = false;
};

// Whether `text` holds `literal` at `at`, '_' in the literal standing for any one byte.
bool likeAt(const std::string& text, std::size_t at, const std::string& literal) {
  if (at + literal.size() > text.size()) return false;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != '_' && literal[i] != text[at + i]) return false;
  }
  return true;
}

bool likeAnywhere(const std::string& text, const std::string& literal) {
  for (std::size_t at = 0; at + literal.size() <= text.size(); ++at) {
    if (likeAt(text, at, literal)) return true;
  }
  return false;
}

// What one term says of one value (nullopt: the field is NULL or absent).
Truth expected(const Term& term, const std::optional<std::string>& value) {
  if (!value) return Truth::kUnknown;
  bool matched = false;
  const std::string lowered = core::asciiLowered(*value);
  switch (term.kind) {
    case Term::Kind::kLowerContains:
      // LOWER(x) LIKE '%Upper%' can never match: LOWER leaves no upper case.
      matched = likeAnywhere(lowered, term.literal);
      break;
    case Term::Kind::kILikeContains:
      matched = likeAnywhere(lowered, core::asciiLowered(term.literal));
      break;
    case Term::Kind::kLikeContains:
      matched = likeAnywhere(*value, term.literal);
      break;
    case Term::Kind::kLowerPrefix:
      matched = likeAt(lowered, 0, term.literal);
      break;
  }
  return matched != term.negated ? Truth::kTrue : Truth::kFalse;
}

Truth orOf(const std::vector<Truth>& truths) {
  bool unknown = false;
  for (const Truth t : truths) {
    if (t == Truth::kTrue) return Truth::kTrue;
    if (t == Truth::kUnknown) unknown = true;
  }
  return unknown ? Truth::kUnknown : Truth::kFalse;
}

TEST_CASE("fused LIKE chains give the answers of the terms one by one", "[aql][eval][like]") {
  std::mt19937 random(20261202);
  // '_' is LIKE's one-byte wildcard: such patterns join the fused scan through their longest
  // plain run ("openai" of "openai_api_key"), and every occurrence of the run is checked whole.
  const std::vector<std::string> words = {
      "api.openai.com", "openai", "Anthropic", "api", ".com",          "12", "x", "co", "api_key",
      "api-key",        "open_i", "o_e_a",     "_",   "openai_api_key"};
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  for (int round = 0; round < 300; ++round) {
    // Terms over fields a and b.
    std::vector<Term> terms;
    const int count = std::uniform_int_distribution<int>(2, 9)(random);
    for (int t = 0; t < count; ++t) {
      Term term;
      term.field = random() % 4 == 0 ? "b" : "a";
      term.literal = pick(words);
      const int shape = static_cast<int>(random() % 10);
      term.negated = shape == 9;
      const std::string field = "\"" + term.field + "\"";
      const std::string not_word = term.negated ? " NOT" : "";
      if (shape < 6 || shape == 9) {
        term.kind = Term::Kind::kLowerContains;
        term.aql = "LOWER(" + field + ")" + not_word + " LIKE '%" + term.literal + "%'";
      } else if (shape == 6) {
        term.kind = Term::Kind::kILikeContains;
        term.aql = field + " ILIKE '%" + term.literal + "%'";
      } else if (shape == 7) {
        term.kind = Term::Kind::kLikeContains;
        term.aql = field + " LIKE '%" + term.literal + "%'";
      } else {
        term.kind = Term::Kind::kLowerPrefix;
        term.aql = "LOWER(" + field + ") LIKE '" + term.literal + "%'";
      }
      terms.push_back(term);
    }
    std::string chain;
    for (const Term& term : terms) chain += (chain.empty() ? "" : " OR ") + term.aql;

    // Events: each field absent, NULL, a number, or text built from the words in random case.
    Fixture fixture;
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> values;
    for (int e = 0; e < 12; ++e) {
      std::vector<std::pair<std::string, Value>> fields = {{"starttime", i(kNow - 1000)},
                                                           {"id", i(e)}};
      std::optional<std::string> texts[2];
      const char* names[2] = {"a", "b"};
      for (int f = 0; f < 2; ++f) {
        const int kind = static_cast<int>(random() % 6);
        if (kind == 0) continue;  // absent
        if (kind == 1) {
          fields.emplace_back(names[f], Value::null());
          continue;
        }
        if (kind == 2) {
          const auto number = static_cast<std::int64_t>(random() % 2000);
          fields.emplace_back(names[f], i(number));
          texts[f] = std::to_string(number);
          continue;
        }
        std::string text;
        const int parts = static_cast<int>(random() % 4);
        for (int p = 0; p < parts; ++p) {
          std::string word = pick(words);
          for (char& c : word) {
            if (random() % 3 == 0) c = static_cast<char>(std::toupper(c));
          }
          text += word + (random() % 2 == 0 ? "/" : "");
        }
        fields.emplace_back(names[f], Value::string(text));
        texts[f] = text;
      }
      fixture.add(fields);
      values.emplace_back(texts[0], texts[1]);
    }
    const std::string query = "SELECT id, CASE WHEN " + chain + " THEN 'T' WHEN NOT (" + chain +
                              ") THEN 'F' ELSE 'U' END AS truth FROM events LAST 1 HOURS";
    INFO(query);
    const auto truths = fixture.column(query, 1);
    REQUIRE(truths.size() == values.size());
    for (std::size_t e = 0; e < values.size(); ++e) {
      std::vector<Truth> each;
      for (const Term& term : terms) {
        each.push_back(expected(term, term.field == "a" ? values[e].first : values[e].second));
      }
      const Truth want = orOf(each);
      const char* want_text = want == Truth::kTrue ? "T" : want == Truth::kFalse ? "F" : "U";
      INFO("event " << e << " a=" << values[e].first.value_or("<null>")
                    << " b=" << values[e].second.value_or("<null>"));
      CHECK(truths[e] == want_text);
    }
  }
}

}  // namespace
}  // namespace aihunt::aql
