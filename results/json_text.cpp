#include "results/json_text.h"

#include <charconv>
#include <cstdint>

#include "core/char_class.h"

namespace aihunt::results {
namespace {

// find_first_of(".eE") would call memchr once per byte of the number: a plain loop is cheaper.
bool hasAnyOf(std::string_view text, char a, char b, char c = '\0') {
  for (const char ch : text) {
    if (ch == a || ch == b || (c != '\0' && ch == c)) return true;
  }
  return false;
}

}  // namespace

std::size_t jsonNumberLength(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < text.size() && core::isAsciiDigit(text[i])) ++i;
    return i > from;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return 0;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return 0;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return 0;
  }
  return i;
}

bool isJsonNumber(std::string_view text) {
  return !text.empty() && jsonNumberLength(text) == text.size();
}

bool jsonNumberValue(std::string_view text, aql::Value& out) {
  // The common case first: an integer of at most 18 digits (times, ports, ids, byte counts)
  // cannot overflow an int64, and the scanner has checked the JSON grammar already.
  const bool negative = !text.empty() && text.front() == '-';
  if (const std::size_t digits = text.size() - (negative ? 1 : 0); digits > 0 && digits <= 18) {
    std::int64_t value = 0;
    bool plain = true;
    for (std::size_t i = negative ? 1 : 0; i < text.size() && plain; ++i) {
      plain = core::isAsciiDigit(text[i]);
      value = value * 10 + (text[i] - '0');
    }
    if (plain) {
      out = aql::Value::integer(negative ? -value : value);
      return true;
    }
  }
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!hasAnyOf(text, 'e', 'E', '.')) {
    std::int64_t i = 0;
    if (auto [end, error] = std::from_chars(first, last, i); error == std::errc() && end == last) {
      out = aql::Value::integer(i);
      return true;
    }
    std::uint64_t u = 0;
    if (auto [end, error] = std::from_chars(first, last, u); error == std::errc() && end == last) {
      out = aql::Value::real(static_cast<double>(u));
      return true;
    }
  }
  double d = 0;
  if (auto [end, error] = std::from_chars(first, last, d); error == std::errc() && end == last) {
    out = aql::Value::real(d);
    return true;
  }
  return false;
}

bool jsonNumberMayOverflow(std::string_view text) {
  return text.size() > 300 || hasAnyOf(text, 'e', 'E');
}

char jsonSimpleEscape(char escape) {
  switch (escape) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

}  // namespace aihunt::results
