#include "service/triage.h"

#include "core/text.h"
#include "core/usable_cores.h"
#include "service/detectable_fields.h"
#include "service/triage_workers.h"

namespace aihunt::service {
namespace {

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
          "): results exported under other column names need --hunt NAME (the hunt whose "
          "fields: name those columns), and raw QRadar events go to 'aihunt hunt --offline "
          "FILE'" +
          (rows == 1 ? "; rows wrapped in a document under another key than \"events\" "
                       "({\"data\": [...]}) read as one row: give them as JSON Lines, a JSON "
                       "array or {\"events\": [...]}"
                     : ""));
}

}  // namespace

TriageReport runTriage(results::ByteSource& input, const detection::DetectionSettings& settings,
                       const detection::FieldMapping& mapping, FindingWriter& writer,
                       const TriageOptions& options) {
  results::RowSplitter splitter(input, options.limits);
  // By default a worker per usable CPU, up to 8: past about that many, the reading thread
  // (splitting rows, writing findings) sets the pace, and each worker holds batches in memory.
  // Under an address-space limit (ulimit -v) one thread: each thread's malloc arena and stack
  // reserve tens of MiB of it, which a limit that fits one thread may not leave.
  unsigned threads = options.threads;
  if (threads == 0) {
    threads = core::defaultPassThreads(kMaxDefaultTriageThreads);
  }
  // One thread: every row on this one. More: this thread reads and writes, and as many workers
  // as there are threads examine the rows (reading and writing take a fraction of a row's time).
  TriageTally tally = threads <= 1
                          ? triageInOrder(splitter, settings, mapping, writer, options)
                          : triageOnWorkers(splitter, settings, mapping, writer, options, threads);
  TriageReport report;
  report.threads = tally.threads;
  report.rows = tally.counts.rows;
  report.rows_with_event_time = tally.counts.rows_with_event_time;
  report.rows_with_early_time = tally.counts.rows_with_early_time;
  report.stats = tally.counts.stats;
  report.suppressed_by_exception = tally.counts.suppressedById(settings.exceptions);
  report.watched_seen = std::move(tally.watched_seen);
  report.unread_columns = std::move(tally.unread_columns);
  report.failure = std::move(tally.failure);
  if (!report.failure && report.rows > 0 && tally.counts.detectable_rows == 0) {
    report.failure = nothingToDetect(report.rows, mapping);
    report.nothing_detectable = true;
  }
  return report;
}

}  // namespace aihunt::service
