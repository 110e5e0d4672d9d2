#include "service/table_layout.h"

#include <algorithm>

#include "core/display_width.h"

namespace aihunt::service {
namespace {

constexpr std::size_t kGap = 2;  // spaces between columns
// When even the who and the what at their readable widths do not fit, the what shrink to their
// minimum before a host or user is cut below this: a Windows (NetBIOS) host name is at most 15
// characters, and DOMAIN\user mostly fits too.
constexpr std::size_t kWhoFirm = 15;
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

// Narrows the widest column above its floor by one, until the table fits or nothing can shrink;
// of equally wide ones the least protected (plain, then what, then who) goes first, so wide
// columns shrink together and the who keep the most.
void shrink(const std::vector<TableColumn>& columns, const std::vector<std::size_t>& floors,
            const std::vector<bool>& shown, std::size_t width, std::vector<std::size_t>& widths) {
  const std::size_t none = widths.size();
  for (std::size_t total = totalWidth(widths, shown); total > width; --total) {
    std::size_t widest = none;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (!shown[i] || widths[i] <= floors[i]) continue;
      if (widest == none || widths[i] > widths[widest] ||
          (widths[i] == widths[widest] && columns[i].role < columns[widest].role)) {
        widest = i;
      }
    }
    if (widest == none) return;
    --widths[widest];
  }
}

// The cell's text in `width` columns: whole, or its head cut before its tail, or cut itself.
std::string fitCell(const TableCell& cell, std::size_t width) {
  if (cell.tail.empty() || core::displayColumns(cell.text) <= width) {
    return core::fitColumns(cell.text, width);
  }
  const std::size_t tail = core::displayColumns(cell.tail);
  if (width <= tail) return core::fitColumns(cell.text, width);
  // Some of the head must show (a wide character may not fit beside the ellipsis), or the
  // plain cut.
  std::string head = core::fitColumns(cell.head, width - tail);
  if (head.empty() || head == "\u2026") return core::fitColumns(cell.text, width);
  return head + cell.tail;
}

void appendCell(std::string& line, const TableCell& cell, std::size_t width, bool last) {
  const std::string text = fitCell(cell, width);
  if (cell.color != nullptr && !text.empty()) {
    line += cell.color;
    line += text;
    line += kReset;
  } else {
    line += text;
  }
  if (!last) line.append(width - core::displayColumns(text) + kGap, ' ');
}

// What each column keeps before any optional column leaves: the who and the what their natural
// width up to their cap, every other column its floor.
std::vector<std::size_t> keptWidths(const std::vector<TableColumn>& columns,
                                    const std::vector<std::size_t>& natural,
                                    const std::vector<std::size_t>& floors) {
  std::vector<std::size_t> kept = floors;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].role == ColumnRole::kPlain) continue;
    const std::size_t cap = columns[i].readable_width;
    kept[i] = std::max(floors[i], cap == 0 ? natural[i] : std::min(natural[i], cap));
  }
  return kept;
}

// Leaves out optional columns, highest rank first, while the kept widths do not fit.
void dropColumns(const std::vector<TableColumn>& columns, const std::vector<std::size_t>& kept,
                 std::size_t width, std::vector<bool>& shown) {
  while (totalWidth(kept, shown) > width) {
    std::size_t drop = columns.size();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (shown[i] && columns[i].drop_rank > 0 &&
          (drop == columns.size() || columns[i].drop_rank > columns[drop].drop_rank)) {
        drop = i;
      }
    }
    if (drop == columns.size()) return;
    shown[drop] = false;
  }
}

// The widths that fit `width`, giving way in the order table_layout.h describes.
void fit(const std::vector<TableColumn>& columns, const std::vector<std::size_t>& natural,
         std::size_t width, std::vector<bool>& shown, std::vector<std::size_t>& widths) {
  const std::vector<std::size_t> floors = floorWidths(columns, natural);
  const std::vector<std::size_t> kept = keptWidths(columns, natural, floors);
  dropColumns(columns, kept, width, shown);
  // A who or what past its readable width gives way first: one long FQDN should not cost every
  // row its evidence.
  std::vector<std::size_t> capped = natural;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].role != ColumnRole::kPlain) capped[i] = kept[i];
  }
  shrink(columns, capped, shown, width, widths);
  // Then the optional columns (the evidence), then the other plain ones.
  std::vector<std::size_t> optional_first = natural;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].drop_rank > 0) optional_first[i] = floors[i];
  }
  shrink(columns, optional_first, shown, width, widths);
  shrink(columns, kept, shown, width, widths);
  // Then the what, down to their minimum, while the who keep a readable width.
  std::vector<std::size_t> who_firm = floors;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].role == ColumnRole::kWho) {
      who_firm[i] = std::max(floors[i], std::min(natural[i], kWhoFirm));
    }
  }
  shrink(columns, who_firm, shown, width, widths);
  shrink(columns, floors, shown, width, widths);
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
  if (!options.wide) fit(columns, natural, options.width, shown, widths);
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
