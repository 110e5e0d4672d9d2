#pragma once
// Whether a line of input reads like CSV: what QRadar's Log Activity "Export to CSV" gives, and
// what an analyst with an export tries first. aihunt reads JSON; the line is only looked at to
// say so when the input is already refused, never to decide how input is read.
#include <string_view>

namespace aihunt::core {

// True for a line that is not JSON's opening ('{' or '['), starts with a quote or a letter or
// digit, and holds a comma, a semicolon or a tab (the delimiters spreadsheets export with).
bool looksLikeCsvLine(std::string_view line);

}  // namespace aihunt::core
