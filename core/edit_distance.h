#pragma once
// Levenshtein distance (insert, delete, substitute), for "did you mean" suggestions of short
// names: config keys, hunt names. The table is quadratic, which is fine at that size.
#include <cstddef>
#include <string_view>

namespace aihunt::core {

std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case = false);

}  // namespace aihunt::core
