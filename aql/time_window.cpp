#include "aql/time_window.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "core/text.h"

namespace aihunt::aql {
namespace {

constexpr core::EpochMs kMinuteMs = 60'000;

core::EpochMs unitMs(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMinutes:
      return kMinuteMs;
    case TimeUnit::kHours:
      return 60 * kMinuteMs;
    case TimeUnit::kDays:
      return 24 * 60 * kMinuteMs;
  }
  return kMinuteMs;
}

}  // namespace

core::EpochMs floorToMinute(core::EpochMs ms) {
  core::EpochMs rest = ms % kMinuteMs;
  if (rest < 0) rest += kMinuteMs;
  return ms - rest;
}

core::EpochMs ceilToMinute(core::EpochMs ms) {
  const core::EpochMs floored = floorToMinute(ms);
  return floored == ms ? ms : floored + kMinuteMs;
}

std::string formatMinute(core::EpochMs ms) {
  // formatIso8601 gives "yyyy-MM-ddTHH:mm:ss.SSSZ"; START/STOP want "yyyy-MM-dd HH:mm".
  std::string iso = core::formatIso8601(floorToMinute(ms));
  const std::size_t t = iso.find('T');
  if (t == std::string::npos || iso.size() < t + 6) return iso;
  iso[t] = ' ';
  return iso.substr(0, t + 6);
}

core::Result<core::EpochMs> parseRelativeTime(std::string_view text, core::EpochMs now) {
  const std::string_view trimmed = core::trim(text);
  if (core::iequals(trimmed, "now")) return now;
  // "<n> <unit>[s] ago"
  std::size_t pos = 0;
  while (pos < trimmed.size() && trimmed[pos] >= '0' && trimmed[pos] <= '9') ++pos;
  if (pos > 0 && pos <= 9 && core::iendsWith(trimmed, " ago")) {
    std::int64_t amount = 0;
    std::from_chars(trimmed.data(), trimmed.data() + pos, amount);
    std::string_view unit = core::trim(trimmed.substr(pos, trimmed.size() - pos - 4));
    if (unit.size() > 1 && (unit.back() == 's' || unit.back() == 'S')) unit.remove_suffix(1);
    static constexpr std::array<std::pair<std::string_view, core::EpochMs>, 5> kUnits = {{
        {"second", 1000},
        {"minute", kMinuteMs},
        {"hour", 60 * kMinuteMs},
        {"day", 24 * 60 * kMinuteMs},
        {"week", 7 * 24 * 60 * kMinuteMs},
    }};
    for (const auto& [name, ms] : kUnits) {
      if (core::iequals(unit, name)) return now - amount * ms;
    }
  }
  auto absolute = core::parseTimestamp(trimmed);
  if (absolute.ok()) return absolute;
  return core::makeError(core::ErrorCode::kParse,
                         "PARSEDATETIME('" + core::printableExcerpt(text, 60) +
                             "'): expected 'now', '<n> <unit>s ago' or a date");
}

core::Result<core::EpochMs> resolveTimePoint(const TimePoint& point, core::EpochMs now) {
  switch (point.kind) {
    case TimePoint::Kind::kEpochMs:
      return point.epoch_ms;
    case TimePoint::Kind::kParseDateTime:
      return parseRelativeTime(point.text, now);
    case TimePoint::Kind::kText: {
      auto parsed = core::parseTimestamp(point.text);
      if (!parsed.ok()) return parsed.error();
      return floorToMinute(parsed.value());  // Ariel ignores seconds in START/STOP text
    }
  }
  return core::makeError(core::ErrorCode::kInternal, "unknown time point kind");
}

core::Result<TimeRange> resolveTimeRange(const TimeClause& clause, core::EpochMs now) {
  switch (clause.kind) {
    case TimeClause::Kind::kNone:
      return TimeRange{now - kDefaultWindowMs, now};
    case TimeClause::Kind::kLast:
      return TimeRange{now - clause.amount * unitMs(clause.unit), now};
    case TimeClause::Kind::kStartStop: {
      auto start = resolveTimePoint(clause.start, now);
      if (!start.ok()) return start.error();
      auto stop = resolveTimePoint(clause.stop, now);
      if (!stop.ok()) return stop.error();
      return TimeRange{start.value(), stop.value()};
    }
  }
  return core::makeError(core::ErrorCode::kInternal, "unknown time clause kind");
}

TimeClause minuteClause(core::EpochMs from, core::EpochMs to) {
  TimeClause clause;
  clause.kind = TimeClause::Kind::kStartStop;
  clause.start.kind = TimePoint::Kind::kText;
  clause.start.text = formatMinute(floorToMinute(from));
  clause.stop.kind = TimePoint::Kind::kText;
  clause.stop.text = formatMinute(ceilToMinute(to));
  return clause;
}

TimeClause lastClause(std::int64_t duration_ms) {
  TimeClause clause;
  clause.kind = TimeClause::Kind::kLast;
  const std::int64_t minutes = std::max<std::int64_t>(1, (duration_ms + kMinuteMs - 1) / kMinuteMs);
  if (minutes % (24 * 60) == 0) {
    clause.amount = minutes / (24 * 60);
    clause.unit = TimeUnit::kDays;
  } else if (minutes % 60 == 0) {
    clause.amount = minutes / 60;
    clause.unit = TimeUnit::kHours;
  } else {
    clause.amount = minutes;
    clause.unit = TimeUnit::kMinutes;
  }
  return clause;
}

TimeClause epochClause(core::EpochMs from, core::EpochMs to) {
  TimeClause clause;
  clause.kind = TimeClause::Kind::kStartStop;
  clause.start.kind = TimePoint::Kind::kEpochMs;
  clause.start.epoch_ms = from;
  clause.stop.kind = TimePoint::Kind::kEpochMs;
  clause.stop.epoch_ms = to;
  return clause;
}

}  // namespace aihunt::aql
