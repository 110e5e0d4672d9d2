#pragma once
// Text kept as it is for outputs that escape it themselves (JSON), cut to a size.
#include <cstddef>
#include <string>
#include <string_view>

namespace aihunt::core {

// `text` as it is: only bytes that are not valid UTF-8 change (each becomes U+FFFD), and it is
// cut to at most `max_bytes` on a character boundary, "..." appended when cut.
std::string utf8Excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace aihunt::core
