#include "core/utf8_excerpt.h"

#include <algorithm>
#include <cstdint>

#include "core/swar.h"
#include "core/text.h"

namespace aihunt::core {

std::string utf8Excerpt(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 3);
  for (std::size_t at = 0; at < text.size();) {
    // A run of ASCII bytes is copied at once (evidence is mostly ASCII): as much of it as fits.
    std::size_t run_end = at;
    while (run_end + 8 <= text.size() &&
           (swar::load(text.data() + run_end) & swar::kHighBits) == 0) {
      run_end += 8;
    }
    while (run_end < text.size() && static_cast<std::uint8_t>(text[run_end]) < 0x80) ++run_end;
    if (run_end > at) {
      const std::size_t room = max_bytes - std::min(out.size(), max_bytes);
      if (run_end - at > room) {
        out.append(text.substr(at, room));
        out += "...";
        break;
      }
      out.append(text.substr(at, run_end - at));
      at = run_end;
      continue;
    }
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
