#include <catch2/catch.hpp>

#include <sstream>

#include "aql/printer.h"
#include "tests/aql/eval_helpers.h"

namespace aihunt::aql {
namespace {

using testing::Fixture;
using testing::i;
using testing::kNow;
using testing::s;
using Strings = std::vector<std::string>;

Fixture people() {
  Fixture f;
  f.add({{"starttime", i(kNow - 1000)},
         {"username", s("alice")},
         {"n", i(1)},
         {"sourceip", s("10.0.0.1")}});
  f.add({{"starttime", i(kNow - 2000)},
         {"username", s("bob")},
         {"n", i(5)},
         {"sourceip", s("10.0.0.2")}});
  f.add({{"starttime", i(kNow - 3000)}, {"n", i(7)}, {"sourceip", s("192.168.1.9")}});
  f.add({{"starttime", i(kNow - 4000)},
         {"username", s("Alice")},
         {"n", Value::null()},
         {"sourceip", s("10.0.0.1")}});
  return f;
}

TEST_CASE("NULL follows three-valued logic", "[aql][eval]") {
  Fixture f = people();
  // NULL LIKE anything is unknown: the row is excluded either way.
  CHECK(f.column("SELECT n FROM events WHERE username LIKE '%'") == Strings{"1", "5", "null"});
  CHECK(f.column("SELECT n FROM events WHERE NOT username LIKE '%'") == Strings{});
  CHECK(f.column("SELECT n FROM events WHERE username NOT LIKE 'a%'") == Strings{"5", "null"});
  CHECK(f.column("SELECT username FROM events WHERE username IS NULL") == Strings{"null"});
  CHECK(f.column("SELECT n FROM events WHERE n > 1 OR username = 'alice'") ==
        Strings{"1", "5", "7"});
  // unknown AND false is false; NOT(unknown) is unknown
  // 7's row: true AND unknown is unknown, NOT unknown is unknown: excluded.
  CHECK(f.column("SELECT n FROM events WHERE NOT (n > 1 AND username = 'x')") ==
        Strings{"1", "5", "null"});
  CHECK(f.column("SELECT n FROM events WHERE n IN (1, NULL)") == Strings{"1"});
  CHECK(f.column("SELECT n FROM events WHERE n NOT IN (1, NULL)") == Strings{});
  CHECK(f.column("SELECT n FROM events WHERE n NOT IN (1, 5)") == Strings{"7"});
  CHECK(f.column("SELECT n + 1 AS m FROM events") == Strings{"2", "6", "8", "null"});
  CHECK(f.column("SELECT n FROM events WHERE n BETWEEN 2 AND 7") == Strings{"5", "7"});
  CHECK(f.column("SELECT n FROM events WHERE n NOT BETWEEN 2 AND 6") == Strings{"1", "7"});
}

TEST_CASE("^ raises to a power, before * and after unary minus", "[aql][eval]") {
  // IBM's AQL operators table: `SELECT * FROM flows WHERE sourceBytes ^ 2 < 256`.
  Fixture f = people();
  CHECK(f.column("SELECT n FROM events WHERE n ^ 2 < 26") == Strings{"1", "5"});
  CHECK(f.column("SELECT n ^ 2 AS m FROM events") == Strings{"1", "25", "49", "null"});
  CHECK(f.column("SELECT 2 * n ^ 2 AS m FROM events WHERE n = 5") == Strings{"50"});
  CHECK(f.column("SELECT -n ^ 2 AS m FROM events WHERE n = 5") == Strings{"25"});
  CHECK(f.column("SELECT 2 ^ 3 ^ 2 AS m FROM events WHERE n = 5") == Strings{"64"});
  CHECK(f.column("SELECT 1 ^ 1000000000000 AS m FROM events WHERE n = 5") == Strings{"1"});
  CHECK(f.column("SELECT (0 - 1) ^ 101 AS m FROM events WHERE n = 5") == Strings{"-1"});
  CHECK(f.column("SELECT 2 ^ 62 AS m FROM events WHERE n = 5") == Strings{"4611686018427387904"});
  // Not a whole number, or past int64: a real; no real result: null.
  CHECK(f.column("SELECT 2 ^ 0.5 AS m FROM events WHERE n = 5") == Strings{"1.4142135623730951"});
  CHECK(f.column("SELECT 0 ^ -1 AS m FROM events WHERE n = 5") == Strings{"null"});
}

TEST_CASE("LIKE, ILIKE, MATCHES", "[aql][eval][like]") {
  Fixture f = people();
  CHECK(f.column("SELECT username FROM events WHERE username LIKE 'a%'") == Strings{"alice"});
  CHECK(f.column("SELECT username FROM events WHERE username ILIKE 'a%'") ==
        Strings{"alice", "Alice"});
  CHECK(f.column("SELECT username FROM events WHERE username LIKE '_ob'") == Strings{"bob"});
  CHECK(f.column("SELECT username FROM events WHERE LOWER(username) LIKE 'alice'") ==
        Strings{"alice", "Alice"});
  CHECK(f.column("SELECT username FROM events WHERE LOWER(username) LIKE 'Alice'") == Strings{});
  CHECK(f.column("SELECT username FROM events WHERE username MATCHES '^[ab]'") ==
        Strings{"alice", "bob"});
  CHECK(f.column("SELECT username FROM events WHERE username IMATCHES '^A'") ==
        Strings{"alice", "Alice"});
  CHECK(f.column("SELECT username FROM events WHERE username NOT MATCHES 'o'") ==
        Strings{"alice", "Alice"});

  Fixture esc;
  esc.add({{"starttime", i(kNow - 1)}, {"u", s("50% off")}});
  esc.add({{"starttime", i(kNow - 1)}, {"u", s("500 off")}});
  esc.add({{"starttime", i(kNow - 1)}, {"u", s("a_b")}});
  esc.add({{"starttime", i(kNow - 1)}, {"u", s("axb")}});
  esc.add({{"starttime", i(kNow - 1)}, {"u", s("C:\\Windows\\x")}});
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE '50\\%%'") == Strings{"50% off"});
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE '50%'") == Strings{"50% off", "500 off"});
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE 'a\\_b'") == Strings{"a_b"});
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE 'a_b'") == Strings{"a_b", "axb"});
  // A backslash before anything but % _ \ is literal; before % it escapes (lint warns).
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE 'C:\\Windows\\\\%'") ==
        Strings{"C:\\Windows\\x"});
  CHECK(esc.column("SELECT u FROM events WHERE u LIKE 'C:\\Windows\\%'") == Strings{});
}

TEST_CASE("the time range decides which events exist", "[aql][eval][time]") {
  Fixture f;
  f.add({{"starttime", i(kNow - 30'000)}, {"id", i(1)}});         // 30 s ago
  f.add({{"starttime", i(kNow - 90'000)}, {"id", i(2)}});         // 90 s ago
  f.add({{"starttime", i(kNow - 3'600'000 + 1)}, {"id", i(3)}});  // just inside an hour
  f.add({{"starttime", i(kNow - 3'600'000 - 1)}, {"id", i(4)}});  // just outside
  f.add({{"starttime", i(kNow)}, {"id", i(5)}});                  // now: excluded, [from, to)
  f.add({{"id", i(6)}});                                          // no start time
  // No time clause: the last 60 seconds, whatever the WHERE clause says.
  CHECK(f.column("SELECT id FROM events") == Strings{"1"});
  CHECK(f.column("SELECT id FROM events WHERE starttime > NOW() - 86400000") == Strings{"1"});
  CHECK(f.column("SELECT id FROM events LAST 2 MINUTES") == Strings{"1", "2"});
  CHECK(f.column("SELECT id FROM events LAST 1 HOURS") == Strings{"1", "2", "3"});
  CHECK(f.column("SELECT id FROM events LAST 1 DAYS") == Strings{"1", "2", "3", "4"});
  const std::string start = std::to_string(kNow - 90'000);
  CHECK(f.column("SELECT id FROM events START " + start + " STOP " + std::to_string(kNow)) ==
        Strings{"1", "2"});
  // IBM's minute semantics: START 17:02:30 means 17:02:00; STOP with seconds includes its
  // whole minute (17:03:59 ends at 17:04:00, exclusive).
  Fixture g;
  const core::EpochMs minute = 1'795'712'520'000;  // 2026-11-26 17:02:00
  g.add({{"starttime", i(minute + 10'000)}, {"id", i(1)}});
  g.add({{"starttime", i(minute - 1)}, {"id", i(2)}});
  g.add({{"starttime", i(minute + 60'000)}, {"id", i(3)}});
  CHECK(g.column("SELECT id FROM events START '2026-11-26 17:02:30' STOP '2026-11-26 17:03:59'") ==
        Strings{"1", "3"});
  CHECK(g.column("SELECT id FROM events START '2026-11-26 17:02:30' STOP '2026-11-26 17:03'") ==
        Strings{"1"});
  CHECK(g.column(
            "SELECT id FROM events START PARSEDATETIME('1 hour ago') STOP PARSEDATETIME('now')") ==
        Strings{"1", "2", "3"});
}

TEST_CASE("an explicit range overrides the query's", "[aql][eval][time]") {
  Fixture f;
  f.add({{"starttime", i(kNow - 7'200'000)}, {"id", i(1)}});
  auto query = parse("SELECT id FROM events");
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = kNow;
  options.range = TimeRange{kNow - 86'400'000, kNow};
  auto result = evaluate(query.value(), f.schema, f.events, options);
  REQUIRE(result.ok());
  CHECK(result->rows.size() == 1);
}

TEST_CASE("GROUP BY, HAVING and aggregates", "[aql][eval][group]") {
  Fixture f = people();
  const ResultSet r = f.run(
      "SELECT sourceip, COUNT(*) AS c, COUNT(username) AS named, SUM(n) AS total, MIN(n) AS lo, "
      "MAX(n) AS hi, AVG(n) AS mean, UNIQUECOUNT(username) AS users FROM events "
      "GROUP BY sourceip ORDER BY sourceip LAST 1 HOURS");
  REQUIRE(r.columns == Strings{"sourceip", "c", "named", "total", "lo", "hi", "mean", "users"});
  REQUIRE(r.rows.size() == 3);
  const auto& first = r.rows[0].values;  // 10.0.0.1: alice (1) and Alice (null)
  CHECK(first[0] == s("10.0.0.1"));
  CHECK(first[1] == i(2));
  CHECK(first[2] == i(2));
  CHECK(first[3] == i(1));
  CHECK(first[4] == i(1));
  CHECK(first[5] == i(1));
  CHECK(first[6] == Value::real(1.0));
  CHECK(first[7] == i(2));
  const auto& third = r.rows[2].values;  // 192.168.1.9: no username
  CHECK(third[2] == i(0));
  CHECK(third[7] == i(0));

  CHECK(f.column("SELECT sourceip, COUNT(*) AS c FROM events GROUP BY sourceip HAVING c > 1 LAST 1 "
                 "HOURS") == Strings{"10.0.0.1"});
  CHECK(f.column("SELECT sourceip FROM events GROUP BY sourceip HAVING SUM(n) >= 5 ORDER BY SUM(n) "
                 "DESC LAST 1 HOURS") == Strings{"192.168.1.9", "10.0.0.2"});
  // Without ORDER BY, groups come out in the order they were first seen, and LIMIT keeps the
  // first ones of that order (HAVING applied before the limit).
  const Strings all = f.column("SELECT sourceip FROM events GROUP BY sourceip LAST 1 HOURS");
  REQUIRE(all.size() == 3);
  CHECK(f.column("SELECT sourceip FROM events GROUP BY sourceip LIMIT 2 LAST 1 HOURS") ==
        Strings{all[0], all[1]});
  const Strings big =
      f.column("SELECT sourceip FROM events GROUP BY sourceip HAVING SUM(n) >= 5 LAST 1 HOURS");
  REQUIRE(big.size() == 2);
  CHECK(f.column("SELECT sourceip FROM events GROUP BY sourceip HAVING SUM(n) >= 5 LIMIT 1 "
                 "LAST 1 HOURS") == Strings{big[0]});
  // Aggregates over no rows: one row, COUNT 0 and SUM NULL.
  const ResultSet empty =
      f.run("SELECT COUNT(*) AS c, SUM(n) AS t FROM events WHERE n > 100 LAST 1 HOURS");
  REQUIRE(empty.rows.size() == 1);
  CHECK(empty.rows[0].values[0] == i(0));
  CHECK(empty.rows[0].values[1].isNull());
  CHECK(f.run("SELECT sourceip, COUNT(*) FROM events WHERE n > 100 GROUP BY sourceip LAST 1 HOURS")
            .rows.empty());
  // Aggregates are not allowed in WHERE.
  auto bad = parse("SELECT a FROM events WHERE COUNT(*) > 1");
  REQUIRE(bad.ok());
  Schema schema;
  auto compiled = QueryRun::create(bad.value(), schema, EvalOptions{}, [](Row&&) {});
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.error().message.find("line 1, column 28") != std::string::npos);
}

TEST_CASE("ORDER BY and LIMIT", "[aql][eval][order]") {
  Fixture f = people();
  CHECK(f.column("SELECT n FROM events ORDER BY n LAST 1 HOURS") == Strings{"null", "1", "5", "7"});
  CHECK(f.column("SELECT n FROM events ORDER BY n DESC LAST 1 HOURS") ==
        Strings{"7", "5", "1", "null"});
  CHECK(f.column("SELECT n AS v FROM events ORDER BY v DESC LIMIT 2 LAST 1 HOURS") ==
        Strings{"7", "5"});
  CHECK(f.column("SELECT username FROM events ORDER BY starttime LAST 1 HOURS") ==
        Strings{"Alice", "null", "bob", "alice"});
  CHECK(f.column("SELECT username FROM events WHERE username IS NOT NULL ORDER BY LOWER(username), "
                 "starttime DESC LAST 1 HOURS") == Strings{"alice", "Alice", "bob"});
  CHECK(f.column("SELECT n FROM events LIMIT 2 LAST 1 HOURS") == Strings{"1", "5"});
  CHECK(f.column("SELECT n FROM events LIMIT 0 LAST 1 HOURS") == Strings{});
}

TEST_CASE("streaming queries stop at LIMIT", "[aql][eval][stream]") {
  Fixture f = people();
  auto query = parse("SELECT n FROM events LIMIT 1 LAST 1 HOURS");
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = kNow;
  int rows = 0;
  auto run = QueryRun::create(query.value(), f.schema, options, [&rows](Row&&) { ++rows; });
  REQUIRE(run.ok());
  CHECK_FALSE(run->add(f.events[0]));  // the first row fills the limit
  CHECK(rows == 1);                    // and went out at once, before finish()
  REQUIRE(run->finish().ok());
  CHECK(rows == 1);
}

TEST_CASE("CASE, IF and comparisons across types", "[aql][eval]") {
  Fixture f;
  f.add({{"starttime", i(kNow - 1)}, {"port", i(443)}, {"sport", s("443")}, {"b", s("1024")}});
  f.add({{"starttime", i(kNow - 1)}, {"port", i(80)}, {"sport", s("eighty")}, {"b", s("x")}});
  CHECK(
      f.column("SELECT CASE port WHEN 443 THEN 'https' WHEN 80 THEN 'http' END AS s FROM events") ==
      Strings{"https", "http"});
  CHECK(f.column("SELECT IF port = 443 THEN 'tls' ELSE 'clear' AS t FROM events") ==
        Strings{"tls", "clear"});
  CHECK(f.column("SELECT IF port = 1 THEN 'x' AS t FROM events") == Strings{"null", "null"});
  CHECK(f.column("SELECT port FROM events WHERE sport = 443") == Strings{"443"});
  CHECK(f.column("SELECT port FROM events WHERE port = '443'") == Strings{"443"});
  CHECK(f.column("SELECT b + 0 AS v FROM events") == Strings{"1024", "null"});
  CHECK(f.column("SELECT port / 0 AS v FROM events") == Strings{"null", "null"});
  CHECK(f.column("SELECT port / 2 AS v FROM events") == Strings{"221.5", "40"});
  CHECK(f.column("SELECT port % 7 AS v FROM events") == Strings{"2", "3"});
  CHECK(f.column("SELECT -port AS v FROM events") == Strings{"-443", "-80"});
  CHECK(f.column("SELECT 9223372036854775807 + port AS v FROM events").size() == 2);
}

TEST_CASE("column names and Ariel JSON", "[aql][eval][output]") {
  Fixture f;
  f.lookups.category_names[4003] = "Firewall Permit";
  f.add({{"starttime", i(kNow - 1)},
         {"category", i(4003)},
         {"sourceip", s("10.0.0.1")},
         {"Bytes Sent", i(10)}});
  const ResultSet r = f.run(
      "SELECT CATEGORYNAME(category), sourceip, \"Bytes Sent\", LOWER(sourceip) AS low, 1 + 1, "
      "COUNT(*) FROM events GROUP BY category");
  CHECK(r.columns ==
        Strings{"categoryname_category", "sourceip", "Bytes Sent", "low", "1 + 1", "count"});
  CHECK(
      toArielJson(r) ==
      R"({"events":[{"categoryname_category":"Firewall Permit","sourceip":"10.0.0.1","Bytes Sent":10,"low":"10.0.0.1","1 + 1":2,"count":1}]})");
  ResultSet flows;
  flows.database = Database::kFlows;
  CHECK(toArielJson(flows) == R"({"flows":[]})");
}

TEST_CASE("compile errors name the problem", "[aql][eval]") {
  Schema schema;
  const char* bad[] = {
      "SELECT NOSUCH(a) FROM events",
      "SELECT LOWER(a, b) FROM events",
      "SELECT a FROM events WHERE a MATCHES '(a+'",
      "SELECT a FROM events WHERE a MATCHES 'x{999}{999}'",
      "SELECT a FROM events WHERE INCIDR('10.0.0.0/33', a)",
      "SELECT SUM(COUNT(a)) FROM events",
      "SELECT SUM(*) FROM events",
  };
  for (const char* text : bad) {
    auto query = parse(text);
    REQUIRE(query.ok());
    auto run = QueryRun::create(query.value(), schema, EvalOptions{}, [](Row&&) {});
    INFO(text);
    CHECK_FALSE(run.ok());
  }
}

TEST_CASE("JSONL events", "[aql][eval][jsonl]") {
  Schema schema;
  std::istringstream in(
      "{\"starttime\": 1764176587000, \"sourceip\": \"10.0.0.5\", \"URL\": "
      "\"https://api.openai.com/v1\", "
      "\"Bytes Sent\": 123, \"ratio\": 0.5, \"flag\": true, \"tags\": [1,2], \"gone\": null}\n"
      "\n"
      "{\"starttime\": 1764176588001, \"SourceIP\": \"10.0.0.6\"}\n");
  std::vector<Event> events;
  auto status = readEventsJsonl(in, schema, [&](Event&& e) {
    events.push_back(std::move(e));
    return core::Status{};
  });
  REQUIRE(status.ok());
  REQUIRE(events.size() == 2);
  const FieldId url = *schema.find("url");  // names are case-insensitive
  CHECK(events[0].get(url) == s("https://api.openai.com/v1"));
  CHECK(events[0].get(*schema.find("Bytes Sent")) == i(123));
  CHECK(events[0].get(*schema.find("ratio")) == Value::real(0.5));
  CHECK(events[0].get(*schema.find("flag")) == Value::boolean(true));
  CHECK(events[0].get(*schema.find("tags")) == s("[1,2]"));
  REQUIRE(schema.find("gone"));
  CHECK(events[0].get(*schema.find("gone")).isNull());
  CHECK(events[1].get(*schema.find("sourceip")) == s("10.0.0.6"));

  std::istringstream broken("{\"a\":1}\n{not json\n");
  auto failed = readEventsJsonl(broken, schema, [](Event&&) { return core::Status{}; });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.find("line 2") != std::string::npos);
}

TEST_CASE("offline evaluation over JSONL streams", "[aql][eval][jsonl]") {
  std::string jsonl;
  for (int n = 0; n < 100; ++n) {
    jsonl += "{\"starttime\": " + std::to_string(kNow - 1000 - n) +
             ", \"n\": " + std::to_string(n) + ", \"URL\": \"https://api.openai.com/\"}\n";
  }
  jsonl += "this line is never read\n";  // LIMIT 3 stops the reader first
  auto query = parse("SELECT n, \"URL\" AS url FROM events LIMIT 3");
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = kNow;
  std::istringstream in(jsonl);
  std::vector<Row> rows;
  auto columns = evaluateJsonl(query.value(), in, options,
                               [&rows](Row&& row) { rows.push_back(std::move(row)); });
  if (!columns.ok()) FAIL(columns.error().message);
  CHECK(columns.value() == Strings{"n", "url"});
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].values[0] == i(2));

  auto star = parse("SELECT * FROM events WHERE n = 7");
  REQUIRE(star.ok());
  std::istringstream again(jsonl.substr(0, jsonl.find("this line")));
  rows.clear();
  auto star_columns = evaluateJsonl(star.value(), again, options,
                                    [&rows](Row&& row) { rows.push_back(std::move(row)); });
  REQUIRE(star_columns.ok());
  CHECK(star_columns.value() == Strings{"starttime", "n", "URL"});
  CHECK(rows.size() == 1);
}

TEST_CASE("durations become LAST clauses", "[aql][time]") {
  CHECK(printTimeClause(lastClause(24 * 3'600'000LL)) == "LAST 1 DAYS");
  CHECK(printTimeClause(lastClause(90 * 60'000LL)) == "LAST 90 MINUTES");
  CHECK(printTimeClause(lastClause(3 * 3'600'000LL)) == "LAST 3 HOURS");
  CHECK(printTimeClause(lastClause(30'000)) == "LAST 1 MINUTES");
}

}  // namespace
}  // namespace aihunt::aql
