#pragma once
// Syntax tree -> canonical AQL text: keywords upper case, one clause per line, the time clause
// last, names double-quoted only when they must be, the fewest parentheses that keep the tree.
// parse(print(q)) == q for every tree the parser or the builder produces.
#include <string>

#include "aql/ast.h"

namespace aihunt::aql {

std::string print(const Query& query);
std::string printExpr(const Expr& expr);
std::string printTimeClause(const TimeClause& clause);

// 'it''s' : a string literal with quotes doubled.
std::string quoteString(std::string_view value);
// sourceip stays bare; "URL", "Bytes Sent", keywords and anything else are double-quoted.
std::string quoteName(std::string_view name);

}  // namespace aihunt::aql
