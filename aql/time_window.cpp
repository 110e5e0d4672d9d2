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

namespace {

// Reads exactly `width` digits.
bool readFixed(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

bool isLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int monthDays(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

core::Error badTimeText(std::string_view text) {
  return core::makeError(core::ErrorCode::kParse,
                         "'" + core::printableExcerpt(text, 40) +
                             "' is not an AQL time: expected yyyy-MM-dd HH:mm, yyyy-MM-dd "
                             "HH:mm:ss, yyyy/MM/dd HH:mm:ss, yyyy/MM/dd-HH:mm:ss or "
                             "yyyy:MM:dd-HH:mm:ss, optionally ending in Z (UTC)");
}

}  // namespace

core::Result<AqlTimeText> parseAqlTimeText(std::string_view text) {
  AqlTimeText out;
  std::string_view body = text;
  if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) {
    out.utc = true;
    body.remove_suffix(1);
  }
  // The five documented layouts differ in the date separator and the date/time separator;
  // only the dash layout may leave out the seconds.
  if (body.size() != 16 && body.size() != 19) return badTimeText(text);
  const char date_sep = body.size() > 4 ? body[4] : '\0';
  const char time_sep = body.size() > 10 ? body[10] : '\0';
  out.has_seconds = body.size() == 19;
  const bool layout_ok =
      (date_sep == '-' && time_sep == ' ') ||
      (date_sep == '/' && (time_sep == ' ' || time_sep == '-') && out.has_seconds) ||
      (date_sep == ':' && time_sep == '-' && out.has_seconds);
  if (!layout_ok) return badTimeText(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::size_t pos = 0;
  const auto sep = [&](char c) { return pos < body.size() && body[pos++] == c; };
  if (!readFixed(body, pos, 4, year) || !sep(date_sep) || !readFixed(body, pos, 2, month) ||
      !sep(date_sep) || !readFixed(body, pos, 2, day) || !sep(time_sep) ||
      !readFixed(body, pos, 2, hour) || !sep(':') || !readFixed(body, pos, 2, minute)) {
    return badTimeText(text);
  }
  if (out.has_seconds && (!sep(':') || !readFixed(body, pos, 2, second))) return badTimeText(text);
  if (pos != body.size() || month < 1 || month > 12 || day < 1 || day > monthDays(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return badTimeText(text);
  }
  const std::int64_t days =
      core::daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  out.wall_ms = ((days * 24 + hour) * 60 + minute) * kMinuteMs + second * 1000LL;
  return out;
}

core::EpochMs textTimeInstant(const AqlTimeText& text, TimeEnd end, const ConsoleTimeZone& zone) {
  const core::EpochMs offset_ms = text.utc ? 0 : zone.offset_minutes * kMinuteMs;
  const core::EpochMs minute = floorToMinute(text.wall_ms) - offset_ms;
  if (end == TimeEnd::kStop && text.has_seconds) return minute + kMinuteMs;
  return minute;
}

core::Result<ConsoleTimeZone> ConsoleTimeZone::parse(std::string_view text) {
  std::string_view rest = core::trim(text);
  const auto bad = [&] {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "time zone '" + core::printableExcerpt(text, 40) +
                               "': expected UTC or a fixed offset like -05:00 or +13:00 (IANA "
                               "names are not supported)");
  };
  if (core::iequals(rest, "UTC") || core::iequals(rest, "GMT") || core::iequals(rest, "Z")) {
    return ConsoleTimeZone{};
  }
  if (core::istartsWith(rest, "UTC") || core::istartsWith(rest, "GMT")) rest.remove_prefix(3);
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return bad();
  const int sign = rest[0] == '-' ? -1 : 1;
  rest.remove_prefix(1);
  int hours = 0, minutes = 0;
  std::size_t pos = 0;
  if (!readFixed(rest, pos, 2, hours)) return bad();
  if (pos < rest.size() && rest[pos] == ':') ++pos;
  if (pos < rest.size() && !readFixed(rest, pos, 2, minutes)) return bad();
  if (pos != rest.size() || hours > 14 || minutes > 59 || (hours == 14 && minutes > 0)) {
    return bad();
  }
  return ConsoleTimeZone{sign * (hours * 60 + minutes)};
}

std::string ConsoleTimeZone::name() const {
  if (offset_minutes == 0) return "UTC";
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                magnitude / 60 % 100, magnitude % 60);
  return buffer.data();
}

core::Result<core::EpochMs> resolveTimePoint(const TimePoint& point, core::EpochMs now, TimeEnd end,
                                             const ConsoleTimeZone& zone) {
  switch (point.kind) {
    case TimePoint::Kind::kEpochMs:
      return point.epoch_ms;
    case TimePoint::Kind::kParseDateTime:
      return parseRelativeTime(point.text, now);
    case TimePoint::Kind::kText: {
      auto parsed = parseAqlTimeText(point.text);
      if (!parsed.ok()) return parsed.error();
      return textTimeInstant(parsed.value(), end, zone);
    }
  }
  return core::makeError(core::ErrorCode::kInternal, "unknown time point kind");
}

core::Result<TimeRange> resolveTimeRange(const TimeClause& clause, core::EpochMs now,
                                         const ConsoleTimeZone& zone) {
  switch (clause.kind) {
    case TimeClause::Kind::kNone:
      return TimeRange{now - kDefaultWindowMs, now};
    case TimeClause::Kind::kLast:
      return TimeRange{now - clause.amount * unitMs(clause.unit), now};
    case TimeClause::Kind::kStartStop: {
      auto start = resolveTimePoint(clause.start, now, TimeEnd::kStart, zone);
      if (!start.ok()) return start.error();
      if (!clause.has_stop) return TimeRange{start.value(), now};
      auto stop = resolveTimePoint(clause.stop, now, TimeEnd::kStop, zone);
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
  clause.start.text = formatMinute(floorToMinute(from)) + "Z";
  clause.stop.kind = TimePoint::Kind::kText;
  clause.stop.text = formatMinute(ceilToMinute(to)) + "Z";
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
