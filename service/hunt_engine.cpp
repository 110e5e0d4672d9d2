#include "service/hunt_engine.h"

#include "aql/search_marker.h"
#include "core/exit_codes.h"
#include "results/row_decoder.h"
#include "results/row_splitter.h"
#include "service/finding_stage.h"
#include "service/qradar_connection.h"

namespace aihunt::service {
namespace {

// Rows of one hunt: each page's rows are split, decoded and analysed, then the page is gone.
class PagePipeline {
 public:
  PagePipeline(const detection::DetectionSettings& settings, const HuntJob& job,
               FindingWriter& writer, core::EpochMs now, bool show_suppressed)
      : decoder_(job.mapping),
        stage_(settings, job.name, job.signals, writer, now, show_suppressed),
        writer_(writer) {}

  core::Status consume(const qradar::ResultPage& page) {
    results::MemoryByteSource source(page.body);
    results::RowSplitter splitter(source);
    while (true) {
      auto row = splitter.next();
      if (!row)
        return row.error().withContext("results page at row " + std::to_string(page.first_row));
      if (!row->has_value()) return writer_.pageDone();
      if (auto status = decoder_.decode((*row)->json, event_, (*row)->readable_after); !status) {
        return status.error().withContext("row " +
                                          std::to_string(page.first_row + (*row)->index + 1));
      }
      ++rows_;
      if (auto status = stage_.consume(event_); !status) return status;
    }
  }

  [[nodiscard]] std::uint64_t rows() const { return rows_; }
  [[nodiscard]] const FindingStage& stage() const { return stage_; }

 private:
  results::RowDecoder decoder_;
  FindingStage stage_;
  FindingWriter& writer_;
  detection::Event event_;
  std::uint64_t rows_ = 0;
};

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
  HuntOutcome outcome;
  outcome.hunt = job.name;
  PagePipeline pipeline(settings_, job, writer, options_.now, options_.show_suppressed);
  qradar::ArielClient ariel(api_, options_.ariel);
  const std::uint64_t requests_before = api_.requestCount();
  const std::uint64_t retries_before = api_.retryCount();
  // A marker unique to this search lets a create whose answer is lost find its search on the
  // console instead of making another (qradar_client/lost_search_finder.h).
  std::string aql = job.aql;
  std::string marker_literal;
  if (auto marked = aql::addSearchMarker(job.aql, newSearchMarker(api_.deps().random))) {
    aql = std::move(marked->aql);
    marker_literal = std::move(marked->literal);
  }
  auto searched = ariel.run(
      aql, [&](const qradar::ResultPage& page) { return pipeline.consume(page); },
      [&](const qradar::SearchProgress& progress) { observer.progress(job, progress); },
      cancellation, marker_literal);
  outcome.requests = api_.requestCount() - requests_before;
  outcome.retries = api_.retryCount() - retries_before;
  outcome.rows = pipeline.rows();
  outcome.stats = pipeline.stage().stats();
  outcome.suppressed_by_exception = pipeline.stage().suppressedByException();
  if (!searched) {
    outcome.error = api_.redacted(searched.error());
    outcome.result = searched.error().code == core::ErrorCode::kCancelled ? HuntResult::kCancelled
                                                                          : HuntResult::kFailed;
    return outcome;
  }
  outcome.search_id = searched->search_id;
  outcome.pages = searched->pages.pages;
  outcome.record_count = searched->record_count;
  outcome.recreations = searched->recreations;
  if (searched->capped) outcome.result = HuntResult::kTruncated;
  return outcome;
}

}  // namespace aihunt::service
