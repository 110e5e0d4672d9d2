// The search marker: inserted before the top-level FROM, the rest of the text as written, the
// marker an escaped AQL literal whatever it holds, and the rows of the query unchanged.
#include <catch2/catch.hpp>

#include <random>

#include "aql/lexer.h"
#include "aql/parser.h"
#include "aql/search_marker.h"
#include "tests/aql/eval_helpers.h"

using namespace aihunt;

TEST_CASE("the marker goes before the top-level FROM and nothing else changes", "[aql][marker]") {
  struct Case {
    std::string in;
    std::string out;
  };
  for (const Case& c : {
           Case{"SELECT sourceip FROM events LAST 1 HOURS",
                "SELECT sourceip , 'm-1' AS aihunt_marker FROM events LAST 1 HOURS"},
           Case{"SELECT * FROM events", "SELECT * , 'm-1' AS aihunt_marker FROM events"},
           Case{"select a,\n(SELECT b FROM flows) AS c\nfrom events",
                "select a,\n(SELECT b FROM flows) AS c\n, 'm-1' AS aihunt_marker from events"},
           Case{"SELECT 'FROM' AS \"from x\", sourceip FROM events WHERE x = 'FROM'",
                "SELECT 'FROM' AS \"from x\", sourceip , 'm-1' AS aihunt_marker FROM events "
                "WHERE x = 'FROM'"},
       }) {
    INFO(c.in);
    auto marked = aql::addSearchMarker(c.in, "m-1");
    REQUIRE(marked.ok());
    CHECK(marked->aql == c.out);
    CHECK(marked->literal == "'m-1'");
    // Our parser has no sub-selects; every other case must still parse.
    if (c.in.find("(SELECT") == std::string::npos) CHECK(aql::parse(marked->aql).ok());
  }
}

TEST_CASE("text that is not a SELECT with a FROM gets no marker", "[aql][marker]") {
  for (const std::string text :
       {"", "DELETE FROM events", "SELECT 1", "SELECT (a FROM events", "SELECT 'x FROM events"}) {
    INFO(text);
    auto marked = aql::addSearchMarker(text, "m");
    REQUIRE_FALSE(marked.ok());
    CHECK(marked.error().code == core::ErrorCode::kParse);
  }
}

TEST_CASE("generated markers stay one literal, with quotes doubled", "[aql][marker]") {
  std::mt19937 random(12345);
  const std::string alphabet = "ab-'\" ,()FROM\\;";
  for (int round = 0; round < 500; ++round) {
    std::string marker;
    const int length = 1 + static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i) marker += alphabet[random() % alphabet.size()];
    INFO(marker);
    auto marked = aql::addSearchMarker("SELECT sourceip FROM events LAST 5 MINUTES", marker);
    REQUIRE(marked.ok());
    CHECK(marked->aql.find(marked->literal) != std::string::npos);
    auto tokens = aql::tokenize(marked->aql);
    REQUIRE(tokens.ok());
    // SELECT sourceip , <literal> AS aihunt_marker FROM events LAST 5 MINUTES <end>
    REQUIRE(tokens->size() == 12);
    CHECK((*tokens)[3].kind == aql::TokenKind::kString);
    CHECK((*tokens)[3].text == marker);
    CHECK((*tokens)[5].text == "aihunt_marker");
    CHECK((*tokens)[6].text == "FROM");
    auto query = aql::parse(marked->aql);
    REQUIRE(query.ok());
    CHECK(query->select.size() == 2);
  }
}

TEST_CASE("the marker changes no row: same rows, one more constant column", "[aql][marker]") {
  using aql::testing::i;
  using aql::testing::kNow;
  using aql::testing::s;
  aql::testing::Fixture f;
  for (int n = 0; n < 20; ++n) {
    f.add({{"starttime", i(kNow - 1000 * (n + 1))},
           {"sourceip", s(n % 3 == 0 ? "10.0.0.1" : "10.0.0.2")},
           {"n", i(n)}});
  }
  for (const std::string query :
       {"SELECT sourceip, n FROM events WHERE n > 4 ORDER BY n DESC LAST 1 HOURS",
        "SELECT sourceip, COUNT(*) AS c FROM events GROUP BY sourceip LAST 1 HOURS",
        "SELECT * FROM events WHERE sourceip = '10.0.0.1' LAST 1 HOURS",
        "SELECT n FROM events LIMIT 3 LAST 1 HOURS"}) {
    INFO(query);
    auto marked = aql::addSearchMarker(query, "aihunt-00ff");
    REQUIRE(marked.ok());
    const aql::ResultSet plain = f.run(query);
    const aql::ResultSet with = f.run(marked->aql);
    REQUIRE(with.columns.size() == plain.columns.size() + 1);
    CHECK(with.columns.back() == "aihunt_marker");
    REQUIRE(with.rows.size() == plain.rows.size());
    for (std::size_t r = 0; r < plain.rows.size(); ++r) {
      const auto& a = plain.rows[r].values;
      const auto& b = with.rows[r].values;
      REQUIRE(b.size() == a.size() + 1);
      for (std::size_t c = 0; c < a.size(); ++c) CHECK(a[c].toString() == b[c].toString());
      CHECK(b.back().toString() == "aihunt-00ff");
    }
  }
}
