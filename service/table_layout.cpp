#include "service/table_layout.h"

#include <algorithm>

#include "core/display_width.h"

namespace aihunt::service {
namespace {

constexpr std::size_t kGap = 2;  // spaces between columns
constexpr std::string_view kReset = "\x1b[0m";

std::size_t totalWidth(const std::vector<std::size_t>& widths, const std::vector<bool>& shown) {
  std::size_t total = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (!shown[i]) continue;
    total += widths[i];
    ++count;
  }
  return count == 0 ? 0 : total + (count - 1) * kGap;
}

// How narrow each column may get: its minimum, but never narrower than its header (a header is
// always shown whole) and never wider than its widest cell.
std::vector<std::size_t> floorWidths(const std::vector<TableColumn>& columns,
                                     const std::vector<std::size_t>& natural) {
  std::vector<std::size_t> floors(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::size_t header = core::displayColumns(columns[i].header);
    floors[i] = columns[i].min_width == 0
                    ? natural[i]
                    : std::min(natural[i], std::max(columns[i].min_width, header));
  }
  return floors;
}

// Narrows the widest shrinkable column, down to the next widest (so that wide columns shrink
// together) or to its floor, until the table fits or nothing can shrink.
void shrink(const std::vector<std::size_t>& floors, const std::vector<bool>& shown,
            std::size_t width, std::vector<std::size_t>& widths) {
  const std::size_t none = widths.size();
  for (std::size_t total = totalWidth(widths, shown); total > width;
       total = totalWidth(widths, shown)) {
    std::size_t widest = none;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (!shown[i] || widths[i] <= floors[i]) continue;
      if (widest == none || widths[i] > widths[widest]) widest = i;
    }
    if (widest == none) return;
    std::size_t next = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (shown[i] && widths[i] < widths[widest]) next = std::max(next, widths[i]);
    }
    const std::size_t excess = total - width;
    const std::size_t minimum = floors[widest];
    std::size_t target = widths[widest] > minimum + excess ? widths[widest] - excess : minimum;
    target = std::max(target, next);
    if (target >= widths[widest]) target = widths[widest] - 1;
    widths[widest] = target;
  }
}

void appendCell(std::string& line, const TableCell& cell, std::size_t width, bool last) {
  const std::string text = core::fitColumns(cell.text, width);
  if (cell.color != nullptr && !text.empty()) {
    line += cell.color;
    line += text;
    line += kReset;
  } else {
    line += text;
  }
  if (!last) line.append(width - core::displayColumns(text) + kGap, ' ');
}

}  // namespace

std::string renderTable(const std::vector<TableColumn>& columns,
                        const std::vector<std::vector<TableCell>>& rows,
                        const TableLayoutOptions& options) {
  std::vector<std::size_t> natural(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    natural[i] = core::displayColumns(columns[i].header);
    for (const auto& row : rows) {
      natural[i] = std::max(natural[i], core::displayColumns(row[i].text));
    }
  }
  std::vector<bool> shown(columns.size(), true);
  std::vector<std::size_t> widths = natural;
  if (!options.wide) {
    // Leave out columns, least important first, while even their floors do not fit.
    const std::vector<std::size_t> floors = floorWidths(columns, natural);
    while (totalWidth(floors, shown) > options.width) {
      std::size_t drop = columns.size();
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (shown[i] && columns[i].drop_rank > 0 &&
            (drop == columns.size() || columns[i].drop_rank > columns[drop].drop_rank)) {
          drop = i;
        }
      }
      if (drop == columns.size()) break;
      shown[drop] = false;
    }
    // Optional columns (the evidence) give way first, so that who and what stay readable.
    std::vector<std::size_t> optional_first = floors;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].drop_rank == 0) optional_first[i] = widths[i];
    }
    shrink(optional_first, shown, options.width, widths);
    shrink(floors, shown, options.width, widths);
  }
  std::size_t last = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (shown[i]) last = i;
  }
  std::string out;
  auto line = [&](auto cellAt) {
    std::string text;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (shown[i]) appendCell(text, cellAt(i), widths[i], i == last);
    }
    // Trailing blanks (an empty last cell) would only make lines longer than they look.
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out.push_back('\n');
  };
  line([&](std::size_t i) { return TableCell{columns[i].header, nullptr}; });
  for (const auto& row : rows) line([&](std::size_t i) { return row[i]; });
  return out;
}

}  // namespace aihunt::service
