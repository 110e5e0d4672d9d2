#include "core/time.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <limits>

namespace aihunt::core {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerDay = 86'400'000;

// Reads exactly `width` digits at `pos`; fails on anything else.
bool readDigits(std::string_view text, std::size_t& pos, int width, int& out) {
  if (pos + static_cast<std::size_t>(width) > text.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(width);
  out = value;
  return true;
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeapYear(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

Error badTimestamp(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 64));
  return makeError(ErrorCode::kParse,
                   "'" + shown + "' is not a timestamp (" + std::string(why) + ")");
}

}  // namespace

std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

Result<EpochMs> parseTimestamp(std::string_view text) {
  if (text.empty()) return badTimestamp(text, "empty");
  const bool all_digits = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits) {  // Ariel's unit: epoch milliseconds
    EpochMs ms = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return badTimestamp(text, "epoch milliseconds out of range");
    }
    return ms;
  }
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!readDigits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !readDigits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !readDigits(text, pos, 2, day)) {
    return badTimestamp(text, "expected yyyy-MM-dd");
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return badTimestamp(text, "no such date");
  }
  std::int64_t offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') {
      return badTimestamp(text, "expected 'T' or ' ' after the date");
    }
    ++pos;
    if (!readDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !readDigits(text, pos, 2, minute)) {
      return badTimestamp(text, "expected HH:mm");
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!readDigits(text, pos, 2, second)) return badTimestamp(text, "expected seconds");
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int digits = 0;
        int fraction = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) fraction = fraction * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return badTimestamp(text, "empty fraction of a second");
        for (int i = digits; i < 3; ++i) fraction *= 10;
        millis = fraction;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return badTimestamp(text, "no such time");
    if (pos < text.size()) {
      const char zone = text[pos];
      if ((zone == 'Z' || zone == 'z') && pos + 1 == text.size()) {
        pos = text.size();
      } else if (zone == '+' || zone == '-') {
        ++pos;
        int zone_hours = 0, zone_minutes = 0;
        if (!readDigits(text, pos, 2, zone_hours)) return badTimestamp(text, "bad UTC offset");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (!readDigits(text, pos, 2, zone_minutes) || pos != text.size() || zone_hours > 23 ||
            zone_minutes > 59) {
          return badTimestamp(text, "bad UTC offset");
        }
        offset_minutes = (zone == '+' ? 1 : -1) * (zone_hours * 60 + zone_minutes);
      } else {
        return badTimestamp(text, "unexpected text after the time");
      }
    }
  }
  const std::int64_t days =
      daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMsPerDay + ((hour * 60LL + minute - offset_minutes) * 60 + second) * kMsPerSecond +
         millis;
}

std::string formatIso8601(EpochMs ms) {
  std::string out;
  formatIso8601Into(out, ms);
  return out;
}

void formatIso8601Into(std::string& out, EpochMs ms) {
  std::int64_t days = ms / kMsPerDay;
  std::int64_t rest = ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  // civil_from_days (H. Hinnant)
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);

  // Hand-formatted: snprintf showed up in profiles of the findings path.
  out.assign("0000-00-00T00:00:00.000Z");
  const auto put = [&out](std::size_t at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  if (year < 0 || year > 9999) {
    std::array<char, 48> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%lld-%02u-%02uT", static_cast<long long>(year),
                  month, day);
    out = std::string(buffer.data()) + out.substr(11);
  } else {
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
  }
  const std::size_t t = out.size() - 13;  // "HH:mm:ss.SSSZ"
  put(t, rest / 3'600'000, 2);
  put(t + 3, rest / 60'000 % 60, 2);
  put(t + 6, rest / 1000 % 60, 2);
  put(t + 9, rest % 1000, 3);
}

std::string formatDuration(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count();
  if (ms % 1000 != 0 || ms == 0) return std::to_string(ms) + "ms";
  std::int64_t seconds = ms / 1000;
  std::string text;
  for (const auto& [unit, size] : {std::pair<const char*, std::int64_t>{"h", 3600}, {"m", 60}}) {
    if (seconds >= size) {
      text += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  if (seconds != 0) text += std::to_string(seconds) + "s";
  return text;
}

Result<std::chrono::milliseconds> parseDuration(std::string_view text) {
  if (text.empty()) return makeError(ErrorCode::kParse, "empty duration");
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t amount = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), amount);
    if (ec != std::errc() || amount < 0) {
      return makeError(ErrorCode::kParse, "'" + std::string(text.substr(0, 64)) +
                                              "' is not a duration (examples: 90s, 15m, 24h, 7d)");
    }
    pos = static_cast<std::size_t>(end - text.data());
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      return makeError(ErrorCode::kParse, "'" + std::string(text.substr(0, 64)) +
                                              "': whole numbers only; combine units instead "
                                              "(1h30m, 90m, 1500ms)");
    }
    std::size_t unit_end = pos;
    while (unit_end < text.size() && ((text[unit_end] >= 'a' && text[unit_end] <= 'z'))) ++unit_end;
    const std::string_view unit = text.substr(pos, unit_end - pos);
    std::int64_t scale = 0;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m" || unit == "min")
      scale = 60'000;
    else if (unit == "h")
      scale = 3'600'000;
    else if (unit == "d")
      scale = 86'400'000;
    else if (unit == "w")
      scale = 7 * 86'400'000LL;
    else {
      // "10 s", "2 minutes": a space or a spelt-out unit, said as such (a trial read "has no
      // unit" of a value that had one).
      const bool spaced = unit.empty() && pos < text.size() && text[pos] == ' ';
      return makeError(ErrorCode::kParse,
                       "'" + std::string(text.substr(0, 64)) + "' " +
                           (spaced ? "has a space before its unit: write the number and the unit "
                                     "together (10s, 2m, 1h)"
                                   : "has no unit or an unknown one") +
                           " (units: ms, s, m, h, d or w)");
    }
    // Every duration is added to a time somewhere (a due time, a deadline, an expiry): a
    // century is more than any of them means, and keeps those sums far from overflowing.
    constexpr std::int64_t kLongest = 36'500LL * 86'400'000;
    if (amount > (kLongest - total) / scale) {
      return makeError(ErrorCode::kParse, "duration '" + std::string(text.substr(0, 64)) +
                                              "' is longer than 36500d (100 years)");
    }
    total += amount * scale;
    pos = unit_end;
  }
  return std::chrono::milliseconds(total);
}

EpochMs toEpochMs(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::chrono::system_clock::time_point fromEpochMs(EpochMs ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace aihunt::core
