#include "service/triage.h"

#include "core/text.h"
#include "results/row_decoder.h"
#include "service/finding_stage.h"

namespace aihunt::service {

core::Result<TriageReport> runTriage(results::ByteSource& input,
                                     const detection::DetectionSettings& settings,
                                     const detection::FieldMapping& mapping, FindingWriter& writer,
                                     const TriageOptions& options) {
  results::RowSplitter splitter(input, options.limits);
  results::RowDecoder decoder(mapping);
  FindingStage stage(settings, options.hunt, detection::SignalSet::all(), writer, options.now,
                     options.show_suppressed);
  detection::Event event;
  TriageReport report;
  while (true) {
    auto row = splitter.next();
    if (!row) {
      return row.error().withContext("after " + core::counted(report.rows, "row"));
    }
    if (!row->has_value()) break;
    const results::RowText& text = **row;
    if (auto status = decoder.decode(text.json, event, text.readable_after); !status) {
      return status.error().withContext("row " + std::to_string(text.index + 1) + " (line " +
                                        std::to_string(text.line) + ")");
    }
    ++report.rows;
    if (auto status = stage.consume(event); !status) return status.error();
  }
  report.stats = stage.stats();
  report.suppressed_by_exception = stage.suppressedByException();
  return report;
}

}  // namespace aihunt::service
