#pragma once
// One JSON log record as the JSON log format writes it: {"ts":...,"level":...,"logger":...,
// "msg":...} and a newline. The logger's sink and aihunt's own diagnostic lines (cli/print.h)
// both write through here, so every line on stderr has the same shape.
#include <string>
#include <string_view>

namespace aihunt::core {

// Values are escaped exactly (invisible characters too): a JSON reader gets them back unchanged
// and a terminal shows escapes, never acts on them.
std::string jsonLogLine(std::string_view when, std::string_view level, std::string_view logger,
                        std::string_view message);

}  // namespace aihunt::core
