#pragma once
// Splits AQL text into tokens. Errors name the line, column and offending text.
#include <string_view>
#include <vector>

#include "aql/token.h"
#include "core/result.h"

namespace aihunt::aql {

// Tokenises the whole text; the last token is always kEnd. Rejects text longer than
// kMaxQueryBytes, unterminated quotes, control characters inside literals and stray bytes.
core::Result<std::vector<Token>> tokenize(std::string_view text, SyntaxError* detail = nullptr);

// "line 3, column 14 near 'FROM'": the prefix every positioned AQL error message carries.
std::string describePosition(const Position& pos, std::string_view near);

// The core::Error for a syntax error; fills `detail` when given.
core::Error syntaxError(const Position& pos, std::string_view near, std::string_view why,
                        SyntaxError* detail);

}  // namespace aihunt::aql
