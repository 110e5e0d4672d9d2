#pragma once
// A text table sized to a terminal: each column as wide as its widest cell, and when the table
// is wider than the screen, the flexible columns shrink (cells cut with an ellipsis, never inside
// a UTF-8 character) and, if that is not enough, the least important columns are left out.
// Cells must already be display-safe (core/display_text.h): this file only measures and pads.
#include <cstddef>
#include <string>
#include <vector>

namespace aihunt::service {

struct TableColumn {
  std::string header;
  std::size_t min_width = 0;  // shrinks down to this; a column with min 0 never shrinks
  int drop_rank = 0;          // left out first when even the minimum widths do not fit: highest
                              // rank first; 0 is never left out
};

struct TableCell {
  std::string text;
  const char* color = nullptr;  // an SGR sequence ("\x1b[31m") around the text, or none
};

struct TableLayoutOptions {
  std::size_t width = 100;  // terminal columns
  bool wide = false;        // every cell whole, whatever the width
};

// The header line, then one line per row, each ending in '\n'. Every line fits in `width`
// columns unless `wide`.
std::string renderTable(const std::vector<TableColumn>& columns,
                        const std::vector<std::vector<TableCell>>& rows,
                        const TableLayoutOptions& options);

}  // namespace aihunt::service
