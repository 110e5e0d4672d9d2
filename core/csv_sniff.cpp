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
  for (const char delimiter : {',', ';', '\t'}) {
    const std::size_t at = line.find(delimiter);
    if (at == std::string_view::npos || line.find(delimiter, at + 1) == std::string_view::npos) {
      continue;
    }
    if (first == '"' || line.substr(0, at).find(':') == std::string_view::npos) return true;
  }
  return false;
}

}  // namespace aihunt::core
