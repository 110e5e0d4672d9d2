#include "service/offline_hunt.h"

#include <fstream>

#include "aql/evaluator.h"
#include "service/finding_stage.h"
#include "service/row_binder.h"

namespace aihunt::service {

core::Result<OfflineReport> runOfflineHunt(const std::string& events_path, const OfflineHunt& hunt,
                                           const detection::DetectionSettings& settings,
                                           FindingWriter& writer, const OfflineOptions& options) {
  std::vector<std::string> columns;
  for (const auto& item : hunt.query.select) {
    if (item.expr.kind == aql::ExprKind::kStar) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "hunt '" + hunt.name +
                                 "': SELECT * has no column names to map to fields; name the "
                                 "columns (with aliases such as AS \"DestinationURL\")");
    }
    columns.push_back(aql::columnName(item));
  }
  std::ifstream events(events_path, std::ios::binary);
  if (!events) {
    return core::makeError(core::ErrorCode::kIo, "cannot open events file " + events_path);
  }
  RowBinder binder(columns, hunt.mapping,
                   hunt.fallback_mapping ? &*hunt.fallback_mapping : nullptr);
  FindingStage stage(settings, hunt.name, hunt.signals, writer, options.now,
                     options.show_suppressed);
  detection::Event event;
  OfflineReport report;
  aql::EvalOptions eval;
  eval.now = options.now;
  eval.range = options.range;
  eval.lookups = options.lookups;
  core::Status written;  // the first failed write; rows after it are not analysed
  auto evaluated = aql::evaluateJsonl(hunt.query, events, eval, [&](aql::Row&& row) {
    ++report.rows;
    if (!written) return;
    binder.bind(row, event);
    written = stage.consume(event);
  });
  if (!evaluated) return evaluated.error().withContext("hunt '" + hunt.name + "'");
  if (!written) return written.error();
  report.stats = stage.stats();
  report.unbound_fields = binder.unboundFields();
  report.suppressed_by_exception = stage.suppressedByException();
  return report;
}

}  // namespace aihunt::service
