#pragma once
// The time range a query covers, as Ariel decides it: LAST n units is [now - n, now),
// START/STOP is [start, stop) with IBM's minute semantics for text times (below), and no clause
// at all is the last 60 seconds. A `starttime` filter in WHERE narrows the rows but never widens
// this range.
#include <cstdint>
#include <string>
#include <string_view>

#include "aql/ast.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::aql {

inline constexpr core::EpochMs kDefaultWindowMs = 60'000;

struct TimeRange {
  core::EpochMs from = 0;  // inclusive
  core::EpochMs to = 0;    // exclusive
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// The zone a console reads zone-less START/STOP text in: a fixed offset from UTC. IBM's "Time
// criteria in AQL queries" gives the text formats and a 'Z'/'z' suffix for UTC; text without
// it is read in a zone of the console's (qradar-emu: --console-timezone). IANA zone names are
// not supported (GCC 12's <chrono> has no time zone database).
struct ConsoleTimeZone {
  std::int32_t offset_minutes = 0;  // local time = UTC + offset

  // "UTC", "Z", "+05:00", "-0500", "+13", "UTC-05:00", "GMT+01:00".
  static core::Result<ConsoleTimeZone> parse(std::string_view text);
  [[nodiscard]] std::string name() const;  // "UTC" or "+05:30"
  friend bool operator==(const ConsoleTimeZone&, const ConsoleTimeZone&) = default;
};

// START/STOP text as IBM documents it: yyyy-MM-dd HH:mm, yyyy-MM-dd HH:mm:ss,
// yyyy/MM/dd HH:mm:ss, yyyy/MM/dd-HH:mm:ss or yyyy:MM:dd-HH:mm:ss, each optionally followed
// by 'Z' or 'z' (UTC). Nothing else (no 'T', no offsets, no bare dates).
struct AqlTimeText {
  core::EpochMs wall_ms = 0;  // the written fields read as if they were UTC, seconds included
  bool has_seconds = false;
  bool utc = false;  // ends in Z or z
};
core::Result<AqlTimeText> parseAqlTimeText(std::string_view text);

enum class TimeEnd : std::uint8_t { kStart, kStop };

// The instant a START/STOP text stands for, with IBM's minute semantics: START drops the
// seconds (15:51:20 starts at 15:51:00); STOP without seconds ends before that minute
// (STOP '17:00' ends at 16:59:59), STOP with seconds includes the whole minute
// (STOP '17:00:20' ends at 17:00:59). Returns the exclusive end for STOP.
core::EpochMs textTimeInstant(const AqlTimeText& text, TimeEnd end, const ConsoleTimeZone& zone);

// STOP left out means STOP = now (IBM: "STOP is optional").
core::Result<TimeRange> resolveTimeRange(const TimeClause& clause, core::EpochMs now,
                                         const ConsoleTimeZone& zone = {});
core::Result<core::EpochMs> resolveTimePoint(const TimePoint& point, core::EpochMs now, TimeEnd end,
                                             const ConsoleTimeZone& zone = {});

// PARSEDATETIME's argument: "now", "<n> <unit>[s] ago" (second, minute, hour, day, week) or an
// absolute time core::parseTimestamp accepts.
core::Result<core::EpochMs> parseRelativeTime(std::string_view text, core::EpochMs now);

// 'yyyy-MM-dd HH:mm' in UTC, without a zone suffix.
std::string formatMinute(core::EpochMs ms);

// A START/STOP clause with whole minutes covering [from, to): from floored, to ceiled, written
// in IBM's documented UTC form 'yyyy-MM-dd HH:mmZ', so that it means the same instants on a
// console in any time zone.
TimeClause minuteClause(core::EpochMs from, core::EpochMs to);
// LAST n MINUTES|HOURS|DAYS for a duration (--last 24h): the largest unit that divides it,
// rounded up to whole minutes.
TimeClause lastClause(std::int64_t duration_ms);
// A START/STOP clause in exact epoch milliseconds.
TimeClause epochClause(core::EpochMs from, core::EpochMs to);

core::EpochMs floorToMinute(core::EpochMs ms);
core::EpochMs ceilToMinute(core::EpochMs ms);

}  // namespace aihunt::aql
