#pragma once
// How many terminal columns text takes, and how to cut it to fit. The table sizes its columns by
// what a person sees, not by bytes: "Zürich" is 7 bytes and 6 columns, a CJK character takes two
// columns. Text given here has already passed through displayText (core/display_text.h), so it
// holds no control or invisible characters.
#include <cstddef>
#include <string>
#include <string_view>

namespace aihunt::core {

// Columns one code point takes: 2 for East Asian wide and full-width characters (and the common
// emoji blocks), 0 for combining marks, 1 otherwise.
int codePointColumns(char32_t code_point);

// Columns `text` (valid UTF-8) takes; an invalid byte counts as one column.
std::size_t displayColumns(std::string_view text);

// `text` cut to at most `columns` columns, ending in "…" (U+2026, one column) when anything was
// cut. Cuts only between whole characters: never inside a multi-byte sequence.
std::string fitColumns(std::string_view text, std::size_t columns);

}  // namespace aihunt::core
