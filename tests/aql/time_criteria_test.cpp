// START/STOP as IBM documents them ("Time criteria in AQL queries",
// https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_start_stop.html): the five text
// formats with or without Z/z, the minute semantics, STOP left out, and the console's zone for
// zone-less text. Parser, lint and evaluator share parseAqlTimeText and resolveTimeRange.
#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "aql/evaluator.h"
#include "aql/lint.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "aql/time_window.h"
#include "core/time.h"

namespace aihunt::aql {
namespace {

constexpr core::EpochMs kMinute = 60'000;

struct Format {
  const char* name;
  char date_sep;
  char time_sep;
  bool seconds;
};

constexpr std::array<Format, 5> kFormats = {{
    {"yyyy-MM-dd HH:mm", '-', ' ', false},
    {"yyyy-MM-dd HH:mm:ss", '-', ' ', true},
    {"yyyy/MM/dd HH:mm:ss", '/', ' ', true},
    {"yyyy/MM/dd-HH:mm:ss", '/', '-', true},
    {"yyyy:MM:dd-HH:mm:ss", ':', '-', true},
}};

// Renders `wall` (fields as if UTC) in a format, with an optional suffix.
std::string render(core::EpochMs wall, const Format& f, const std::string& suffix) {
  const std::string iso = core::formatIso8601(wall);  // yyyy-MM-ddTHH:mm:ss.SSSZ
  std::string out = iso.substr(0, 4) + f.date_sep + iso.substr(5, 2) + f.date_sep +
                    iso.substr(8, 2) + f.time_sep + iso.substr(11, 5);
  if (f.seconds) out += iso.substr(16, 3);
  return out + suffix;
}

TimeRange rangeOf(const std::string& aql, core::EpochMs now, const ConsoleTimeZone& zone) {
  auto query = parse(aql);
  INFO(aql);
  REQUIRE(query.ok());
  auto range = resolveTimeRange(query->time, now, zone);
  REQUIRE(range.ok());
  return range.value();
}

// Which of the events at the given times a query returns, evaluated like Ariel would.
std::vector<std::int64_t> idsFound(const std::string& aql, const std::vector<core::EpochMs>& times,
                                   core::EpochMs now, const ConsoleTimeZone& zone) {
  Schema schema;
  std::vector<Event> events;
  for (std::size_t i = 0; i < times.size(); ++i) {
    events.push_back(makeEvent(schema, {{"starttime", Value::integer(times[i])},
                                        {"id", Value::integer(static_cast<std::int64_t>(i))}}));
  }
  auto query = parse(aql);
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = now;
  options.console_zone = zone;
  auto result = evaluate(query.value(), schema, events, options);
  REQUIRE(result.ok());
  std::vector<std::int64_t> ids;
  for (const Row& row : result->rows) ids.push_back(row.values.at(0).asInt());
  return ids;
}

TEST_CASE("IBM's START/STOP examples", "[aql][time]") {
  const core::EpochMs now = core::parseTimestamp("2026-11-26T18:00:00Z").value();
  const auto at = [](const char* iso) { return core::parseTimestamp(iso).value(); };
  // "Returns results from: 2014-04-25 15:51:00 to 2014-04-25 16:59:59"
  CHECK(rangeOf("SELECT * FROM events START '2014-04-25 15:51' STOP '2014-04-25 17:00'", now, {}) ==
        TimeRange{at("2014-04-25T15:51:00Z"), at("2014-04-25T17:00:00Z")});
  // "Returns results from: 2014-04-25 15:51:00 to 2014-04-25 17:00:59"
  CHECK(rangeOf("SELECT * FROM events START '2014-04-25 15:51:20' STOP '2014-04-25 17:00:20'", now,
                {}) == TimeRange{at("2014-04-25T15:51:00Z"), at("2014-04-25T17:01:00Z")});
  // "STOP is optional. If you don't include it in the query, the STOP time is = now"
  CHECK(rangeOf("SELECT * FROM events START PARSEDATETIME('1 hour ago')", now, {}) ==
        TimeRange{now - 3'600'000, now});
  CHECK(rangeOf("SELECT * FROM events START PARSEDATETIME('1 day ago')", now, {}) ==
        TimeRange{now - 86'400'000, now});
  CHECK(rangeOf("SELECT * FROM events START PARSEDATETIME('1 hour ago') STOP PARSEDATETIME('now')",
                now, {}) == TimeRange{now - 3'600'000, now});
  // START <epoch ms> alone: what the Cortex XSOAR QRadar integration sends.
  CHECK(rangeOf("SELECT * FROM events START " + std::to_string(now - 5000), now, {}) ==
        TimeRange{now - 5000, now});
  CHECK(rangeOf("SELECT * FROM events START '2026-11-26 17:00Z'", now, {}) ==
        TimeRange{at("2026-11-26T17:00:00Z"), now});
}

TEST_CASE("START without STOP prints and parses back", "[aql][time]") {
  for (const char* text : {"SELECT * FROM events START PARSEDATETIME('1 hour ago')",
                           "SELECT * FROM events START 1795712520000",
                           "SELECT * FROM events START '2026-11-26 17:00:30z'"}) {
    auto q = parse(text);
    INFO(text);
    REQUIRE(q.ok());
    CHECK_FALSE(q->time.has_stop);
    const std::string printed = print(q.value());
    CHECK(printed.find("STOP") == std::string::npos);
    auto again = parse(printed);
    REQUIRE(again.ok());
    CHECK(again.value() == q.value());
  }
}

TEST_CASE("generated times in every documented format, zone and end", "[aql][time]") {
  std::mt19937_64 random(20261126);
  // 1971 .. 2099, any second.
  std::uniform_int_distribution<core::EpochMs> seconds(31'536'000, 4'102'444'799);
  const std::array<ConsoleTimeZone, 5> zones = {
      {ConsoleTimeZone{0}, ConsoleTimeZone{-300}, ConsoleTimeZone{13 * 60},
       ConsoleTimeZone{5 * 60 + 30}, ConsoleTimeZone{-12 * 60}}};
  const std::array<const char*, 3> suffixes = {"", "Z", "z"};
  for (int round = 0; round < 400; ++round) {
    const core::EpochMs wall = seconds(random) * 1000;
    const Format& format = kFormats[static_cast<std::size_t>(round) % kFormats.size()];
    const std::string suffix = suffixes[static_cast<std::size_t>(round / 5) % suffixes.size()];
    const ConsoleTimeZone& zone = zones[static_cast<std::size_t>(round / 15) % zones.size()];
    const std::string text = render(wall, format, suffix);
    INFO(text << " in " << zone.name());

    auto parsed = parseAqlTimeText(text);
    REQUIRE(parsed.ok());
    CHECK(parsed->has_seconds == format.seconds);
    CHECK(parsed->utc == !suffix.empty());
    const core::EpochMs written = format.seconds ? wall : wall - wall % kMinute;
    CHECK(parsed->wall_ms == written);

    // The instant: the written minute in the zone (UTC with Z); STOP with seconds adds the
    // whole minute.
    const core::EpochMs offset = suffix.empty() ? zone.offset_minutes * kMinute : 0;
    const core::EpochMs start = wall - wall % kMinute - offset;
    const core::EpochMs stop = start + (format.seconds ? kMinute : 0);
    CHECK(textTimeInstant(*parsed, TimeEnd::kStart, zone) == start);
    CHECK(textTimeInstant(*parsed, TimeEnd::kStop, zone) == stop);

    // The same through parser and evaluator: events just inside and just outside each edge.
    const std::string aql = "SELECT id FROM events START '" + text + "' STOP '" + text + "'";
    const std::vector<core::EpochMs> times = {start - 1, start, stop - 1, stop};
    std::vector<std::int64_t> expected;
    if (format.seconds) expected = {1, 2};  // a one-minute window
    CHECK(idsFound(aql, times, wall + 86'400'000, zone) == expected);
    const auto q = parse(aql);
    REQUIRE(q.ok());
    auto again = parse(print(q.value()));
    REQUIRE(again.ok());
    CHECK(again.value() == q.value());
    // Lint agrees with the parser and flags only the zone-less text.
    const auto diagnostics = lint(aql);
    CHECK_FALSE(hasErrors(diagnostics));
    const bool zoneless_flagged =
        std::any_of(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.code == "zoneless-time"; });
    CHECK(zoneless_flagged == suffix.empty());
  }
}

TEST_CASE("a zone-less window shifts with the console's zone, a Z window does not", "[aql][time]") {
  const core::EpochMs event = core::parseTimestamp("2026-11-26T17:30:00Z").value();
  const core::EpochMs now = event + 86'400'000;
  const std::string zoneless =
      "SELECT id FROM events START '2026-11-26 17:00' STOP '2026-11-26 18:00'";
  const std::string utc =
      "SELECT id FROM events START '2026-11-26 17:00Z' STOP '2026-11-26 18:00Z'";
  for (const int offset : {0, -5 * 60, 13 * 60}) {
    const ConsoleTimeZone zone{offset};
    INFO(zone.name());
    CHECK(idsFound(utc, {event}, now, zone) == std::vector<std::int64_t>{0});
    CHECK(idsFound(zoneless, {event}, now, zone).size() == (offset == 0 ? 1U : 0U));
  }
}

TEST_CASE("time text outside IBM's formats is refused", "[aql][time]") {
  for (const char* bad :
       {"2026-11-26", "2026-11-26T10:00", "2026-11-26 10:00+01:00", "2026/11/26 10:00",
        "2026:11:26 10:00:00", "2026-11-26-10:00", "2026-13-01 00:00", "2026-02-29 00:00",
        "2026-11-26 24:00", "2026-11-26 10:60", "2026-11-26 10:00:60", "2026-11-26 10:00ZZ",
        "2026-11-26 10:00 Z", "yesterday", ""}) {
    INFO(bad);
    CHECK_FALSE(parseAqlTimeText(bad).ok());
    const std::string aql = std::string("SELECT * FROM events START '") + bad + "'";
    CHECK_FALSE(parse(aql).ok());
    CHECK(hasErrors(lint(aql)));
  }
  CHECK(parseAqlTimeText("2024-02-29 00:00").ok());
}

TEST_CASE("console time zones", "[aql][time]") {
  CHECK(ConsoleTimeZone::parse("UTC")->offset_minutes == 0);
  CHECK(ConsoleTimeZone::parse("Z")->offset_minutes == 0);
  CHECK(ConsoleTimeZone::parse("-05:00")->offset_minutes == -300);
  CHECK(ConsoleTimeZone::parse("+13:00")->offset_minutes == 780);
  CHECK(ConsoleTimeZone::parse("+0530")->offset_minutes == 330);
  CHECK(ConsoleTimeZone::parse("UTC-05")->offset_minutes == -300);
  CHECK(ConsoleTimeZone::parse("GMT+01:00")->offset_minutes == 60);
  CHECK(ConsoleTimeZone{-300}.name() == "-05:00");
  CHECK(ConsoleTimeZone{0}.name() == "UTC");
  for (const char* bad : {"", "America/New_York", "+15:00", "-05:61", "05:00", "+5"}) {
    INFO(bad);
    CHECK_FALSE(ConsoleTimeZone::parse(bad).ok());
  }
}

TEST_CASE("generated windows say UTC", "[aql][time]") {
  const core::EpochMs from = core::parseTimestamp("2026-11-26T17:02:10Z").value();
  const TimeClause clause = minuteClause(from, from + 3'600'000);
  CHECK(printTimeClause(clause) == "START '2026-11-26 17:02Z' STOP '2026-11-26 18:03Z'");
  for (const int offset : {0, -5 * 60, 13 * 60}) {
    auto range = resolveTimeRange(clause, 0, ConsoleTimeZone{offset});
    REQUIRE(range.ok());
    CHECK(range.value() == TimeRange{from - 10'000, from + 3'600'000 + 50'000});
  }
}

}  // namespace
}  // namespace aihunt::aql
