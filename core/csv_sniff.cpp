#include "core/csv_sniff.h"

#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::core {

bool looksLikeCsvLine(std::string_view line) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a spreadsheet's BOM
  line = trim(line);
  if (line.empty()) return false;
  const char first = line.front();
  if (first != '"' && !isAsciiAlnum(first)) return false;
  return line.find_first_of(",;\t") != std::string_view::npos;
}

}  // namespace aihunt::core
