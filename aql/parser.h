#pragma once
// AQL text -> syntax tree. Errors are values carrying line, column and the offending token;
// nesting deeper than kMaxDepth and text longer than kMaxQueryBytes are rejected.
#include <string_view>

#include "aql/ast.h"
#include "aql/token.h"
#include "core/result.h"

namespace aihunt::aql {

// Parses one SELECT query (an optional trailing ';' is allowed). `detail`, when given, receives
// the position and reason of a failure.
core::Result<Query> parse(std::string_view text, SyntaxError* detail = nullptr);

// Parses one expression (the builder's extra WHERE text, tests).
core::Result<Expr> parseExpression(std::string_view text, SyntaxError* detail = nullptr);

// True for words that cannot be bare property names (the printer quotes such names).
bool isReservedWord(std::string_view word);

}  // namespace aihunt::aql
