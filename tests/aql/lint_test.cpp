#include <catch2/catch.hpp>

#include "aql/lint.h"
#include "tests/aql/fixtures.h"

namespace aihunt::aql {
namespace {

std::vector<std::string> codes(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.code);
  return out;
}

TEST_CASE("lint flags the seed query's traps", "[aql][lint]") {
  const auto diagnostics = lint(testing::readSeedQuery());
  const auto found = codes(diagnostics);
  CHECK(std::count(found.begin(), found.end(), "no-time-clause") == 1);
  CHECK(std::count(found.begin(), found.end(), "limit") == 1);
  CHECK_FALSE(hasErrors(diagnostics));
  for (const Diagnostic& d : diagnostics) {
    if (d.code == "no-time-clause") {
      CHECK(d.message.find("60 seconds") != std::string::npos);
      CHECK(d.message.find("does not widen") != std::string::npos);
    }
    if (d.code == "limit") {
      CHECK(d.pos.line == 53);
      CHECK(d.pos.column == 1);
    }
  }
}

TEST_CASE("lint diagnostics", "[aql][lint]") {
  CHECK(lint("SELECT sourceip AS s FROM events LAST 1 HOURS").empty());
  // IBM's operators table: `^` and ORDER BY ... COLLATE (the engine sorts by byte order).
  CHECK(lint("SELECT * FROM flows WHERE sourceBytes ^ 2 < 256 LAST 1 HOURS").empty());
  CHECK(codes(lint("SELECT sourceip FROM events ORDER BY sourceIP DESC COLLATE 'de-CH' LAST 1 "
                   "HOURS")) == std::vector<std::string>{"collate"});
  // Full-text search: AQL, not run by the engine; not called a syntax error.
  CHECK(codes(lint("SELECT * FROM events WHERE TEXT SEARCH 'openai' LAST 1 HOURS")) ==
        std::vector<std::string>{"unsupported"});
  // Another word SEARCH where the query goes wrong is the syntax error it is.
  for (const char* query : {"SELECT a FROM events WHERE x = 1 SEARCH",
                            "SELECT a FROM events LIMIT 5 "
                            "search",
                            "SELECT a FROM events WHERE context SEARCH 'x'"}) {
    INFO(query);
    CHECK(codes(lint(query)) == std::vector<std::string>{"syntax"});
  }
  CHECK(codes(lint("SELECT CATEGORYNAME(category) FROM events LAST 1 HOURS")) ==
        std::vector<std::string>{"unaliased-column"});
  CHECK(codes(lint("SELECT a FROM events WHERE LOWER(a) LIKE '%API%' LAST 1 HOURS")) ==
        std::vector<std::string>{"lower-like-uppercase"});
  CHECK(codes(lint("SELECT a FROM events WHERE a LIKE '100\\%' LAST 1 HOURS")) ==
        std::vector<std::string>{"like-escape"});
  // Patterns in double quotes are property names (IBM's quotation marks table).
  for (const char* query :
       {"SELECT a FROM events WHERE URL LIKE \"%openai%\" LAST 1 HOURS",
        "SELECT a FROM events WHERE URL ILIKE \"api.openai.com%\" LAST 1 HOURS",
        "SELECT a FROM events WHERE URL NOT IMATCHES \".*openai\\.com.*\" LAST 1 HOURS"}) {
    INFO(query);
    const auto found = lint(query);
    CHECK(codes(found) == std::vector<std::string>{"double-quoted-pattern"});
    CHECK(hasErrors(found));
  }
  // A property compared with a property, and the quoted pattern itself, are not that.
  CHECK(
      lint("SELECT a FROM events WHERE \"User Agent\" LIKE \"Other Agent\" LAST 1 HOURS").empty());
  CHECK(lint("SELECT a FROM events WHERE URL LIKE '%openai%' LAST 1 HOURS").empty());
  CHECK(codes(lint("SELECT a FROM events WHERE URL LIKE '*openai*' LAST 1 HOURS")) ==
        std::vector<std::string>{"like-star"});
  CHECK(lint("SELECT a FROM events WHERE URL LIKE '%*%' LAST 1 HOURS").empty());
  CHECK(lint("SELECT a FROM events WHERE URL MATCHES '.*openai.*' LAST 1 HOURS").empty());
  // Java's date letters: Y the week-based year, D the day of the year; quoted text is literal.
  CHECK(codes(lint("SELECT DATEFORMAT(starttime, 'YYYY-MM-DD') AS d FROM events LAST 1 HOURS")) ==
        std::vector<std::string>{"week-year", "day-of-year"});
  CHECK(lint("SELECT DATEFORMAT(starttime, 'yyyy-MM-dd ''Day'' D') AS d FROM events LAST 1 "
             "HOURS")
            .size() == 1);
  CHECK(lint("SELECT DATEFORMAT(starttime, 'yyyy-MM-dd ''YD''') AS d FROM events LAST 1 HOURS")
            .empty());
  // A week label wants the week-based year: 'YYYY-ww' is right, and not flagged.
  CHECK(lint("SELECT DATEFORMAT(starttime, 'YYYY-ww') AS w FROM events LAST 1 HOURS").empty());
  // START at or after STOP covers no time; STOP without seconds ends before its minute.
  for (const char* clause : {"START '2026-11-27 00:00Z' STOP '2026-11-26 00:00Z'",
                             "START '2026-11-26 10:00Z' STOP '2026-11-26 10:00Z'",
                             "START 1795730400000 STOP 1795730400000"}) {
    INFO(clause);
    CHECK(codes(lint(std::string("SELECT a AS b FROM events ") + clause)) ==
          std::vector<std::string>{"empty-range"});
  }
  CHECK(
      lint("SELECT a AS b FROM events START '2026-11-26 10:00Z' STOP '2026-11-26 10:01Z'").empty());
  // Both zone-less: one console zone moves both ends alike (a trial found it unsaid).
  const auto zoneless =
      lint("SELECT a AS b FROM events START '2026-11-26 10:00' STOP '2026-11-26 09:00'");
  CHECK(codes(zoneless) == std::vector<std::string>{"zoneless-time", "empty-range"});
  // The minute rule is named only where it is the reason.
  const auto minute =
      lint("SELECT a AS b FROM events START '2026-11-26 10:00Z' STOP '2026-11-26 10:00Z'");
  REQUIRE(minute.size() == 1);
  CHECK(minute[0].message.find("ends before its minute") != std::string::npos);
  const auto later =
      lint("SELECT a AS b FROM events START '2026-11-26 12:00Z' STOP '2026-11-26 10:00Z'");
  REQUIRE(later.size() == 1);
  CHECK(later[0].message.find("ends before its minute") == std::string::npos);
  // A zone-less end against a UTC one depends on the console's zone: not said.
  CHECK(
      codes(lint("SELECT a AS b FROM events START '2026-11-26 10:00' STOP '2026-11-26 09:00Z'")) ==
      std::vector<std::string>{"zoneless-time"});
  // Comments: /* ... */ inside the query's body is AQL (IBM); before or after it, a console's
  // parse error; `--` is none (a trial: a one-word `--` comment made a query match nothing).
  CHECK(lint("SELECT a AS b FROM events\n/* only the AI hosts */\nWHERE a = 1 /* x */ LAST 1 HOURS")
            .empty());
  for (const char* misplaced : {"/* first */ SELECT a AS b FROM events LAST 1 HOURS",
                                "SELECT a AS b FROM events LAST 1 HOURS /* last */",
                                "SELECT a AS b FROM events /* open LAST 1 HOURS"}) {
    INFO(misplaced);
    CHECK(codes(lint(misplaced)) == std::vector<std::string>{"syntax"});
  }
  for (const char* dashed :
       {"SELECT a AS b FROM events WHERE URL LIKE '%openai%' -- openai\nLAST 1 HOURS",
        "SELECT a AS b FROM events WHERE URL LIKE '%openai%' -- the OpenAI API\nLAST 1 HOURS"}) {
    INFO(dashed);
    const auto found = lint(dashed);
    REQUIRE_FALSE(found.empty());
    CHECK(found.front().code == "double-dash");
    CHECK(found.front().pos.line == 1);
    CHECK(found.front().pos.column == 53);
    CHECK(hasErrors(found));
  }
  CHECK(lint("SELECT a - -b AS c FROM events LAST 1 HOURS").empty());
  // Arithmetic written tight is no comment: five minus minus one.
  CHECK(lint("SELECT a AS b FROM events WHERE x > 5--1 LAST 1 HOURS").empty());
  CHECK(doubleDashComment("SELECT a AS b FROM events WHERE x = 1 --note\nLAST 1 HOURS"));
  const auto syntax = lint("SELECT a\nFROM events\nWHERE a = = 1");
  REQUIRE(syntax.size() == 1);
  CHECK(syntax[0].severity == Severity::kError);
  CHECK(syntax[0].pos.line == 3);
  CHECK(syntax[0].pos.column == 11);
  CHECK(formatDiagnostic(syntax[0]).rfind("3:11: error [syntax]: ", 0) == 0);
  const auto no_time = lint("SELECT a FROM events");
  REQUIRE(no_time.size() == 1);
  // Just after the last token, not on the line after a file's last line break.
  const auto at_end = lint("SELECT a FROM events\n\n");
  REQUIRE(at_end.size() == 1);
  CHECK(at_end[0].pos.line == 1);
  CHECK(at_end[0].pos.column == 21);
  CHECK(no_time[0].message.find("does not widen") == std::string::npos);
}

}  // namespace
}  // namespace aihunt::aql
