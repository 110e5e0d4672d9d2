#include <catch2/catch.hpp>

#include "aql/limits.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "tests/aql/fixtures.h"

namespace aihunt::aql {
namespace {

Query parseOk(const std::string& text) {
  auto parsed = parse(text);
  INFO(text);
  if (!parsed.ok()) FAIL(parsed.error().message);
  return parsed.value();
}

SyntaxError parseFails(const std::string& text) {
  SyntaxError detail;
  auto parsed = parse(text, &detail);
  INFO(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code != core::ErrorCode::kInternal);
  return detail;
}

TEST_CASE("corpus of SOC queries parses and round-trips", "[aql][parser]") {
  const auto corpus = testing::readCorpus("corpus.aql");
  REQUIRE(corpus.size() >= 60);
  for (const std::string& text : corpus) {
    const Query query = parseOk(text);
    const std::string printed = print(query);
    INFO(printed);
    const Query again = parseOk(printed);
    CHECK(again == query);
    CHECK(print(again) == printed);  // the printer is a fixed point
  }
}

TEST_CASE("select list forms", "[aql][parser]") {
  const Query q = parseOk("select a AS 'x y', b as \"z\", c As w, *, COUNT(*) FROM flows");
  REQUIRE(q.select.size() == 5);
  CHECK(*q.select[0].alias == "x y");
  CHECK(*q.select[1].alias == "z");
  CHECK(*q.select[2].alias == "w");
  CHECK(q.select[3].expr.kind == ExprKind::kStar);
  CHECK(q.select[4].expr.kind == ExprKind::kFunction);
  CHECK(q.select[4].expr.text == "COUNT");
  CHECK(q.database == Database::kFlows);
  CHECK(q.time.kind == TimeClause::Kind::kNone);
}

TEST_CASE("operator precedence", "[aql][parser]") {
  const Query q = parseOk("SELECT a FROM events WHERE a = 1 OR b = 2 AND NOT c = 3");
  const Expr& w = *q.where;
  REQUIRE(w.kind == ExprKind::kOr);
  REQUIRE(w.args.size() == 2);
  CHECK(w.args[1].kind == ExprKind::kAnd);
  CHECK(w.args[1].args[1].kind == ExprKind::kNot);

  const Query arith = parseOk("SELECT 1 + 2 * 3 - 4 AS v FROM events");
  CHECK(printExpr(arith.select[0].expr) == "1 + 2 * 3 - 4");
  const Expr& top = arith.select[0].expr;
  CHECK(top.binary_op == BinaryOp::kSub);
  CHECK(top.args[0].binary_op == BinaryOp::kAdd);

  const Query paren = parseOk("SELECT (1 + 2) * 3 AS v FROM events");
  CHECK(printExpr(paren.select[0].expr) == "(1 + 2) * 3");
}

TEST_CASE("time clauses", "[aql][parser]") {
  CHECK(parseOk("SELECT * FROM events LAST 5 minutes").time.unit == TimeUnit::kMinutes);
  CHECK(parseOk("SELECT * FROM events LAST 2 DAYS").time.amount == 2);
  const Query ss = parseOk("SELECT * FROM events START '2026-11-26 10:00' STOP 1764151200000");
  CHECK(ss.time.start.kind == TimePoint::Kind::kText);
  CHECK(ss.time.stop.kind == TimePoint::Kind::kEpochMs);
  const Query early = parseOk("SELECT * FROM events LAST 1 HOURS WHERE a = 1");
  CHECK(print(early) == "SELECT *\nFROM events\nWHERE a = 1\nLAST 1 HOURS");
  parseFails("SELECT * FROM events LAST 1 HOURS LAST 2 HOURS");
  parseFails("SELECT * FROM events LAST 1 WEEKS");
  parseFails("SELECT * FROM events START 'yesterday' STOP '2026-11-26 10:00'");
  parseFails("SELECT * FROM events START PARSEDATETIME('soon') STOP PARSEDATETIME('now')");
}

TEST_CASE("malformed queries are rejected with positions", "[aql][parser]") {
  struct Case {
    std::string text;
    int line;
    int column;
    std::string near;
  };
  const std::vector<Case> cases = {
      {"SELECT FROM events", 1, 8, "FROM"},
      {"SELECT a FROM", 1, 14, ""},
      {"SELECT a FROM tables", 1, 15, "tables"},
      {"SELECT a\nFROM events\nWHERE a = 'open", 3, 11, "'open"},
      {"SELECT a FROM events WHERE (a = 1", 1, 34, ""},
      {"SELECT a FROM events WHERE a LIKE", 1, 34, ""},
      {"SELECT a FROM events\n  WHERE a == 1", 2, 12, "="},
      {"SELECT a FROM events LIMIT x", 1, 28, "x"},
      {"SELECT a FROM events ORDER starttime", 1, 28, "starttime"},
      {"SELECT a FROM events GROUP a", 1, 28, "a"},
      {"SELECT CASE WHEN a THEN b FROM events", 1, 27, "FROM"},
      {"SELECT a, FROM events", 1, 11, "FROM"},
      {"SELECT a FROM events WHERE a IN 1", 1, 33, "1"},
      {"SELECT a FROM events WHERE a BETWEEN 1 OR 2", 1, 40, "OR"},
      {"SELECT a FROM events WHERE a IS 5", 1, 33, "5"},
      {"SELECT a FROM events WHERE a = 1 extra", 1, 34, "extra"},
      {"SELECT a FROM events WHERE a = 99999999999999999999", 1, 32, "99999999999999999999"},
      {"SELECT a FROM events WHERE a = 12abc", 1, 32, "12a"},
      {"SELECT a FROM events WHERE a = #", 1, 32, "#"},
      {"SELECT \"\" FROM events", 1, 8, "\"\""},
      {"SELECT a AS FROM events", 1, 13, "FROM"},
      {"SELECT select FROM events", 1, 8, "select"},
      // A line break inside a string: most often its closing quote is missing, said at the
      // opening one.
      {"SELECT a FROM events WHERE a = 'x\ny'", 1, 32, "'x"},
      {"SELECT a FROM events WHERE a = 'O\\'Brien'\nLAST 1 HOURS", 1, 41, "'"},
      // A typographic quote pasted from a web page: the whole character, not its first byte.
      {"SELECT a FROM events WHERE \u201cURL\u201d = 'x'", 1, 28, "\u201c"},
      {"", 1, 1, ""},
  };
  for (const Case& c : cases) {
    const SyntaxError e = parseFails(c.text);
    INFO(c.text << " -> " << e.why);
    CHECK(e.pos.line == c.line);
    CHECK(e.pos.column == c.column);
    CHECK(e.near == c.near);
  }
  CHECK(parseFails("SELECT a FROM events WHERE \u201cURL\u201d = 'x'").why.find("U+201C") !=
        std::string::npos);
  CHECK(parseFails("\xEF\xBB\xBFSELECT a FROM events").why.find("byte-order mark") !=
        std::string::npos);
  CHECK(parseFails("SELECT a FROM events WHERE a = 'x\ny'").why.find("unterminated string") !=
        std::string::npos);
  auto failed = parse("SELECT a\nFROM events\nWHERE a = = 1");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.find("line 3, column 11") != std::string::npos);
  CHECK(failed.error().message.find("'='") != std::string::npos);
}

TEST_CASE("hostile nesting fails cleanly", "[aql][parser][limits]") {
  const int deep = 100000;
  std::string parens =
      "SELECT a FROM events WHERE " + std::string(deep, '(') + "a = 1" + std::string(deep, ')');
  CHECK_FALSE(parse(parens).ok());
  std::string nots = "SELECT a FROM events WHERE ";
  for (int i = 0; i < deep; ++i) nots += "NOT ";
  nots += "a = 1";
  CHECK_FALSE(parse(nots).ok());
  std::string minus = "SELECT " + std::string(deep, '-') + "1 FROM events";
  CHECK_FALSE(parse(minus).ok());
  std::string chain = "SELECT 1";
  for (int i = 0; i < deep; ++i) chain += " + 1";
  chain += " FROM events";
  CHECK_FALSE(parse(chain).ok());
  std::string cases = "SELECT ";
  for (int i = 0; i < 1000; ++i) cases += "CASE WHEN a THEN ";
  CHECK_FALSE(parse(cases).ok());
  std::string calls = "SELECT ";
  for (int i = 0; i < 1000; ++i) calls += "LOWER(";
  CHECK_FALSE(parse(calls).ok());

  // Nesting below the limit is fine, and long flat OR lists are not nesting at all.
  std::string ok =
      "SELECT a FROM events WHERE " + std::string(50, '(') + "a = 1" + std::string(50, ')');
  CHECK(parse(ok).ok());
  std::string ors = "SELECT a FROM events WHERE a = 0";
  for (int i = 1; i < 5000; ++i) ors += " OR a = " + std::to_string(i);
  auto wide = parse(ors);
  REQUIRE(wide.ok());
  CHECK(wide->where->args.size() == 5000);
}

TEST_CASE("query length is capped", "[aql][parser][limits]") {
  std::string huge = "SELECT a FROM events WHERE a = '" + std::string(kMaxQueryBytes, 'x') + "'";
  auto parsed = parse(huge);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == core::ErrorCode::kLimitExceeded);
}

TEST_CASE("names that need quoting are quoted by the printer", "[aql][printer]") {
  CHECK(quoteName("sourceip") == "sourceip");
  CHECK(quoteName("URL") == "\"URL\"");
  CHECK(quoteName("Bytes Sent") == "\"Bytes Sent\"");
  CHECK(quoteName("select") == "\"select\"");
  CHECK(quoteName("a\"b") == "\"a\"\"b\"");
  CHECK(quoteString("O'Brien") == "'O''Brien'");
  const Query q = parseOk("SELECT \"order\" AS \"group\" FROM events WHERE \"not\" = 'it''s'");
  CHECK(print(q) == "SELECT \"order\" AS \"group\"\nFROM events\nWHERE \"not\" = 'it''s'");
}

TEST_CASE("IF binds loosest and keeps its parentheses", "[aql][printer]") {
  const Query q = parseOk("SELECT (IF a = 1 THEN 2 ELSE 3) + 1 AS v FROM events");
  CHECK(printExpr(q.select[0].expr) == "(IF a = 1 THEN 2 ELSE 3) + 1");
  CHECK(parseOk(print(q)) == q);
}

}  // namespace
}  // namespace aihunt::aql
