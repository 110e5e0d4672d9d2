#include "service/hunt_engine.h"

#include <tuple>

#include "aql/search_marker.h"
#include "core/exit_codes.h"
#include "results/row_decoder.h"
#include "results/row_splitter.h"
#include "service/console_searches.h"
#include "service/finding_stage.h"
#include "service/hunt_query.h"
#include "service/qradar_connection.h"
#include "service/run_summary.h"
#include "service/upload_stage.h"

namespace aihunt::service {
namespace {

// Each row of one results page, split out: on_row(row) returns a Status. Errors name the row.
template <typename OnRow>
core::Status forEachRow(const qradar::ResultPage& page, OnRow&& on_row) {
  results::MemoryByteSource source(page.body);
  results::RowSplitter splitter(source);
  while (true) {
    auto row = splitter.next();
    if (!row)
      return row.error().withContext("results page at row " + std::to_string(page.first_row));
    if (!row->has_value()) return {};
    if (auto status = on_row(**row); !status) return status;
  }
}

template <typename Row>
std::string rowName(const qradar::ResultPage& page, const Row& row) {
  return "row " + std::to_string(page.first_row + row.index + 1);
}

// Rows of one hunt: each page's rows are split, decoded and analysed, then the page is gone.
class PagePipeline {
 public:
  PagePipeline(const detection::DetectionSettings& settings, const HuntJob& job,
               FindingWriter& writer, core::EpochMs now, bool show_suppressed)
      : decoder_(job.mapping),
        stage_(settings, job.name, job.signals, writer, now, show_suppressed),
        writer_(writer) {
    // An own query's columns (--aql, --seed-query, a hunt's aql:) may be named by logical field.
    alsoReadLogicalNames(decoder_);
  }

  core::Status consume(const qradar::ResultPage& page) {
    auto status = forEachRow(page, [&](const auto& row) -> core::Status {
      if (auto decoded = decoder_.decode(row.json, event_, row.readable_after); !decoded) {
        return decoded.error().withContext(rowName(page, row));
      }
      ++rows_;
      return stage_.consume(event_);
    });
    if (!status) return status;
    return writer_.pageDone();
  }

  [[nodiscard]] std::uint64_t rows() const { return rows_; }
  [[nodiscard]] std::uint64_t repairedRows() const { return decoder_.repairedRows(); }
  [[nodiscard]] const FindingStage& stage() const { return stage_; }
  [[nodiscard]] FindingStage& stage() { return stage_; }

 private:
  results::RowDecoder decoder_;
  FindingStage stage_;
  FindingWriter& writer_;
  detection::Event event_;
  std::uint64_t rows_ = 0;
};

// Rows of the aggregated upload query: each row decoded twice (service/upload_stage.h), then
// totalled; the findings are written once the last page is in.
class UploadPipeline {
 public:
  UploadPipeline(const detection::DetectionSettings& settings, const HuntJob& job,
                 FindingWriter& writer, core::EpochMs now, bool show_suppressed)
      : group_decoder_(uploadGroupMapping()),
        count_decoder_(uploadCountMapping()),
        stage_(settings, job.name, job.signals, job.window, writer, now, show_suppressed) {}

  core::Status consume(const qradar::ResultPage& page) {
    return forEachRow(page, [&](const auto& row) -> core::Status {
      if (auto decoded = group_decoder_.decode(row.json, group_, row.readable_after); !decoded) {
        return decoded.error().withContext(rowName(page, row));
      }
      if (auto decoded = count_decoder_.decode(row.json, counts_, row.readable_after); !decoded) {
        return decoded.error().withContext(rowName(page, row));
      }
      ++rows_;
      stage_.consume(group_, counts_);
      return {};
    });
  }

  // Rows whose text was repaired (each row is decoded twice, by the same rule: counted once).
  [[nodiscard]] std::uint64_t repairedRows() const { return group_decoder_.repairedRows(); }
  [[nodiscard]] std::uint64_t rows() const { return rows_; }
  [[nodiscard]] UploadStage& stage() { return stage_; }

 private:
  results::RowDecoder group_decoder_;
  results::RowDecoder count_decoder_;
  UploadStage stage_;
  detection::Event group_;
  detection::Event counts_;
  std::uint64_t rows_ = 0;
};

// A search that did not complete: cancelled or failed, with the reason.
void recordFailure(HuntOutcome& outcome, const core::Error& error) {
  outcome.error = error;
  outcome.result =
      error.code == core::ErrorCode::kCancelled ? HuntResult::kCancelled : HuntResult::kFailed;
}

void recordSearch(HuntOutcome& outcome, const qradar::SearchOutcome& searched) {
  if (outcome.search_id.empty()) outcome.search_id = searched.search_id;
  outcome.pages += searched.pages.pages;
  outcome.record_count += searched.record_count;
  outcome.recreations += searched.recreations;
  if (searched.capped) outcome.result = HuntResult::kTruncated;
}

}  // namespace

std::string newSearchMarker(qradar::Random& random) {
  // Two draws of 32 bits each: unique enough that two searches never share a marker.
  constexpr double kSpan = 4294967296.0;
  const auto high = static_cast<std::uint64_t>(random.uniform() * kSpan);
  const auto low = static_cast<std::uint64_t>(random.uniform() * kSpan);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string marker = "aihunt-";
  const std::uint64_t value = (high << 32U) | low;
  for (int shift = 60; shift >= 0; shift -= 4) marker += kHex[(value >> shift) & 15U];
  return marker;
}

qradar::ArielOptions arielOptionsFor(const config::QRadarConfig& qradar) {
  qradar::ArielOptions options;
  options.deadline = qradar.timeouts.hunt_deadline;
  options.page_size = static_cast<std::uint64_t>(std::max(1, qradar.page_size));
  options.page_size_max =
      static_cast<std::uint64_t>(std::max(qradar.page_size, qradar.page_size_max));
  options.prefetch = true;
  options.row_cap = static_cast<std::uint64_t>(std::max<std::int64_t>(0, qradar.row_cap));
  const auto request_seconds = static_cast<int>(qradar.timeouts.request.count() / 1000);
  options.prefer_wait_seconds = std::clamp(request_seconds / 2, 0, options.prefer_wait_seconds);
  return options;
}

std::string_view huntResultName(HuntResult result) {
  switch (result) {
    case HuntResult::kOk:
      return "ok";
    case HuntResult::kTruncated:
      return "truncated";
    case HuntResult::kFailed:
      return "failed";
    case HuntResult::kCancelled:
      return "cancelled";
  }
  return "failed";
}

int HuntOutcome::exitCode() const {
  switch (result) {
    case HuntResult::kOk:
      return core::kExitOk;
    case HuntResult::kTruncated:
    case HuntResult::kCancelled:
      return core::kExitSearchFailed;
    case HuntResult::kFailed:
      return error ? exitCodeFor(*error) : core::kExitSearchFailed;
  }
  return core::kExitSearchFailed;
}

HuntOutcome HuntEngine::run(const HuntJob& job, FindingWriter& writer, HuntObserver& observer,
                            const qradar::Cancellation& cancellation) {
  if (options_.searches == nullptr) {
    return runSearches(job, writer, observer, cancellation, nullptr);
  }
  StoreSearchJournal journal(*options_.searches, api_, job.name, api_.deps().clock);
  HuntOutcome outcome = runSearches(job, writer, observer, cancellation, &journal);
  outcome.left_on_console = journal.stillHeld();
  return outcome;
}

HuntOutcome HuntEngine::runSearches(const HuntJob& job, FindingWriter& writer,
                                    HuntObserver& observer,
                                    const qradar::Cancellation& cancellation,
                                    qradar::SearchJournal* journal) {
  HuntOutcome outcome;
  outcome.hunt = job.name;
  qradar::ArielClient ariel(api_, options_.ariel, journal);
  const std::uint64_t requests_before = api_.requestCount();
  const std::uint64_t retries_before = api_.retryCount();
  const std::uint64_t cleanup_failures_before = api_.cleanupFailureCount();
  const auto progress = [&](const qradar::SearchProgress& p) { observer.progress(job, p); };
  const auto counters = [&] {
    outcome.requests = api_.requestCount() - requests_before;
    outcome.retries = api_.retryCount() - retries_before;
    outcome.cleanup_failures = api_.cleanupFailureCount() - cleanup_failures_before;
  };
  // A marker unique to each search lets a create whose answer is lost find its search on the
  // console instead of making another (qradar_client/lost_search_finder.h).
  // A console that refuses the query names positions in the text it was sent, which holds the
  // marker: the note says how to find them in the query as written.
  const auto marked = [&](const std::string& text) {
    std::tuple<std::string, std::string, std::string> out{text, std::string(), std::string()};
    if (auto with = aql::addSearchMarker(text, newSearchMarker(api_.deps().random))) {
      const std::string added = std::to_string(with->added);
      std::string note = " (the console counts positions in the query as sent: aihunt adds a " +
                         added + "-character marker column at line " + std::to_string(with->line) +
                         ", column " + std::to_string(with->column) +
                         " (in bytes), before FROM; on that line, a column past it is " + added +
                         " more than in the query as written, or as `aihunt aql` prints a "
                         "configured hunt's)";
      out = {std::move(with->aql), std::move(with->literal), std::move(note)};
    }
    return out;
  };

  PagePipeline pipeline(settings_, job, writer, options_.now, options_.show_suppressed);
  pipeline.stage().setReferenceSets(options_.reference_sets);
  auto [aql, marker_literal, refusal_note] = marked(job.aql);
  auto searched = ariel.run(
      aql, [&](const qradar::ResultPage& page) { return pipeline.consume(page); }, progress,
      cancellation, marker_literal, std::move(refusal_note));
  outcome.rows = pipeline.rows();
  outcome.stats = pipeline.stage().stats();
  outcome.stats.repaired_rows = pipeline.repairedRows();
  outcome.suppressed_by_exception = pipeline.stage().suppressedByException();
  counters();
  if (!searched) {
    recordFailure(outcome, api_.redacted(searched.error()));
    return outcome;
  }
  recordSearch(outcome, *searched);
  if (job.upload_aql.empty()) return outcome;

  // The second query of the hunt, in the same window.
  UploadPipeline upload(settings_, job, writer, options_.now, options_.show_suppressed);
  upload.stage().setReferenceSets(options_.reference_sets);
  auto [upload_aql, upload_marker, upload_note] = marked(job.upload_aql);
  auto aggregated = ariel.run(
      upload_aql, [&](const qradar::ResultPage& page) { return upload.consume(page); }, progress,
      cancellation, upload_marker, std::move(upload_note));
  core::Status written;
  if (aggregated) written = upload.stage().finish();
  RunTotals totals;
  totals.add(outcome.rows, outcome.stats, outcome.suppressed_by_exception);
  totals.add(upload.rows(), upload.stage().stats(), upload.stage().suppressedByException());
  outcome.rows = totals.rows;
  outcome.stats = totals.stats;
  outcome.stats.repaired_rows += upload.repairedRows();
  outcome.suppressed_by_exception = std::move(totals.suppressed_by_exception);
  counters();
  if (!aggregated) {
    recordFailure(outcome,
                  api_.redacted(aggregated.error()).withContext("aggregated upload query"));
    return outcome;
  }
  recordSearch(outcome, *aggregated);
  if (!written) recordFailure(outcome, written.error());
  return outcome;
}

}  // namespace aihunt::service
