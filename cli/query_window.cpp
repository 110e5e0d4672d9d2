#include "cli/query_window.h"

#include "aql/evaluator.h"
#include "aql/lint.h"
#include "aql/printer.h"
#include "cli/print.h"
#include "service/hunt_plan.h"

namespace aihunt::cli {

bool applyQueryWindow(aql::Query& query, const std::string& what,
                      const std::optional<aql::TimeRange>& window, CommandContext& context) {
  if (query.time.kind != aql::TimeClause::Kind::kNone) {
    if (window) {
      context.logger->warn("{} has its own time clause; --last/--from/--to are ignored", what);
    }
    return false;
  }
  if (window) {
    query.time = aql::minuteClause(window->from, window->to);
  } else {
    query.time = aql::TimeClause{};  // LAST 24 HOURS, as the help says
    query.time.kind = aql::TimeClause::Kind::kLast;
    query.time.amount = service::kDefaultHuntWindowMs / 3'600'000;
    query.time.unit = aql::TimeUnit::kHours;
  }
  const std::string added = aql::printTimeClause(query.time);
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                  what + " has no time clause; added: " + added);
  if (window && aql::filtersOnStartTime(query)) {
    // The seed query's `starttime > NOW() - 86400000`: a week given still returns one day, and
    // a window a week back nothing (a trial). Kept under --quiet: it can explain an empty run.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    what +
                        " also filters on starttime in its WHERE clause, which the window "
                        "given does not widen: rows outside that filter are not returned "
                        "(edit the query to search the whole window)");
  }
  return true;
}

std::optional<std::vector<std::string>> ownQueryColumns(const aql::Query& query) {
  std::vector<std::string> columns;
  for (const aql::SelectItem& item : query.select) {
    if (item.expr.kind == aql::ExprKind::kStar) return std::nullopt;
    columns.push_back(aql::columnName(item));
  }
  return columns;
}

void noteOwnLimit(const std::string& hunt, const aql::Query& query, std::uint64_t rows,
                  CommandContext& context) {
  if (!query.limit || *query.limit <= 0 || rows < static_cast<std::uint64_t>(*query.limit)) return;
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                  "hunt '" + hunt + "': the query's own LIMIT " + std::to_string(*query.limit) +
                      " was reached: rows past it were not read (remove or raise the LIMIT, or "
                      "narrow the window)");
}

}  // namespace aihunt::cli
