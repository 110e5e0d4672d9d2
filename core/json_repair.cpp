#include "core/json_repair.h"

#include <cstdint>

namespace aihunt::core {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
constexpr std::string_view kReplacementEscape = "\\ufffd";

// The length of the valid UTF-8 sequence at `at` (1 to 4), or 0 when the bytes there are not one
// (a stray continuation byte, an overlong form, an encoded surrogate, past U+10FFFF, cut short).
std::size_t validSequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[at + i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80;  // the second byte's range, narrowed where the lead demands it
  std::uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

std::optional<unsigned> hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const char c = text[at + i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

bool isHigh(unsigned unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool isLow(unsigned unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::optional<std::string> repairedJsonText(std::string_view json) {
  std::string out;
  bool changed = false;
  std::size_t at = 0;
  while (at < json.size()) {
    const char c = json[at];
    if (c == '\\' && at + 1 < json.size()) {
      if (json[at + 1] != 'u') {  // `\\`, `\"`, `\n`, ...: copied as they are
        out.append(json, at, 2);
        at += 2;
        continue;
      }
      const auto unit = hex4(json, at + 2);
      if (unit && isHigh(*unit)) {
        const bool paired = at + 12 <= json.size() && json[at + 6] == '\\' && json[at + 7] == 'u' &&
                            hex4(json, at + 8).has_value() && isLow(*hex4(json, at + 8));
        if (paired) {
          out.append(json, at, 12);
          at += 12;
          continue;
        }
      }
      if (unit && (isHigh(*unit) || isLow(*unit))) {
        out += kReplacementEscape;
        changed = true;
        at += 6;
        continue;
      }
      out.append(json, at, 2);  // another escape (or a malformed one, which stays an error)
      at += 2;
      continue;
    }
    const std::size_t length = validSequence(json, at);
    if (length == 0) {
      out += kReplacement;
      changed = true;
      ++at;
      continue;
    }
    out.append(json, at, length);
    at += length;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace aihunt::core
