#include "core/text.h"

#include <cstdint>

#include "core/display_text.h"

namespace aihunt::core {

std::string asciiLowered(std::string_view text) {
  std::string out(text);
  asciiLowerInPlace(out);
  return out;
}

void asciiLowerInPlace(std::string& text) {
  for (char& c : text) c = asciiLower(c);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}

bool istartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iendsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::size_t ifindLower(std::string_view haystack, std::string_view lower_needle, std::size_t from) {
  if (lower_needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
  if (haystack.size() < lower_needle.size()) return std::string_view::npos;
  const char first = lower_needle.front();
  const std::size_t last_start = haystack.size() - lower_needle.size();
  for (std::size_t i = from; i <= last_start; ++i) {
    if (asciiLower(haystack[i]) != first) continue;
    std::size_t j = 1;
    while (j < lower_needle.size() && asciiLower(haystack[i + j]) == lower_needle[j]) ++j;
    if (j == lower_needle.size()) return i;
  }
  return std::string_view::npos;
}

bool icontainsLower(std::string_view haystack, std::string_view lower_needle) {
  return ifindLower(haystack, lower_needle) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  // Classic two-pointer matcher: remembers the last '*' and retries from there.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, retry = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || asciiLower(pattern[p]) == asciiLower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      retry = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++retry;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Utf8Char decodeUtf8At(std::string_view text, std::size_t at) {
  const auto c = static_cast<std::uint8_t>(text[at]);
  if (c < 0x80) return {c, 1};
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    code = c & 0x07;
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<std::uint8_t>(text[at + k]);
    if ((cc & 0xC0) != 0x80) return {};
    code = (code << 6) | (cc & 0x3F);
  }
  const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                        (length == 4 && code < 0x10000);
  if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
  return {static_cast<char32_t>(code), length};
}

bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<std::uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = decodeUtf8At(text, i).length;
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string printableExcerpt(std::string_view text, std::size_t max_bytes) {
  std::size_t cut = text.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    // Do not split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<std::uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = displayText(text.substr(0, cut), DisplayOptions{.keep_tab = false});
  if (cut < text.size()) out += "...";
  return out;
}

std::string counted(std::uint64_t count, std::string_view singular, std::string_view plural) {
  std::string text = std::to_string(count);
  text += ' ';
  if (count == 1) {
    text += singular;
  } else if (plural.empty()) {
    text += singular;
    text += 's';
  } else {
    text += plural;
  }
  return text;
}

}  // namespace aihunt::core
