#pragma once
// ASCII character classes shared by the scanners and parsers (one definition each, so that two
// files cannot disagree on what a digit or a name is). Locale-free, unlike <cctype>.

#include <cstddef>
#include <string_view>

namespace aihunt::core {

constexpr bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool isAsciiAlnum(char c) { return isAsciiAlpha(c) || isAsciiDigit(c); }
// A character of an identifier or word: letters, digits and '_'.
constexpr bool isWordChar(char c) { return isAsciiAlnum(c) || c == '_'; }
// A quote escaped with a backslash at `at` (\" or \'), as Windows command lines and JSON write a
// quote inside a quoted argument: it closes a value as a plain quote does.
constexpr bool isEscapedQuoteAt(std::string_view text, std::size_t at) {
  return at + 1 < text.size() && text[at] == '\\' && (text[at + 1] == '"' || text[at + 1] == '\'');
}
// The first character of an identifier: a letter or '_'.
constexpr bool isNameStart(char c) { return isAsciiAlpha(c) || c == '_'; }

}  // namespace aihunt::core
