#pragma once
// Minimal JSON text writing for hot paths (findings, log lines): appends a string as a JSON
// string literal. Input is assumed to be valid UTF-8; control characters are escaped.
#include <string>
#include <string_view>

namespace aihunt::core {

void appendJsonString(std::string& out, std::string_view text);

}  // namespace aihunt::core
