#pragma once
// The window of a query the user wrote (--aql FILE, --seed-query), one rule online and offline:
// a query's own time clause is kept (a --last/--from/--to beside it is ignored, with a
// warning); a query without one gets the window given, or LAST 24 HOURS, and stderr says which
// (QRadar would otherwise search only the last 60 seconds).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/time_window.h"
#include "cli/command.h"

namespace aihunt::cli {

// Sets `query.time` when the query has no time clause; true when it did. `what` names the query
// in the messages ("the seed query", the file's path).
bool applyQueryWindow(aql::Query& query, const std::string& what,
                      const std::optional<aql::TimeRange>& window, CommandContext& context);

// The output column names of a query the user wrote, as Ariel names them; nullopt for SELECT *
// (its columns are the events' properties, known only when it runs).
std::optional<std::vector<std::string>> ownQueryColumns(const aql::Query& query);

// A query that stopped at its own LIMIT (the seed's LIMIT 1000): the rows past it were never
// read, as past aihunt's row cap, which would fail the run. Said as a caveat, --quiet or not.
void noteOwnLimit(const std::string& hunt, const aql::Query& query, std::uint64_t rows,
                  CommandContext& context);

}  // namespace aihunt::cli
