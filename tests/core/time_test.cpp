#include <catch2/catch.hpp>

#include "core/time.h"

using namespace aihunt::core;

TEST_CASE("timestamps in every accepted shape") {
  const EpochMs base =
      1'795'684'988'000;  // 2026-11-26T09:23:08Z (Python: datetime(...).timestamp())
  CHECK(parseTimestamp("2026-11-26T09:23:08Z").value() == base);
  CHECK(parseTimestamp("2026-11-26t09:23:08z").value() == base);
  CHECK(parseTimestamp("2026-11-26 09:23:08").value() == base);
  CHECK(parseTimestamp("2026-11-26T09:23:08.5Z").value() == base + 500);
  CHECK(parseTimestamp("2026-11-26T09:23:08.123456Z").value() == base + 123);
  CHECK(parseTimestamp("2026-11-26T10:23:08+01:00").value() == base);
  CHECK(parseTimestamp("2026-11-26T04:53:08-0430").value() == base);
  CHECK(parseTimestamp("2026-11-26 09:23").value() == base - 8000);
  CHECK(parseTimestamp("2026-11-26").value() == base - (9 * 3600 + 23 * 60 + 8) * 1000LL);
  CHECK(parseTimestamp("1795684988000").value() == base);
  CHECK(parseTimestamp("0").value() == 0);
}

TEST_CASE("timestamp round trip through ISO 8601 over many days") {
  // Every 7919 minutes across 1970-2100: leap years, month ends, centuries.
  for (EpochMs ms = 0; ms < 4'102'444'800'000; ms += 7919LL * 60'000 + 1) {
    const std::string text = formatIso8601(ms);
    INFO(text);
    REQUIRE(parseTimestamp(text).value() == ms);
  }
  CHECK(formatIso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(formatIso8601(951'782'400'000) == "2000-02-29T00:00:00.000Z");
  CHECK(formatIso8601(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("bad timestamps are errors, not guesses") {
  for (const char* bad :
       {"", "2026-13-01", "2026-02-29", "2026-11-31", "2026-11-26T25:00:00Z", "2026-11-26T10:61",
        "2026/11/26", "26-11-2026", "2026-11-26X10:00", "2026-11-26T10:00:00+25:00",
        "2026-11-26T10:00:00Zjunk", "99999999999999999999", "yesterday", "2026-11-26T10:00:00."}) {
    INFO(bad);
    CHECK_FALSE(parseTimestamp(bad));
  }
}

TEST_CASE("a formatted duration reads back as itself, in the largest units that fit") {
  using std::chrono::milliseconds;
  CHECK(formatDuration(milliseconds(30'000)) == "30s");
  CHECK(formatDuration(milliseconds(120'000)) == "2m");
  CHECK(formatDuration(milliseconds(5'400'000)) == "1h30m");
  CHECK(formatDuration(milliseconds(3'601'000)) == "1h1s");
  CHECK(formatDuration(milliseconds(1'500)) == "1500ms");
  CHECK(formatDuration(milliseconds(0)) == "0ms");
  // Generated: every formatted duration parses back to the same value.
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto ms = static_cast<std::int64_t>(state >> 24U) % 1'000'000'000;
    const milliseconds value(i % 2 == 0 ? ms - ms % 1000 : ms);
    const std::string text = formatDuration(value);
    INFO(value.count() << " -> " << text);
    const auto parsed = parseDuration(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == value);
  }
}

TEST_CASE("durations") {
  using std::chrono::milliseconds;
  CHECK(parseDuration("90s").value() == milliseconds(90'000));
  CHECK(parseDuration("15m").value() == milliseconds(900'000));
  CHECK(parseDuration("24h").value() == milliseconds(86'400'000));
  CHECK(parseDuration("7d").value() == milliseconds(604'800'000));
  CHECK(parseDuration("2w").value() == milliseconds(1'209'600'000));
  CHECK(parseDuration("1h30m").value() == milliseconds(5'400'000));
  CHECK(parseDuration("500ms").value() == milliseconds(500));
  for (const char* bad : {"", "15", "m", "-5m", "5 m", "5y", "1h-30m", "99999999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parseDuration(bad));
  }
  // A century at most, however it is spelt: anything added to a time stays far from overflow.
  CHECK(parseDuration("36500d").value() == milliseconds(36'500LL * 86'400'000));
  CHECK(parseDuration("36499d23h59m59s999ms").ok());
  for (const char* long_one : {"36500d1ms", "36501d", "106751991167d", "5215w", "36499d25h"}) {
    INFO(long_one);
    auto parsed = parseDuration(long_one);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message.find("longer than 36500d") != std::string::npos);
  }
  // A fraction is not read as a number followed by an unknown unit.
  for (const char* fraction : {"1.5h", "0,5d", "2h1.5m"}) {
    INFO(fraction);
    auto parsed = parseDuration(fraction);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message.find("whole numbers only") != std::string::npos);
  }
}
