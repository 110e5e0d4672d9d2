#pragma once
// One hunt against a console, from AQL to findings: the Ariel search (create, poll, page, clean
// up, through qradar::ArielClient), each page's rows split, decoded and analysed, and the
// findings handed to a FindingWriter. The one engine that `aihunt hunt`, `aihunt run` and
// `aihunt backfill` share: what differs between them is the writer (the terminal, or the state
// store and its outbox) and the observer (a progress bar, or metrics).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aql/time_window.h"
#include "config/config.h"
#include "core/result.h"
#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "detection/signals.h"
#include "qradar_client/ariel_client.h"
#include "qradar_client/cancellation.h"
#include "service/finding_writer.h"
#include "state/state_store.h"

namespace aihunt::service {

// What to run: a name, the AQL (the engine adds a marker column to it before it is sent:
// aql/search_marker.h), and how to read its rows.
struct HuntJob {
  std::string name;
  std::string aql;
  detection::FieldMapping mapping = detection::FieldMapping::seedDefaults();
  detection::SignalSet signals = detection::SignalSet::all();
  // The aggregated upload query (aggregate_uploads), run after `aql` in the same window; empty
  // when the hunt has none. `window` is the range both cover: part of the window findings' ids.
  std::string upload_aql;
  aql::TimeRange window;
};

enum class HuntResult { kOk, kTruncated, kFailed, kCancelled };
std::string_view huntResultName(HuntResult result);

// How one hunt ended. A failed hunt says why; it never stops the other hunts of a run.
struct HuntOutcome {
  std::string hunt;
  HuntResult result = HuntResult::kOk;
  std::optional<core::Error> error;  // kFailed, kCancelled
  std::string search_id;
  std::uint64_t rows = 0;
  std::uint64_t pages = 0;
  std::uint64_t record_count = 0;  // what Ariel found (more than rows when truncated)
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;           // requests sent again after a retryable failure
  std::uint64_t cleanup_failures = 0;  // searches whose DELETE failed (left on the console)
  // With EngineOptions::searches: those searches, still recorded in the store.
  std::vector<state::ConsoleSearch> left_on_console;
  int recreations = 0;
  detection::AnalyzerStats stats;
  std::vector<std::pair<std::string, std::uint64_t>> suppressed_by_exception;

  // The exit code this outcome alone deserves (core/exit_codes.h); findings are not counted.
  [[nodiscard]] int exitCode() const;
};

class HuntObserver {
 public:
  virtual ~HuntObserver() = default;
  virtual void progress(const HuntJob& /*job*/, const qradar::SearchProgress& /*progress*/) {}
};

// "aihunt-" and 16 hex digits: the text that marks one search's AQL (aql/search_marker.h).
std::string newSearchMarker(qradar::Random& random);

// The Ariel options a config's qradar: section asks for (deadline, page size, row cap), with
// Prefer: wait kept well below the request timeout.
qradar::ArielOptions arielOptionsFor(const config::QRadarConfig& qradar);

struct EngineOptions {
  qradar::ArielOptions ariel;
  core::EpochMs now = 0;  // exception expiry
  // The reference sets exceptions name, as read when the hunt (window) started; null: unknown.
  detection::ReferenceSetSnapshot reference_sets;
  bool show_suppressed = false;
  // Where the searches held on the console are recorded while they exist (console_searches.h),
  // for the next process to delete if this one is killed; null: not recorded.
  state::StateStore* searches = nullptr;
};

class HuntEngine {
 public:
  HuntEngine(qradar::ApiClient& api, const detection::DetectionSettings& settings,
             EngineOptions options)
      : api_(api), settings_(settings), options_(std::move(options)) {}

  // The reference sets the next run's exceptions see.
  void setReferenceSets(detection::ReferenceSetSnapshot sets) {
    options_.reference_sets = std::move(sets);
  }

  // Runs the search and streams its pages through the detection into `writer` (pageDone() after
  // each page; finish() is the caller's). Every failure is in the outcome.
  [[nodiscard]] HuntOutcome run(const HuntJob& job, FindingWriter& writer, HuntObserver& observer,
                                const qradar::Cancellation& cancellation);

 private:
  HuntOutcome runSearches(const HuntJob& job, FindingWriter& writer, HuntObserver& observer,
                          const qradar::Cancellation& cancellation, qradar::SearchJournal* journal);

  qradar::ApiClient& api_;
  const detection::DetectionSettings& settings_;
  EngineOptions options_;
};

}  // namespace aihunt::service
