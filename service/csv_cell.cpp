#include "service/csv_cell.h"

#include "core/display_text.h"

namespace aihunt::service {

void appendCsvCell(std::string& out, std::string_view value) {
  const std::string cell = core::csvCellText(value);
  const bool quote =
      cell.find_first_of(",\"") != std::string::npos || (!cell.empty() && cell[0] == '\'');
  if (!quote) {
    out += cell;
    return;
  }
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace aihunt::service
