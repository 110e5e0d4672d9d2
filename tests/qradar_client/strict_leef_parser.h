#pragma once
// A deliberately strict reader of what aihunt sends to QRadar, written from IBM's LEEF grammar
// (https://www.ibm.com/docs/en/dsm?topic=overview-leef-event-components and the predefined
// attributes and best-practices pages): an RFC 5424 header (`<PRI>1 yyyy-MM-ddTHH:mm:ss.SSSZ
// HOST APP PROCID MSGID SD `), then `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|` and
// `key=value` pairs split on the delimiter, each key read up to its pair's first '='. It refuses
// anything a lenient parser would guess at: empty pairs, a pair without '=', keys that are not
// [A-Za-z][A-Za-z0-9]*, repeated keys, any '|' or control character after the header, invalid
// UTF-8, CR/LF/NUL anywhere, a line over 8 KiB, a devTime that is neither a 10 or 13 digit epoch
// value nor comes with devTimeFormat.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace aihunt::testing::leef {

struct ParsedLeef {
  int pri = -1;
  std::string timestamp;
  std::string hostname;
  std::string app;
  std::string vendor;
  std::string product;
  std::string version;
  std::string event_id;
  char delimiter = 0;
  std::vector<std::pair<std::string, std::string>> attributes;

  [[nodiscard]] std::optional<std::string> get(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
};

struct ParseOutcome {
  std::optional<ParsedLeef> event;
  std::string error;
};

namespace detail {

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

inline bool isPrintUsAscii(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

// yyyy-MM-ddTHH:mm:ss.SSSZ exactly.
inline bool isTimestamp(std::string_view t) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (t.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (kShape[i] == 'd' ? !isDigit(t[i]) : t[i] != kShape[i]) return false;
  }
  return true;
}

inline bool isKey(std::string_view key) {
  if (key.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(key[0])) return false;
  for (const char c : key) {
    if (!alpha(c) && !isDigit(c)) return false;
  }
  return true;
}

// No C0, DEL, C1 (U+0080-U+009F as UTF-8 C2 80..C2 9F), U+2028/U+2029, '|' or the delimiter.
inline std::optional<std::string> badValue(std::string_view value, char delimiter) {
  if (!core::isValidUtf8(value)) return "invalid UTF-8";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7F) return "control character";
    if (value[i] == delimiter) return "delimiter inside a value";
    if (value[i] == '|') return "'|' inside a value";
    if (c == 0xC2 && i + 1 < value.size()) {
      const auto next = static_cast<unsigned char>(value[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return "C1 control character";
    }
    if (c == 0xE2 && i + 2 < value.size() && static_cast<unsigned char>(value[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(value[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(value[i + 2]) == 0xA9)) {
      return "line or paragraph separator";
    }
  }
  return std::nullopt;
}

inline std::string_view token(std::string_view& rest) {
  const std::size_t space = rest.find(' ');
  std::string_view out = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return out;
}

}  // namespace detail

inline ParseOutcome parseStrict(std::string_view line) {
  ParseOutcome outcome;
  const auto fail = [&](std::string why) {
    outcome.error = std::move(why);
    outcome.event.reset();
    return outcome;
  };
  if (line.size() > 8192) return fail("line over 8 KiB");
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return fail("CR, LF or NUL in the line");
  }
  ParsedLeef event;
  // RFC 5424 header.
  if (line.empty() || line[0] != '<') return fail("no <PRI>");
  const std::size_t close = line.find('>');
  if (close == std::string_view::npos || close < 2 || close > 4) return fail("bad <PRI>");
  event.pri = 0;
  for (std::size_t i = 1; i < close; ++i) {
    if (!detail::isDigit(line[i])) return fail("PRI not digits");
    event.pri = event.pri * 10 + (line[i] - '0');
  }
  if (event.pri > 191) return fail("PRI over 191");
  std::string_view rest = line.substr(close + 1);
  if (detail::token(rest) != "1") return fail("not syslog version 1");
  event.timestamp = std::string(detail::token(rest));
  if (!detail::isTimestamp(event.timestamp))
    return fail("timestamp is not yyyy-MM-ddTHH:mm:ss.SSSZ");
  const std::string_view host = detail::token(rest);
  if (!detail::isPrintUsAscii(host) || host.size() > 255) return fail("bad HOSTNAME");
  event.hostname = std::string(host);
  event.app = std::string(detail::token(rest));
  if (!detail::isPrintUsAscii(event.app)) return fail("bad APP-NAME");
  if (!detail::isPrintUsAscii(detail::token(rest))) return fail("bad PROCID");
  if (!detail::isPrintUsAscii(detail::token(rest))) return fail("bad MSGID");
  if (detail::token(rest) != "-") return fail("structured data is not '-'");
  // LEEF header.
  constexpr std::string_view kPrefix = "LEEF:2.0|";
  if (rest.substr(0, kPrefix.size()) != kPrefix) return fail("MSG does not start with LEEF:2.0|");
  rest.remove_prefix(kPrefix.size());
  std::string* fields[] = {&event.vendor, &event.product, &event.version, &event.event_id};
  for (std::string* field : fields) {
    const std::size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return fail("LEEF header cut short");
    *field = std::string(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
    if (field->empty() || !detail::isPrintUsAscii(*field)) return fail("bad LEEF header field");
  }
  if (event.event_id.size() > 255) return fail("EventID over 255 characters");
  const std::size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return fail("no delimiter field");
  const std::string_view delimiter = rest.substr(0, bar);
  rest.remove_prefix(bar + 1);
  if (delimiter.size() == 1) {
    event.delimiter = delimiter[0];
  } else if (delimiter == "x5E" || delimiter == "0x5E" || delimiter == "x5e" ||
             delimiter == "0x5e") {
    event.delimiter = '^';
  } else {
    return fail("unsupported delimiter field");
  }
  if (event.delimiter == '=' || event.delimiter == '|') return fail("unusable delimiter");
  // Attributes.
  if (rest.empty()) return fail("no attributes");
  while (true) {
    const std::size_t end = rest.find(event.delimiter);
    const std::string_view pair = rest.substr(0, end);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return fail("pair without '='");
    const std::string key(pair.substr(0, eq));
    const std::string value(pair.substr(eq + 1));
    if (!detail::isKey(key)) return fail("bad key '" + core::printableExcerpt(key) + "'");
    if (value.empty()) return fail("empty value for " + key);
    if (auto bad = detail::badValue(value, event.delimiter)) return fail(*bad + " in " + key);
    if (event.get(key)) return fail("key repeated: " + key);
    event.attributes.emplace_back(key, value);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  // IBM (predefined attributes, devTime): an epoch devTime of 10 or 13 digits needs no
  // devTimeFormat; any other devTime must come with one.
  if (const auto dev_time = event.get("devTime"); dev_time && !event.get("devTimeFormat")) {
    const bool digits = std::all_of(dev_time->begin(), dev_time->end(), detail::isDigit);
    if (!digits || (dev_time->size() != 10 && dev_time->size() != 13)) {
      return fail("devTime is not a 10 or 13 digit epoch value and has no devTimeFormat");
    }
  }
  outcome.event = std::move(event);
  return outcome;
}

}  // namespace aihunt::testing::leef
