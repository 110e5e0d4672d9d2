#pragma once
// The time range a query covers, as Ariel decides it: LAST n units is [now - n, now),
// START/STOP is [start, stop) with text times cut to the minute, and no clause at all is the
// last 60 seconds. A `starttime` filter in WHERE narrows the rows but never widens this range.
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

core::Result<TimeRange> resolveTimeRange(const TimeClause& clause, core::EpochMs now);
core::Result<core::EpochMs> resolveTimePoint(const TimePoint& point, core::EpochMs now);

// PARSEDATETIME's argument: "now", "<n> <unit>[s] ago" (second, minute, hour, day, week) or an
// absolute time core::parseTimestamp accepts.
core::Result<core::EpochMs> parseRelativeTime(std::string_view text, core::EpochMs now);

// 'yyyy-MM-dd HH:mm' in UTC, the START/STOP text form.
std::string formatMinute(core::EpochMs ms);

// A START/STOP clause with whole minutes covering [from, to): from floored, to ceiled.
TimeClause minuteClause(core::EpochMs from, core::EpochMs to);
// LAST n MINUTES|HOURS|DAYS for a duration (--last 24h): the largest unit that divides it,
// rounded up to whole minutes.
TimeClause lastClause(std::int64_t duration_ms);
// A START/STOP clause in exact epoch milliseconds.
TimeClause epochClause(core::EpochMs from, core::EpochMs to);

core::EpochMs floorToMinute(core::EpochMs ms);
core::EpochMs ceilToMinute(core::EpochMs ms);

}  // namespace aihunt::aql
