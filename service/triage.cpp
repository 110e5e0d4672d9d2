#include "service/triage.h"

#include "results/row_decoder.h"

namespace aihunt::service {

core::Result<TriageReport> runTriage(results::ByteSource& input,
                                     const detection::DetectionSettings& settings,
                                     const detection::FieldMapping& mapping, FindingWriter& writer,
                                     const TriageOptions& options) {
  results::RowSplitter splitter(input, options.limits);
  results::RowDecoder decoder(mapping);
  detection::Analyzer analyzer(settings, options.hunt);
  detection::Event event;
  TriageReport report;
  while (true) {
    auto row = splitter.next();
    if (!row) {
      writer.finish();
      return row.error().withContext("after " + std::to_string(report.rows) + " rows");
    }
    if (!row->has_value()) break;
    const results::RowText& text = **row;
    if (auto status = decoder.decode(text.json, event); !status) {
      writer.finish();
      return status.error().withContext("row " + std::to_string(text.index + 1) + " (line " +
                                        std::to_string(text.line) + ")");
    }
    ++report.rows;
    auto finding = analyzer.analyze(event, options.now);
    if (finding && (!finding->suppressed || options.show_suppressed)) writer.write(*finding);
  }
  writer.finish();
  report.stats = analyzer.stats();
  const auto& rules = analyzer.exceptions().rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    report.suppressed_by_exception.emplace_back(rules[i].id, analyzer.suppressedPerException()[i]);
  }
  return report;
}

}  // namespace aihunt::service
