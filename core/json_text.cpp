#include "core/json_text.h"

#include <cstdint>

#include "core/display_text.h"
#include "core/swar.h"
#include "core/text.h"

namespace aihunt::core {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Whether any of 8 bytes is a control character, '"', '\\' or DEL: the bytes a JSON string
// cannot carry as they are. Eight bytes per step, because most values need no escaping at all.
bool blockNeedsEscape(const char* bytes) {
  const std::uint64_t word = swar::load(bytes);
  return (swar::bytesBelow(word, 0x20) | swar::bytesEqual(word, '"') |
          swar::bytesEqual(word, '\\') | swar::bytesEqual(word, 0x7F)) != 0;
}

bool byteNeedsEscape(unsigned char byte) {
  return byte < 0x20 || byte == '"' || byte == '\\' || byte == 0x7F;
}

void appendUnicodeEscape(std::string& out, std::uint32_t unit) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
}

void appendEscapedByte(std::string& out, unsigned char byte) {
  switch (byte) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      appendUnicodeEscape(out, byte);
  }
}

// A code point above U+FFFF is written as a UTF-16 surrogate pair, as JSON requires.
void appendCodePointEscape(std::string& out, char32_t code) {
  if (code <= 0xFFFF) {
    appendUnicodeEscape(out, code);
    return;
  }
  const std::uint32_t offset = code - 0x10000;
  appendUnicodeEscape(out, 0xD800 + (offset >> 10));
  appendUnicodeEscape(out, 0xDC00 + (offset & 0x3FF));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t clean = 0;
  while (clean + 8 <= text.size() && !blockNeedsEscape(text.data() + clean)) clean += 8;
  if (clean == text.size()) {
    out.append(text);
    out.push_back('"');
    return;
  }
  std::size_t run_start = 0;
  for (std::size_t i = clean; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (!byteNeedsEscape(byte)) continue;
    out.append(text.substr(run_start, i - run_start));
    run_start = i + 1;
    appendEscapedByte(out, byte);
  }
  out.append(text.substr(run_start));
  out.push_back('"');
}

void appendJsonStringEscapingHidden(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byteNeedsEscape(byte)) {
        appendEscapedByte(out, byte);
      } else {
        out.push_back(text[i]);
      }
      ++i;
      continue;
    }
    const Utf8Char decoded = decodeUtf8At(text, i);
    if (decoded.length == 0) {
      appendUnicodeEscape(out, 0xFFFD);
      ++i;
      continue;
    }
    if (isHiddenOrControl(decoded.code)) {
      appendCodePointEscape(out, decoded.code);
    } else {
      out.append(text.substr(i, decoded.length));
    }
    i += decoded.length;
  }
  out.push_back('"');
}

}  // namespace aihunt::core
