#include "aql/search_marker.h"

#include "aql/lexer.h"
#include "aql/printer.h"
#include "core/text.h"

namespace aihunt::aql {

core::Result<MarkedQuery> addSearchMarker(std::string_view aql, std::string_view marker) {
  auto tokens = tokenize(aql);
  if (!tokens) return tokens.error();
  const std::vector<Token>& list = *tokens;
  if (list.empty() || list.front().kind != TokenKind::kIdentifier ||
      !core::iequals(list.front().text, "SELECT")) {
    return core::makeError(core::ErrorCode::kParse, "a marker needs a query that starts SELECT");
  }
  // The select list ends at the first FROM outside parentheses (a sub-select's FROM is inside).
  int depth = 0;
  for (const Token& token : list) {
    if (token.kind == TokenKind::kSymbol && token.text == "(") ++depth;
    if (token.kind == TokenKind::kSymbol && token.text == ")") --depth;
    if (depth != 0 || token.kind != TokenKind::kIdentifier || !core::iequals(token.text, "FROM")) {
      continue;
    }
    MarkedQuery marked;
    marked.literal = quoteString(marker);
    const std::size_t at = token.pos.offset;
    marked.aql.reserve(aql.size() + marked.literal.size() + kMarkerAlias.size() + 8);
    marked.aql.append(aql.substr(0, at));
    if (at > 0 && aql[at - 1] != ' ' && aql[at - 1] != '\n') marked.aql += ' ';
    marked.aql += ", " + marked.literal + " AS " + std::string(kMarkerAlias) + " ";
    marked.aql.append(aql.substr(at));
    marked.line = token.pos.line;
    marked.column = token.pos.column;
    marked.added = marked.aql.size() - aql.size();
    return marked;
  }
  return core::makeError(core::ErrorCode::kParse, "a marker needs a query with a FROM clause");
}

}  // namespace aihunt::aql
