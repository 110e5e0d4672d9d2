#pragma once
// DATEFORMAT(time, pattern): Java SimpleDateFormat patterns, always UTC (aihunt runs in
// containers whose time zone says nothing about the console's).
// Supported letters: y M d H h k K m s S E a D u Z X z; 'quoted text' and '' for a quote.
// Other letters are copied literally.
#include <string>
#include <string_view>

#include "core/time.h"

namespace aihunt::aql {

// Appends the formatted time to `out` (cleared first).
void formatJavaDate(core::EpochMs ms, std::string_view pattern, std::string& out);

}  // namespace aihunt::aql
