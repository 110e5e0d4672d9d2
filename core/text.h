#pragma once
// ASCII text helpers. Host names, process names and keywords are compared ASCII
// case-insensitively: locale-aware lowering would make results depend on the machine.
#include <cstdint>
#include <string>
#include <string_view>

namespace aihunt::core {

constexpr char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string asciiLowered(std::string_view text);
void asciiLowerInPlace(std::string& text);
bool iequals(std::string_view a, std::string_view b);
bool istartsWith(std::string_view text, std::string_view prefix);
bool iendsWith(std::string_view text, std::string_view suffix);
// Case-insensitive substring search; `needle` must already be lower case.
bool icontainsLower(std::string_view haystack, std::string_view lower_needle);
// Position of the first case-insensitive match of `lower_needle` at or after `from`, or npos.
std::size_t ifindLower(std::string_view haystack, std::string_view lower_needle,
                       std::size_t from = 0);
std::string_view trim(std::string_view text);

// Shell-style glob with '*' and '?', ASCII case-insensitive. Linear time (no backtracking blowup).
bool globMatch(std::string_view pattern, std::string_view text);

// Valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view text);

// One UTF-8 character at `at`: its code point and length in bytes, or length 0 when the bytes
// there are not valid UTF-8 (by the rules of isValidUtf8).
struct Utf8Char {
  char32_t code = 0;
  std::size_t length = 0;
};
Utf8Char decodeUtf8At(std::string_view text, std::size_t at);

// Makes control and invisible characters inert (core/display_text.h, tab included) and cuts to at
// most `max_bytes` (on a UTF-8 boundary), for echoing untrusted values inside error messages.
std::string printableExcerpt(std::string_view text, std::size_t max_bytes = 80);

// "1 row", "2 rows", "0 rows": a count with its noun, for messages people read. `plural` defaults
// to the singular with an "s".
std::string counted(std::uint64_t count, std::string_view singular, std::string_view plural = {});

}  // namespace aihunt::core
