#pragma once
// Fewer LIKE terms for the same rows. In an OR of `x LIKE '%n%'` terms, a needle that contains
// another needle adds nothing: every text that holds "api.perplexity.ai" holds "perplexity.ai".
// Dropping such needles shortens the AQL QRadar has to run on every event of a window.
#include <string>
#include <vector>

namespace aihunt::aql {

// Whether every text matching '%outer%' also matches '%inner%': `inner` occurs in `outer`, where
// an '_' in `inner` (LIKE's one-character wildcard) stands for any character of `outer`. Both are
// LIKE needles without '%' or '\\', compared byte for byte (lower-case them first for LOWER()).
[[nodiscard]] bool likeNeedleCovers(std::string_view inner, std::string_view outer);

// The needles that no other needle covers, in their original order, duplicates removed: an OR
// of '%needle%' terms over the result matches exactly the texts the full list matches.
[[nodiscard]] std::vector<std::string> withoutCoveredNeedles(
    const std::vector<std::string>& needles);

}  // namespace aihunt::aql
