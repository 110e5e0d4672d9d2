#pragma once
// One Ariel search from start to finish: create, poll until COMPLETED (Prefer: wait, bounded
// backoff between quick answers), page the results into a consumer, and cancel + DELETE the
// search on every way out (success, error, deadline, Ctrl-C). A search that vanishes (404/1002)
// mid-poll or while its results are read is created again, and reading resumes at the row where
// it stopped: QRadar hands an identical recent query the existing search, so another client can
// delete it from under us. A search found CANCELED that this run did not cancel is created again
// once. A result larger than the row cap is cut there and says so.
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/cancellation.h"
#include "qradar_client/result_pager.h"
#include "qradar_client/search_lifecycle.h"

namespace aihunt::qradar {

class SearchGuard;

struct ArielOptions {
  Millis deadline{15 * 60'000};  // the whole search: create, poll, page
  int prefer_wait_seconds = 10;  // Prefer: wait=N on status reads
  Millis min_poll_delay{200};    // between status reads that came back early
  Millis max_poll_delay{5'000};
  std::uint64_t page_size = 1000;
  std::uint64_t row_cap = 100'000;  // 0: none
  int max_recreations = 3;          // of a search that vanished
  Millis cleanup_timeout{5'000};
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
  PagerStats pages;
};

class ArielClient {
 public:
  ArielClient(ApiClient& api, ArielOptions options) : api_(api), options_(options) {}

  // Errors: kCancelled (Ctrl-C), kTimeout (deadline), kRemote (QRadar said no: 422, ERROR
  // status), kAuth, kTls, kTransport; plus whatever the consumer returns. The search is gone
  // from the console afterwards in every case.
  [[nodiscard]] core::Result<SearchOutcome> run(const std::string& aql,
                                                const PageConsumer& consumer,
                                                const ProgressCallback& progress,
                                                const Cancellation& cancellation);

 private:
  // Creates the search and waits for it, again after each vanishing or foreign cancel.
  core::Result<SearchStatus> createUntilCompleted(SearchLifecycle& lifecycle, SearchGuard& guard,
                                                  SearchOutcome& outcome, const std::string& aql,
                                                  const ApiCall& base,
                                                  const ProgressCallback& progress,
                                                  const Cancellation& cancellation);
  core::Result<SearchStatus> waitForCompletion(SearchStatus& current, SearchOutcome& outcome,
                                               const ApiCall& base,
                                               const ProgressCallback& progress,
                                               const Cancellation& cancellation);

  ApiClient& api_;
  ArielOptions options_;
};

}  // namespace aihunt::qradar
