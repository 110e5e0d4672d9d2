#pragma once
// A text table sized to a terminal: each column as wide as its widest cell. When the table is
// wider than the screen, the optional columns are left out first (highest rank first) while the
// who (host, user) and the what (domain, process, an exception) cannot keep their readable width
// beside the other columns' minimums; then, in this order, a who or what past its readable width
// shrinks to it, the optional columns shrink, the other plain ones shrink, the what shrinks, and
// the who last. Cells are cut with an ellipsis, never inside a UTF-8 character. Cells must
// already be display-safe (core/display_text.h): this file only measures and pads.
#include <cstddef>
#include <string>
#include <vector>

namespace aihunt::service {

// Who did it (host, user) and what it was (domain, process): the columns a person reads a row by.
enum class ColumnRole { kPlain, kWhat, kWho };

struct TableColumn {
  std::string header;
  std::size_t min_width = 0;  // shrinks down to this; a column with min 0 never shrinks
  int drop_rank = 0;          // left out, highest rank first, rather than cut the who and what
                              // below their readable width; 0 is never left out
  ColumnRole role = ColumnRole::kPlain;
  // The who and the what keep their natural width up to this many columns while every plain
  // column gives way (0: no cap). Past it a value is rare enough to be cut like any other.
  std::size_t readable_width = 0;
};

struct TableCell {
  std::string text;
  const char* color = nullptr;  // an SGR sequence ("\x1b[31m") around the text, or none
  // Kept whole at the end when `text` does not fit, after `head` cut to the room left: a list's
  // first item and how many more ("endp… +2") says more than the list cut ("endpoi…"). Empty:
  // `text` is cut as it is.
  std::string head{};
  std::string tail{};
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
