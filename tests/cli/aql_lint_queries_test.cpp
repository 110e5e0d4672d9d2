// `aql lint` over several queries: each is checked, and every diagnostic is placed on the file's
// line.
#include <catch2/catch.hpp>
#include <string>

#include "cli/aql_lint_queries.h"

using aihunt::cli::lintQueries;

namespace {

bool hasError(const std::vector<aihunt::aql::Diagnostic>& diagnostics) {
  return aihunt::aql::hasErrors(diagnostics);
}

}  // namespace

TEST_CASE("queries apart by a blank line are linted one by one, on the file's lines") {
  const std::string good = "SELECT sourceip FROM events LAST 1 HOURS\n";
  CHECK_FALSE(hasError(lintQueries(good + "\n" + good + "\n\n" + good)));
  // With Windows line ends too.
  CHECK_FALSE(
      hasError(lintQueries("SELECT a FROM events LAST 1 HOURS\r\n\r\nselect b FROM flows "
                           "LAST 1 HOURS\r\n")));

  // An error in the third query, on the file's fifth line.
  const auto found =
      lintQueries(good + "\n" + good + "\nSELECT username FROM events WHERE ( LAST 1 HOURS\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0].code == "syntax");
  CHECK(found[0].pos.line == 5);
  INFO(found[0].message);
  CHECK(found[0].message.rfind("AQL syntax error at line 5, column ", 0) == 0);

  // Many queries: each one linted, each placed.
  std::string many;
  for (int i = 0; i < 2000; ++i) many += good + "\n";
  many += "SELECT x FROM events WHERE (\n";
  const auto last = lintQueries(many);
  REQUIRE(last.size() == 1);
  // (The end of a query is placed after its last line end, as in a file of one query.)
  CHECK(last[0].pos.line == 4002);
}

TEST_CASE("a blank line and SELECT inside a comment or a query do not split it") {
  // A comment that holds a query (a review): one query, clean.
  CHECK_FALSE(
      hasError(lintQueries("SELECT a FROM events WHERE x = 1 /* old:\n\nSELECT b FROM "
                           "flows */\nLAST 1 HOURS\n")));
  // A quoted '/*' opens no comment, so the next query is still found (and its error placed).
  const auto quoted = lintQueries(
      "SELECT a FROM events WHERE b LIKE '%/*%' LAST 1 HOURS\n\nSELECT c FROM events WHERE (\n");
  REQUIRE(quoted.size() == 1);
  CHECK(quoted[0].pos.line == 4);
  // A line that starts with SELECT without a blank line before it is part of the query: the
  // query is checked whole (and fails as one).
  CHECK(
      hasError(lintQueries("SELECT a FROM events LAST 1 HOURS\nSELECT b FROM events LAST 1 "
                           "HOURS\n")));
}
