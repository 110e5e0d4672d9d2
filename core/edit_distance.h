#pragma once
// Edit distance for "did you mean" suggestions of short names (commands, options, config keys,
// hunt names): inserts, deletes, substitutions and swaps of two neighbouring characters, each
// counting one (the "optimal string alignment" distance). A swap is the commonest typo ("hnut"),
// which plain Levenshtein counts as two. The table is quadratic, which is fine at that size.
#include <cstddef>
#include <string_view>

namespace aihunt::core {

std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case = false);

}  // namespace aihunt::core
