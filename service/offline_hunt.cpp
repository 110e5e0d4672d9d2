#include "service/offline_hunt.h"

#include <sys/stat.h>

#include <atomic>

#include "aql/evaluator.h"
#include "results/decompress.h"
#include "results/event_scan.h"
#include "service/finding_stage.h"
#include "service/row_binder.h"
#include "service/run_summary.h"
#include "service/upload_stage.h"

namespace aihunt::service {

namespace {

core::Result<std::vector<std::string>> columnNames(const aql::Query& query,
                                                   const std::string& hunt) {
  std::vector<std::string> columns;
  for (const auto& item : query.select) {
    if (item.expr.kind == aql::ExprKind::kStar) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "hunt '" + hunt +
                                 "': SELECT * has no column names to map to fields; name the "
                                 "columns (with aliases such as AS \"DestinationURL\")");
    }
    columns.push_back(aql::columnName(item));
  }
  return columns;
}

// The events as read until a stop is asked for: then an error ends the scan (a read is at most
// a chunk, so Ctrl-C is answered within a chunk's work however large the file).
class StoppableSource final : public results::ByteSource {
 public:
  StoppableSource(std::unique_ptr<results::ByteSource> inner, const std::atomic<bool>& stop)
      : inner_(std::move(inner)), stop_(stop) {}
  core::Result<std::size_t> read(std::span<char> buffer) override {
    if (stop_.load()) return core::makeError(core::ErrorCode::kCancelled, "interrupted");
    return inner_->read(buffer);
  }

 private:
  std::unique_ptr<results::ByteSource> inner_;
  const std::atomic<bool>& stop_;
};

// Plain, gzip or zstd JSONL, told apart by their magic bytes.
core::Result<std::unique_ptr<results::ByteSource>> openEvents(const std::string& path,
                                                              const OfflineOptions& options) {
  // Each hunt reads the events again, which standard input cannot give: "-" stays a file name.
  auto input = results::openInput(path == "-" ? "./-" : path);
  if (!input) return input.error().withContext("events file");
  auto events = results::decompressing(std::move(*input));
  if (!events) return events.error().withContext(path);
  if (options.stop == nullptr) return events;
  return std::unique_ptr<results::ByteSource>(
      std::make_unique<StoppableSource>(std::move(*events), *options.stop));
}

// The events are bad, not the hunt: flagged for the caller (every hunt would fail the same way).
core::Error inputError(const core::Error& error, const OfflineOptions& options) {
  if (options.input_failed != nullptr) *options.input_failed = true;
  return error;
}

// After a hunt's scan: the events file must still be what the run began with.
core::Status unchanged(const std::string& events_path, const OfflineOptions& options) {
  if (!options.events_stamp || stampOf(events_path) == options.events_stamp) return {};
  return inputError(
      core::makeError(core::ErrorCode::kIo,
                      "the events file changed while it was hunted (its size, time or identity "
                      "is not what it was when the run began): each hunt reads it again, so they "
                      "would not have searched the same events; hunt a copy that is complete"),
      options);
}

// The same, for an error met while reading: named by the file.
core::Error inputError(const core::Error& error, const std::string& events_path,
                       const OfflineOptions& options) {
  return inputError(error.withContext(events_path), options);
}

aql::EvalOptions evalOptions(const OfflineOptions& options) {
  aql::EvalOptions eval;
  eval.now = options.now;
  eval.range = options.range;
  eval.lookups = options.lookups;
  eval.sort_memory_bytes = options.sort_memory_bytes;
  eval.spill_dir = options.spill_dir;
  return eval;
}

results::EventScanOptions skipOptions(const OfflineOptions& options) {
  results::EventScanOptions scan;
  scan.skip_bad_lines = options.skip_bad_lines;
  return scan;
}

// The aggregated upload query over the same events: rows into an UploadStage, then its findings.
core::Status runUploadQuery(const std::string& events_path, const OfflineHunt& hunt,
                            const detection::DetectionSettings& settings, FindingWriter& writer,
                            const OfflineOptions& options, OfflineReport& report) {
  auto columns = columnNames(*hunt.upload_query, hunt.name);
  if (!columns) return columns.error();
  auto events = openEvents(events_path, options);
  if (!events) return inputError(events.error(), options);
  const detection::FieldMapping group_mapping = uploadGroupMapping();
  const detection::FieldMapping count_mapping = uploadCountMapping();
  RowBinder group_binder(*columns, group_mapping);
  RowBinder count_binder(*columns, count_mapping);
  // Without a range the query's own clause decides; the ids then name no window.
  const aql::TimeRange window = options.range.value_or(aql::TimeRange{});
  UploadStage stage(settings, hunt.name, hunt.signals, window, writer, options.now,
                    options.show_suppressed);
  detection::Event group;
  detection::Event counts;
  results::EventScanStats scanned;
  auto evaluated = results::scanEvents(
      **events, *hunt.upload_query, evalOptions(options),
      [&](aql::Row&& row) {
        ++report.rows;
        group_binder.bind(row, group);
        count_binder.bind(row, counts);
        stage.consume(group, counts);
      },
      skipOptions(options), &scanned);
  // The stage writes its findings at the end; its counts are read after that, and added also
  // when the query or the writing failed (as far as they went).
  core::Status finished = evaluated ? stage.finish() : core::Status{};
  RunTotals totals;
  totals.add(0, report.stats, report.suppressed_by_exception);
  totals.add(0, stage.stats(), stage.suppressedByException());
  report.stats = totals.stats;
  report.suppressed_by_exception = std::move(totals.suppressed_by_exception);
  if (!evaluated) {
    if (scanned.input_error) return inputError(evaluated.error(), events_path, options);
    return evaluated.error().withContext("hunt '" + hunt.name + "' aggregated upload query");
  }
  if (auto same = unchanged(events_path, options); !same) return same;
  return finished;
}

}  // namespace

std::optional<FileStamp> stampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  FileStamp stamp;
  stamp.device = info.st_dev;
  stamp.inode = info.st_ino;
  stamp.size = info.st_size;
  stamp.modified_ns =
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  return stamp;
}

core::Status runOfflineHunt(const std::string& events_path, const OfflineHunt& hunt,
                            const detection::DetectionSettings& settings, FindingWriter& writer,
                            const OfflineOptions& options, OfflineReport& report) {
  report = OfflineReport{};
  auto columns = columnNames(hunt.query, hunt.name);
  if (!columns) return columns.error();
  auto events = openEvents(events_path, options);
  if (!events) return inputError(events.error(), options);
  RowBinder binder(*columns, hunt.mapping,
                   hunt.fallback_mapping ? &*hunt.fallback_mapping : nullptr);
  FindingStage stage(settings, hunt.name, hunt.signals, writer, options.now,
                     options.show_suppressed);
  detection::Event event;
  aql::EvalOptions eval = evalOptions(options);
  eval.times = &report.times;
  core::Status written;  // the first failed write; rows after it are not analysed
  // Set with it: the scan ends there too, instead of reading the rest of the file for nothing.
  std::atomic<bool> write_failed{false};
  results::EventScanOptions scan = skipOptions(options);
  scan.stop = &write_failed;
  results::EventScanStats scanned;
  auto evaluated = results::scanEvents(
      **events, hunt.query, eval,
      [&](aql::Row&& row) {
        ++report.rows;
        if (!written) return;
        binder.bind(row, event);
        written = stage.consume(event);
        if (!written) write_failed = true;
      },
      scan, &scanned);
  // Counted as far as the hunt went, also when it fails: its table row says what it read.
  report.stats = stage.stats();
  report.suppressed_by_exception = stage.suppressedByException();
  // The upload query reads the same lines again: the first scan's count is the file's.
  report.skipped_lines = scanned.skipped;
  if (scanned.first_skipped) report.first_skipped = scanned.first_skipped->message;
  report.repaired_lines = scanned.repaired;
  report.first_repaired_line = scanned.first_repaired_line;
  if (!evaluated) {
    if (scanned.input_error) return inputError(evaluated.error(), events_path, options);
    return evaluated.error().withContext("hunt '" + hunt.name + "'");
  }
  if (!written) return written.error();
  if (auto same = unchanged(events_path, options); !same) return same;
  report.unbound_fields = binder.unboundFields();
  if (hunt.upload_query)
    return runUploadQuery(events_path, hunt, settings, writer, options, report);
  return {};
}

}  // namespace aihunt::service
