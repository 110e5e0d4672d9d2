#pragma once
// One exported row through decoding and detection: the work `aihunt triage` does per row, shared
// by its serial loop and its worker threads (service/triage_workers.h). Each thread owns one, so
// nothing here is shared between threads but the settings and mapping, which are only read.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "detection/analyzer_stats.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "results/row_decoder.h"
#include "results/row_splitter.h"
#include "service/finding_stage.h"
#include "service/finding_writer.h"

namespace aihunt::service {

struct TriageOptions;

// What rows counted. Cumulative in a TriageRows; the difference of two snapshots is what the
// rows between them counted, which is how the workers report one batch at a time.
struct TriageCounts {
  std::uint64_t rows = 0;
  std::uint64_t rows_with_event_time = 0;
  // Rows whose event time, in epoch milliseconds, falls before 1973: most likely seconds.
  std::uint64_t rows_with_early_time = 0;
  std::uint64_t detectable_rows = 0;  // rows with a column a finding can come from
  detection::AnalyzerStats stats;
  std::vector<std::uint64_t> suppressed_per_rule;  // in the exceptions' order

  void add(const TriageCounts& more);
  [[nodiscard]] TriageCounts since(const TriageCounts& before) const;
  // Exception id -> findings it suppressed, in the rules' order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> suppressedById(
      const std::vector<detection::ExceptionRule>& rules) const;
};

class TriageRows {
 public:
  TriageRows(const detection::DetectionSettings& settings, const detection::FieldMapping& mapping,
             FindingWriter& writer, const TriageOptions& options);

  // Decodes the row and hands its finding, if any, to the writer. Errors: the row does not
  // decode (naming its row and line), or the writer failed.
  [[nodiscard]] core::Status consume(const results::RowText& text);

  [[nodiscard]] TriageCounts counts() const;
  [[nodiscard]] const results::RowDecoder& decoder() const { return decoder_; }

 private:
  results::RowDecoder decoder_;
  FindingStage stage_;
  detection::Event event_;
  std::uint64_t rows_ = 0;
  std::uint64_t rows_with_event_time_ = 0;
  std::uint64_t rows_with_early_time_ = 0;
  std::uint64_t detectable_rows_ = 0;
};

}  // namespace aihunt::service
