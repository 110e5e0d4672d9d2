#pragma once
// `aihunt triage`: rows already exported from Ariel (a results document or JSON Lines) through
// the detection, printed as findings. Streams: memory does not grow with the input.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "results/byte_source.h"
#include "results/row_splitter.h"
#include "service/finding_writer.h"

namespace aihunt::service {

inline constexpr unsigned kMaxDefaultTriageThreads = 8;
inline constexpr unsigned kMaxTriageThreads = 64;

struct TriageOptions {
  std::string hunt = "triage";
  bool show_suppressed = false;
  core::EpochMs now = 0;  // for exception expiry
  results::SplitLimits limits;
  // Column names to report when rows hold them unread (TriageReport::unread_columns).
  std::vector<std::string> watched_columns;
  // Threads that examine rows; 0: one per core this process may run on (core::usableCores()),
  // at most kMaxDefaultTriageThreads.
  unsigned threads = 0;
};

struct TriageReport {
  unsigned threads = 1;  // threads that examined rows (1: the serial loop)
  std::uint64_t rows = 0;
  // Rows whose event time column was there: none, with findings, means every finding's
  // event_time is null (a time column under another name than the mapping's), worth saying.
  std::uint64_t rows_with_event_time = 0;
  // Rows whose numeric event time falls before 1973 as epoch milliseconds: epoch seconds, most
  // likely, and their findings are dated 1970.
  std::uint64_t rows_with_early_time = 0;
  // Watched column names the rows held, and those of them no field was read from.
  std::vector<std::string> watched_seen;
  std::vector<std::string> unread_columns;
  detection::AnalyzerStats stats;
  std::vector<std::pair<std::string, std::uint64_t>> suppressed_by_exception;
  // Why the run stopped before the input's end: bad input, naming the row and line and how many
  // rows were read, or the output's cap. The counts above are then those of the rows read
  // before it, whose findings went to the writer.
  std::optional<core::Error> failure;
  // The failure is that no row held a column a finding can come from (under this mapping's
  // names): the caller may know a hunt whose names the rows have (watched_seen).
  bool nothing_detectable = false;
};

// Runs the pipeline. The writer is not finished: the caller decides, knowing how the run ended,
// what its document says (FindingWriter::finishRun).
TriageReport runTriage(results::ByteSource& input, const detection::DetectionSettings& settings,
                       const detection::FieldMapping& mapping, FindingWriter& writer,
                       const TriageOptions& options);

}  // namespace aihunt::service
