#include "aql/date_format.h"

#include <array>
#include <cstdio>

namespace aihunt::aql {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                   "Friday", "Saturday", "Sunday"};

struct Civil {
  std::int64_t year;
  unsigned month;  // 1-12
  unsigned day;
  unsigned day_of_year;  // 1-366
  unsigned weekday;      // 0 = Monday
  std::int64_t ms_of_day;
  // Java's week fields as in the US locale (weeks start on Sunday; week 1 is the one holding
  // 1 January): IBM's own example, week 26 for 20 June 2016, is the US count (ISO's is 25).
  std::int64_t week_year;
  unsigned week_of_year;   // w
  unsigned week_of_month;  // W
};

// 0 = Sunday; 1970-01-01 (day 0) was a Thursday.
unsigned sundayWeekday(std::int64_t days) {
  return static_cast<unsigned>(((days % 7) + 7 + 4) % 7);
}

Civil toCivil(core::EpochMs ms) {
  std::int64_t days = ms / kMsPerDay;
  std::int64_t rest = ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  Civil c{};
  c.ms_of_day = rest;
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  c.weekday = static_cast<unsigned>(((days % 7) + 7 + 3) % 7);
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
  c.day_of_year = static_cast<unsigned>(days - core::daysFromCivil(c.year, 1, 1)) + 1;
  const std::int64_t week_start = days - sundayWeekday(days);
  if (week_start + 6 >= core::daysFromCivil(c.year + 1, 1, 1)) {
    c.week_year = c.year + 1;  // the week that holds next 1 January is its year's first
    c.week_of_year = 1;
  } else {
    const std::int64_t new_year = core::daysFromCivil(c.year, 1, 1);
    c.week_year = c.year;
    c.week_of_year =
        static_cast<unsigned>((week_start - (new_year - sundayWeekday(new_year))) / 7) + 1;
  }
  c.week_of_month = (c.day - 1 + sundayWeekday(days - (c.day - 1))) / 7 + 1;
  return c;
}

void appendNumber(std::int64_t value, std::size_t width, std::string& out) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%0*lld", static_cast<int>(width),
                              static_cast<long long>(value));
  if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
}

void appendField(char letter, std::size_t count, const Civil& c, std::string& out) {
  const std::int64_t hour = c.ms_of_day / 3'600'000;
  switch (letter) {
    case 'y':
    case 'Y': {
      const std::int64_t year = letter == 'Y' ? c.week_year : c.year;
      if (count == 2) {
        appendNumber(((year % 100) + 100) % 100, 2, out);
      } else {
        appendNumber(year, count, out);
      }
      return;
    }
    case 'w':
      appendNumber(c.week_of_year, count, out);
      return;
    case 'W':
      appendNumber(c.week_of_month, count, out);
      return;
    case 'F':
      appendNumber((c.day - 1) / 7 + 1, count, out);
      return;
    case 'G':
      out += c.year > 0 ? "AD" : "BC";
      return;
    case 'M':
    case 'L':
      if (count >= 4) {
        out += kMonths[c.month - 1];
      } else if (count == 3) {
        out += kMonths[c.month - 1].substr(0, 3);
      } else {
        appendNumber(c.month, count, out);
      }
      return;
    case 'd':
      appendNumber(c.day, count, out);
      return;
    case 'D':
      appendNumber(c.day_of_year, count, out);
      return;
    case 'H':
      appendNumber(hour, count, out);
      return;
    case 'k':
      appendNumber(hour == 0 ? 24 : hour, count, out);
      return;
    case 'K':
      appendNumber(hour % 12, count, out);
      return;
    case 'h':
      appendNumber(hour % 12 == 0 ? 12 : hour % 12, count, out);
      return;
    case 'm':
      appendNumber(c.ms_of_day / 60'000 % 60, count, out);
      return;
    case 's':
      appendNumber(c.ms_of_day / 1000 % 60, count, out);
      return;
    case 'S':
      appendNumber(c.ms_of_day % 1000, count, out);
      return;
    case 'E':
      out += count >= 4 ? kDays[c.weekday] : kDays[c.weekday].substr(0, 3);
      return;
    case 'u':
      appendNumber(c.weekday + 1, count, out);
      return;
    case 'a':
      out += hour < 12 ? "AM" : "PM";
      return;
    case 'Z':
      out += "+0000";
      return;
    case 'X':
      out += "Z";
      return;
    case 'z':
      out += count >= 4 ? "Coordinated Universal Time" : "UTC";
      return;
    default:
      out.append(count, letter);
      return;
  }
}

}  // namespace

void formatJavaDate(core::EpochMs ms, std::string_view pattern, std::string& out) {
  out.clear();
  const Civil civil = toCivil(ms);
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is a quote
        out += '\'';
        i += 2;
        continue;
      }
      // Quoted text runs to the next lone quote; '' inside it is a quote too.
      ++i;
      while (i < pattern.size()) {
        if (pattern[i] == '\'') {
          if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
            out += '\'';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        out += pattern[i++];
      }
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      std::size_t count = 1;
      while (i + count < pattern.size() && pattern[i + count] == c) ++count;
      appendField(c, std::min<std::size_t>(count, 20), civil, out);
      i += count;
      continue;
    }
    out += c;
    ++i;
  }
}

}  // namespace aihunt::aql
