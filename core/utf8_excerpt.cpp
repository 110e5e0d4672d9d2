#include "core/utf8_excerpt.h"

#include <algorithm>
#include <cstdint>

#include "core/text.h"

namespace aihunt::core {

std::string utf8Excerpt(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 3);
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<std::uint8_t>(text[at]);
    const std::size_t length = byte < 0x80 ? 1 : decodeUtf8At(text, at).length;
    const std::size_t added = length == 0 ? kReplacement.size() : length;
    if (out.size() + added > max_bytes) {
      out += "...";
      break;
    }
    if (length == 0) {
      out += kReplacement;
      ++at;
    } else {
      out.append(text.substr(at, length));
      at += length;
    }
  }
  return out;
}

}  // namespace aihunt::core
