#pragma once
// One CSV cell, RFC 4180 quoted, of text made safe for a spreadsheet (core::csvCellText: one
// line, no control or invisible characters, a leading apostrophe on what a spreadsheet would run
// as a formula; an attacker controls URLs and user names).
#include <string>
#include <string_view>

namespace aihunt::service {

void appendCsvCell(std::string& out, std::string_view value);

}  // namespace aihunt::service
