#pragma once
// A marker in a query's text, so that the console's copy of the search can be recognised by its
// query_string (GET /api/ariel/searches/{id}) when the answer to creating it was lost. The marker
// is a constant string selected under a fixed alias: AQL has no comments, and a constant column
// changes no row that the query finds or how many (it only adds one column, which a hunt's field
// mapping never names). The rest of the text is left exactly as written.
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::aql {

inline constexpr std::string_view kMarkerAlias = "aihunt_marker";

struct MarkedQuery {
  std::string aql;      // the query with ", '<marker>' AS aihunt_marker" before its FROM
  std::string literal;  // the marker as it appears in `aql`: an AQL string literal, quotes doubled
  // Where the text was added (the FROM's line and column in the query as written) and how many
  // characters: a console's positions past it on that line are that many more. No line break is
  // added, so line numbers stay those of the query as written.
  int line = 0;
  int column = 0;
  std::size_t added = 0;
};

// Errors: kParse when the text does not tokenise, does not start with SELECT, or has no FROM
// outside parentheses.
core::Result<MarkedQuery> addSearchMarker(std::string_view aql, std::string_view marker);

}  // namespace aihunt::aql
