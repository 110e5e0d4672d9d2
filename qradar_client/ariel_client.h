#pragma once
// One Ariel search from start to finish: create, poll until COMPLETED (Prefer: wait, bounded
// backoff between quick answers), page the results into a consumer, and cancel + DELETE the
// search on every way out (success, error, deadline, Ctrl-C). A search that vanishes (404/1002)
// mid-poll or while its results are read is created again, and reading resumes at the row where
// it stopped: QRadar hands an identical recent query the existing search, so another client can
// delete it from under us. A search found CANCELED that this run did not cancel is created again
// once. A result larger than the row cap is cut there and says so.
//
// A create is never sent twice blindly: when its answer is lost after the request may have
// reached the console (lost_search_finder.h), the console's searches are searched for the
// query's marker; the one found is adopted and polled as if the create had answered, any others
// are deleted, and only when none is found is the search created again. If a lost create's
// search was never found, the console is searched once more on the way out and whatever carries
// the marker is deleted: a late-made search is not left running.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/cancellation.h"
#include "qradar_client/result_pager.h"
#include "qradar_client/search_journal.h"
#include "qradar_client/search_lifecycle.h"

namespace aihunt::qradar {

class SearchGuard;

struct ArielOptions {
  Millis deadline{15 * 60'000};  // the whole search: create, poll, page
  // What raises the deadline, said when it passes: the daemon's is a config key, hunt's an option.
  std::string deadline_setting = "qradar.timeouts.hunt_deadline";
  int prefer_wait_seconds = 10;  // Prefer: wait=N on status reads
  Millis min_poll_delay{200};    // between status reads that came back early
  Millis max_poll_delay{5'000};
  std::uint64_t page_size = 1000;   // the first page's rows, and the fewest of any
  std::uint64_t page_size_max = 0;  // pages of small rows grow to this (page_sizer.h); 0: fixed
  bool prefetch = false;            // page N+1 fetched while page N is consumed (result_pager.h)
  std::uint64_t row_cap = 100'000;  // 0: none
  int max_recreations = 3;          // of a search that vanished
  Millis cleanup_timeout{5'000};
  int max_lost_creates = 3;             // creates whose answer was lost, before giving up
  std::size_t lost_search_checks = 50;  // newest listed searches read to find a lost one
};

struct SearchProgress {
  enum class Phase { kSearching, kFetching } phase = Phase::kSearching;
  SearchState state = SearchState::kWait;
  int percent = 0;
  std::uint64_t rows_fetched = 0;
  std::uint64_t rows_total = 0;
};

using ProgressCallback = std::function<void(const SearchProgress&)>;

struct SearchOutcome {
  std::string search_id;
  std::uint64_t record_count = 0;  // what Ariel found
  std::uint64_t rows = 0;          // what reached the consumer
  bool capped = false;             // record_count > row cap: rows stop at the cap
  int recreations = 0;      // searches created again (vanished, or canceled by another client)
  int foreign_cancels = 0;  // times the search was found CANCELED without this run canceling it
  int lost_creates = 0;     // creates whose answer was lost (the search may have been made)
  int adopted = 0;          // searches of lost creates found on the console and used
  int strays_deleted = 0;   // searches of lost creates found on the console and deleted
  // The error_messages a COMPLETED search carried, but those of severity INFO (IBM's search
  // object lists messages of severity INFO, WARN or ERROR whatever the status). Whether a console
  // says there that the results are partial (an event processor out of reach) is unconfirmed:
  // said in a warning, not acted on.
  std::vector<std::string> console_messages;
  PagerStats pages;
};

class ArielClient {
 public:
  // `journal`, when given, records each search while the run holds it (search_journal.h).
  ArielClient(ApiClient& api, ArielOptions options, SearchJournal* journal = nullptr)
      : api_(api), options_(std::move(options)), journal_(journal) {}

  // Errors: kCancelled (Ctrl-C), kTimeout (deadline), kRemote (QRadar said no: 422, ERROR
  // status), kAuth, kTls, kTransport; plus whatever the consumer returns. The search is gone
  // from the console afterwards in every case. `marker` is text unique to this search that the
  // AQL holds (an AQL literal, aql/search_marker.h) and the console's query_string will show;
  // empty: the whole AQL is looked for instead, which another client's identical query matches.
  // `refusal_note` is added to the error when the console refuses the query (422 at creation).
  [[nodiscard]] core::Result<SearchOutcome> run(const std::string& aql,
                                                const PageConsumer& consumer,
                                                const ProgressCallback& progress,
                                                const Cancellation& cancellation,
                                                std::string_view marker = {},
                                                std::string refusal_note = {});

 private:
  struct LostCreates;
  core::Result<SearchOutcome> runGuarded(SearchLifecycle& lifecycle, LostCreates& lost,
                                         const std::string& aql, const PageConsumer& consumer,
                                         const ProgressCallback& progress,
                                         const Cancellation& cancellation);
  // After a create whose answer was lost: the search it made, found on the console (nullopt:
  // none found, create again).
  core::Result<std::optional<SearchStatus>> adoptLost(SearchLifecycle& lifecycle, LostCreates& lost,
                                                      const core::Error& why, const ApiCall& base);
  // Deletes every search that carries the marker (on the way out, when a lost create's search
  // was never found).
  void sweepLost(SearchLifecycle& lifecycle, LostCreates& lost);
  // Deletes a search of a lost create that this run does not use; one that cannot be deleted is
  // recorded in the journal (if any).
  void deleteStray(SearchLifecycle& lifecycle, const std::string& search_id);

  // Creates the search and waits for it, again after each vanishing or foreign cancel.
  core::Result<SearchStatus> createUntilCompleted(SearchLifecycle& lifecycle, SearchGuard& guard,
                                                  LostCreates& lost, SearchOutcome& outcome,
                                                  const std::string& aql, const ApiCall& base,
                                                  const ProgressCallback& progress,
                                                  const Cancellation& cancellation);
  core::Result<SearchStatus> waitForCompletion(SearchStatus& current, SearchOutcome& outcome,
                                               const ApiCall& base,
                                               const ProgressCallback& progress,
                                               const Cancellation& cancellation);

  ApiClient& api_;
  ArielOptions options_;
  SearchJournal* journal_;
};

}  // namespace aihunt::qradar
