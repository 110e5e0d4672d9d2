#include "config/yaml_text.h"

#include <cstdint>
#include <utility>

#include "core/text.h"

namespace aihunt::config {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kNone = 0xFFFFFFFF;  // a byte (or code unit) that holds no character

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Whether libyaml reads `code` as an ordinary character: tab, line feed and carriage return of
// the controls, no C1 control (NEL among them), no line or paragraph separator, no noncharacter
// U+FFFE or U+FFFF, no surrogate.
bool accepted(char32_t code) {
  if (code < 0x20) return code == '\t' || code == '\n' || code == '\r';
  if (code == 0x7F || (code >= 0x80 && code <= 0x9F)) return false;
  if (code == 0x2028 || code == 0x2029 || code == 0xFFFE || code == 0xFFFF) return false;
  if (code >= 0xD800 && code <= 0xDFFF) return false;
  return code <= 0x10FFFF;
}

// The character at `at` of UTF-8 text and its length in bytes; kNone for a byte that starts no
// well-formed sequence (it is then one character of its own).
std::pair<char32_t, std::size_t> decodeUtf8(std::string_view text, std::size_t at) {
  const core::Utf8Char character = core::decodeUtf8At(text, at);
  if (character.length == 0) return {kNone, 1};
  return {character.code, character.length};
}

// The character at `at` of UTF-16 text (little or big endian) and its length in bytes; kNone
// for an unpaired surrogate or a lone last byte.
std::pair<char32_t, std::size_t> decodeUtf16(std::string_view text, std::size_t at, bool little) {
  if (at + 1 >= text.size()) return {kNone, text.size() - at};
  const auto unit = [&](std::size_t offset) {
    const auto a = static_cast<char32_t>(static_cast<unsigned char>(text[at + offset]));
    const auto b = static_cast<char32_t>(static_cast<unsigned char>(text[at + offset + 1]));
    return little ? (b << 8U) | a : (a << 8U) | b;
  };
  const char32_t first = unit(0);
  if (first < 0xD800 || first > 0xDFFF) return {first, 2};
  if (first <= 0xDBFF && at + 3 < text.size()) {
    const char32_t second = unit(2);
    if (second >= 0xDC00 && second <= 0xDFFF) {
      return {0x10000 + ((first - 0xD800) << 10U) + (second - 0xDC00), 4};
    }
  }
  return {kNone, 2};
}

void appendUtf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6U));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12U));
    out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18U));
    out += static_cast<char>(0x80 | ((code >> 12U) & 0x3FU));
    out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  }
}

}  // namespace

PreparedYaml prepareYamlText(std::string_view text, std::size_t max_directives) {
  PreparedYaml prepared;
  prepared.text.reserve(text.size());
  enum class Encoding { kUtf8, kUtf16Little, kUtf16Big } encoding = Encoding::kUtf8;
  std::size_t at = 0;
  if (startsWith(text, "\xEF\xBB\xBF")) {
    at = 3;  // libyaml's marks do not count a byte order mark: ours go without it
  } else if (startsWith(text, "\xFF\xFE")) {
    encoding = Encoding::kUtf16Little;
    at = 2;
  } else if (startsWith(text, "\xFE\xFF")) {
    encoding = Encoding::kUtf16Big;
    at = 2;
  }
  // Where libyaml's marks stand: characters from the start ("\r\n" counts two), and line and
  // column ("\r\n", "\r" or "\n" end a line).
  std::size_t index = 0;
  YamlMark mark{1, 1};
  // Directives come before a document's content; a line "..." ends a document.
  bool before_content = true;
  std::size_t directives = 0;
  bool line_start = true;
  bool after_cr = false;
  std::string line_text;  // the current line's first bytes, to spot "---" and "..."
  while (at < text.size()) {
    const auto [decoded, length] = encoding == Encoding::kUtf8
                                       ? decodeUtf8(text, at)
                                       : decodeUtf16(text, at, encoding == Encoding::kUtf16Little);
    at += length;
    const bool ok = decoded != kNone && accepted(decoded);
    const char32_t code = ok ? decoded : kReplacement;
    if (!ok) prepared.replaced.push_back({index, mark});
    if (line_start && code == '%' && before_content && ++directives > max_directives &&
        prepared.excess_directive_line == 0) {
      prepared.excess_directive_line = mark.line;
    }
    appendUtf8(prepared.text, code);
    ++index;
    const bool is_break = code == '\n' || code == '\r';
    if (is_break) {
      // A line with something other than a directive, a comment, a marker or blanks is content.
      const std::string_view line = line_text;
      const std::size_t first = line.find_first_not_of(" \t");
      if (first != std::string_view::npos && line[first] != '#' && line[0] != '%' &&
          !startsWith(line, "---")) {
        before_content = startsWith(line, "...");  // "..." ends a document: directives again
      }
      line_text.clear();
      if (code == '\n' && after_cr) {
        after_cr = false;  // the "\n" of "\r\n": the line ended at the "\r"
      } else {
        ++mark.line;
        mark.column = 1;
      }
      after_cr = code == '\r';
      line_start = true;
      continue;
    }
    after_cr = false;
    line_start = false;
    if (line_text.size() < 8) appendUtf8(line_text, code);
    ++mark.column;
  }
  return prepared;
}

}  // namespace aihunt::config
