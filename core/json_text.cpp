#include "core/json_text.h"

#include <cstdint>

#include "core/swar.h"

namespace aihunt::core {

namespace {

// Whether any of 8 bytes is a control character, '"', '\\' or DEL: the bytes a JSON string
// cannot carry as they are. Eight bytes per step, because most values need no escaping at all.
bool blockNeedsEscape(const char* bytes) {
  const std::uint64_t word = swar::load(bytes);
  return (swar::bytesBelow(word, 0x20) | swar::bytesEqual(word, '"') |
          swar::bytesEqual(word, '\\') | swar::bytesEqual(word, 0x7F)) != 0;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
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
    if (byte >= 0x20 && byte != '"' && byte != '\\' && byte != 0x7F) continue;
    out.append(text.substr(run_start, i - run_start));
    run_start = i + 1;
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
        out += "\\u00";
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
    }
  }
  out.append(text.substr(run_start));
  out.push_back('"');
}

}  // namespace aihunt::core
