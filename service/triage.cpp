#include "service/triage.h"

#include "core/text.h"
#include "results/row_decoder.h"
#include "service/detectable_fields.h"
#include "service/finding_stage.h"
#include "service/hunt_query.h"

namespace aihunt::service {
namespace {

bool detectable(const detection::Event& event) {
  for (const detection::Field field : detectableFields()) {
    if (!event.get(field).empty()) return true;
  }
  return false;
}

// Input whose rows all lack those columns was not exported for these names: "No findings."
// would pass for a clean result.
core::Error nothingToDetect(std::uint64_t rows, const detection::FieldMapping& mapping) {
  std::string names = detectableColumnNames(mapping) + "; or as aihunt's hunts name them: ";
  for (std::size_t i = 0; i < detectableFields().size(); ++i) {
    names += (i == 0 ? "" : ", ") + std::string(detection::fieldName(detectableFields()[i]));
  }
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      (rows == 1 ? std::string("the one row has no")
                 : "none of the " + core::counted(rows, "row") + " has a") +
          " column a finding can come from (" + names +
          "): results exported under other column names need --hunt NAME (a configured hunt's "
          "fields:), and raw QRadar events go to 'aihunt hunt --offline FILE'");
}

}  // namespace

TriageReport runTriage(results::ByteSource& input, const detection::DetectionSettings& settings,
                       const detection::FieldMapping& mapping, FindingWriter& writer,
                       const TriageOptions& options) {
  results::RowSplitter splitter(input, options.limits);
  results::RowDecoder decoder(mapping);
  // Results of aihunt's own hunt queries (`aihunt aql`, run on the console and exported) name
  // their columns by logical field, and QRadar's own time column is `starttime`: both are read
  // too, so that such an export needs no --hunt.
  alsoReadLogicalNames(decoder);
  decoder.watchUnread(options.watched_columns);
  FindingStage stage(settings, options.hunt, detection::SignalSet::all(), writer, options.now,
                     options.show_suppressed);
  detection::Event event;
  TriageReport report;
  const auto ended = [&](std::optional<core::Error> failure) {
    report.stats = stage.stats();
    report.suppressed_by_exception = stage.suppressedByException();
    report.watched_seen = decoder.watchedSeen();
    report.unread_columns = decoder.unreadColumns();
    report.failure = std::move(failure);
    return report;
  };
  bool any_detectable = false;
  while (true) {
    auto row = splitter.next();
    if (!row) return ended(row.error().withContext("after " + core::counted(report.rows, "row")));
    if (!row->has_value()) break;
    const results::RowText& text = **row;
    if (auto status = decoder.decode(text.json, event, text.readable_after); !status) {
      core::Error error = status.error().withContext("row " + std::to_string(text.index + 1) +
                                                     " (line " + std::to_string(text.line) + ")");
      if (text.unterminated) {
        error.message +=
            " (the input's last line, with no line end after it: is the file cut "
            "short?)";
      }
      return ended(error);
    }
    ++report.rows;
    any_detectable = any_detectable || detectable(event);
    if (!event.get(detection::Field::kEventTime).empty()) ++report.rows_with_event_time;
    if (auto status = stage.consume(event); !status) return ended(status.error());
  }
  if (report.rows > 0 && !any_detectable) return ended(nothingToDetect(report.rows, mapping));
  return ended(std::nullopt);
}

}  // namespace aihunt::service
