#pragma once
// Whether a line of input reads like CSV: what QRadar's Log Activity "Export to CSV" gives, and
// what an analyst with an export tries first. aihunt reads JSON; the line is only looked at to
// say so when the input is already refused, never to decide how input is read.
#include <string_view>

namespace aihunt::core {

// True for a line that starts with a quote or a letter or digit (not JSON's '{' or '['), holds at
// least two of one delimiter (a comma, a semicolon or a tab: what spreadsheets export with), and
// whose first field, unquoted, holds no ':' (a log line's time, "09:14:04,123 INFO", does).
bool looksLikeCsvLine(std::string_view line);

}  // namespace aihunt::core
