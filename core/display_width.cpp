#include "core/display_width.h"

#include "core/text.h"

namespace aihunt::core {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one column

struct Range {
  char32_t first;
  char32_t last;
};

// East Asian Wide (W) and Fullwidth (F) blocks of Unicode's EastAsianWidth.txt, grouped into the
// blocks a terminal draws two columns wide, and the main emoji blocks.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// Combining marks that draw on the previous character.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
};

bool inRanges(char32_t code_point, const Range* begin, const Range* end) {
  for (const Range* range = begin; range != end; ++range) {
    if (code_point >= range->first && code_point <= range->last) return true;
  }
  return false;
}

}  // namespace

int codePointColumns(char32_t code_point) {
  if (code_point < 0x300) return 1;
  if (inRanges(code_point, std::begin(kZero), std::end(kZero))) return 0;
  if (inRanges(code_point, std::begin(kWide), std::end(kWide))) return 2;
  return 1;
}

std::size_t displayColumns(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    const Utf8Char c = decodeUtf8At(text, at);
    if (c.length == 0) {
      ++columns;
      ++at;
      continue;
    }
    columns += static_cast<std::size_t>(codePointColumns(c.code));
    at += c.length;
  }
  return columns;
}

std::string fitColumns(std::string_view text, std::size_t columns) {
  if (displayColumns(text) <= columns) return std::string(text);
  if (columns == 0) return {};
  // Room for the ellipsis: take whole characters while they fit in columns - 1.
  std::size_t used = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const Utf8Char c = decodeUtf8At(text, at);
    const std::size_t length = c.length == 0 ? 1 : c.length;
    const std::size_t width =
        c.length == 0 ? 1 : static_cast<std::size_t>(codePointColumns(c.code));
    if (used + width > columns - 1) break;
    used += width;
    at += length;
  }
  std::string out(text.substr(0, at));
  out += kEllipsis;
  return out;
}

}  // namespace aihunt::core
