#include "emulator/leef_parser.h"

#include "core/text.h"

namespace aihunt::emulator {
namespace {

core::Error leefError(std::string why) {
  return core::makeError(core::ErrorCode::kParse, "LEEF: " + std::move(why));
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "^" -> '^'; "x09" / "0x09" / "X09" -> '\t'; "" -> '\t'.
core::Result<char> parseDelimiter(std::string_view field) {
  if (field.empty()) return '\t';
  if (field.size() == 1) return field[0];
  std::string_view hex = field;
  if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
    hex.remove_prefix(2);
  } else if (hex[0] == 'x' || hex[0] == 'X') {
    hex.remove_prefix(1);
  } else {
    return leefError("delimiter must be one character or hex like x09");
  }
  if (hex.empty() || hex.size() > 2) return leefError("delimiter hex must be 1 or 2 digits");
  int value = 0;
  for (const char c : hex) {
    const int digit = hexDigit(c);
    if (digit < 0) return leefError("delimiter hex is not hexadecimal");
    value = value * 16 + digit;
  }
  if (value == 0 || value == '=' || value == '\n' || value == '\r') {
    return leefError("delimiter cannot be NUL, '=', CR or LF");
  }
  return static_cast<char>(value);
}

}  // namespace

core::Result<LeefEvent> parseLeef(std::string_view message) {
  if (!core::istartsWith(message, "LEEF:")) return leefError("does not start with LEEF:");
  std::string_view rest = message.substr(5);
  // Header fields: version, vendor, product, product version, event id.
  std::string_view fields[5];
  for (std::string_view& field : fields) {
    const std::size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return leefError("header has fewer than 6 fields");
    field = rest.substr(0, bar);
    rest = rest.substr(bar + 1);
  }
  LeefEvent event;
  event.version = std::string(core::trim(fields[0]));
  if (event.version != "1.0" && event.version != "2.0" && event.version != "1" &&
      event.version != "2") {
    return leefError("unsupported version '" + core::printableExcerpt(event.version, 16) + "'");
  }
  if (event.version.size() == 1) event.version += ".0";
  event.vendor = std::string(fields[1]);
  event.product = std::string(fields[2]);
  event.product_version = std::string(fields[3]);
  event.event_id = std::string(fields[4]);
  if (event.event_id.empty()) return leefError("empty EventID");
  if (event.event_id.size() > kMaxLeefEventIdBytes) return leefError("EventID over 255 bytes");
  if (event.version == "2.0") {
    const std::size_t bar = rest.find('|');
    // A LEEF 2.0 header without the delimiter field has no further '|' before the attributes
    // in most producers; treat "no bar" as tab-delimited attributes.
    if (bar <= 4) {  // npos is larger
      auto delimiter = parseDelimiter(rest.substr(0, bar));
      if (!delimiter.ok()) return delimiter.error();
      event.delimiter = *delimiter;
      rest = rest.substr(bar + 1);
    }
  }
  while (!rest.empty()) {
    const std::size_t end = rest.find(event.delimiter);
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    // Trailing CR/LF from the transport never belongs to a value.
    while (!pair.empty() && (pair.back() == '\r' || pair.back() == '\n')) pair.remove_suffix(1);
    if (core::trim(pair).empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;  // not key=value: ignored, as QRadar
    if (event.attributes.size() >= kMaxLeefAttributes) return leefError("too many attributes");
    event.attributes.emplace_back(std::string(core::trim(pair.substr(0, eq))),
                                  std::string(pair.substr(eq + 1)));
  }
  return event;
}

}  // namespace aihunt::emulator
