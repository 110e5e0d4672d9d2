#include "qradar_client/ariel_client.h"

#include <algorithm>
#include <optional>

namespace aihunt::qradar {

// Deletes the search it holds when it goes out of scope, whatever the way out.
class SearchGuard {
 public:
  SearchGuard(SearchLifecycle& lifecycle, Millis timeout)
      : lifecycle_(lifecycle), timeout_(timeout) {}
  ~SearchGuard() { release(); }
  SearchGuard(const SearchGuard&) = delete;
  SearchGuard& operator=(const SearchGuard&) = delete;

  void hold(std::string search_id) {
    id_ = std::move(search_id);
    completed_ = false;
  }
  void forget() { id_.reset(); }  // the search vanished: nothing left to delete
  void markCompleted() { completed_ = true; }
  void release() {
    if (id_) lifecycle_.cleanUp(*id_, completed_, timeout_);
    id_.reset();
  }

 private:
  SearchLifecycle& lifecycle_;
  Millis timeout_;
  std::optional<std::string> id_;
  bool completed_ = false;
};

namespace {

std::string describeFailure(const SearchStatus& status) {
  std::string text = "the search ended in " + std::string(searchStateName(status.state));
  for (const auto& message : status.error_messages) text += ": " + message;
  return text;
}

// Prefer: wait=N for the next status read: the configured wait, never past the deadline, and
// at most half the request timeout, so that the read's own limit (request timeout plus the wait)
// leaves Ariel's answer ample time to arrive.
int preferWaitSeconds(int configured, Millis left, Millis request_timeout) {
  const std::int64_t wait =
      std::min<std::int64_t>({configured, left.count() / 1000, request_timeout.count() / 2000});
  return static_cast<int>(std::max<std::int64_t>(0, wait));
}

}  // namespace

core::Result<SearchStatus> ArielClient::waitForCompletion(SearchStatus& current,
                                                          SearchOutcome& outcome,
                                                          const ApiCall& base,
                                                          const ProgressCallback& progress,
                                                          const Cancellation& cancellation) {
  SearchLifecycle lifecycle(api_);
  const core::Clock& clock = api_.deps().clock;
  Millis delay = options_.min_poll_delay;
  int bad_reads = 0;
  while (true) {
    if (cancellation.requested()) return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    const auto left = std::chrono::duration_cast<Millis>(*base.deadline - clock.now());
    if (left.count() <= 0) {
      return core::makeError(
          core::ErrorCode::kTimeout,
          "the search was still " + std::string(searchStateName(current.state)) + " (" +
              std::to_string(current.progress) + "%) when the deadline of " +
              std::to_string(options_.deadline.count() / 1000) + " s passed (raise --timeout)");
    }
    const int wait =
        preferWaitSeconds(options_.prefer_wait_seconds, left, api_.settings().request_timeout);
    const auto asked = clock.now();
    auto read = lifecycle.status(current.search_id, wait, base);
    if (!read && read.error().code == core::ErrorCode::kParse &&
        ++bad_reads < api_.settings().retry.max_attempts) {
      // A garbled status (a proxy, a cut connection): read it again after a pause.
      api_.deps().logger->warn("search {}: {}; reading the status again", current.search_id,
                               read.error().message);
      api_.pause(delay, cancellation.flag());
      continue;
    }
    if (!read) return read.error();
    if (read->vanished) {
      if (outcome.recreations >= options_.max_recreations) {
        return core::makeError(core::ErrorCode::kRemote,
                               "the search vanished " + std::to_string(outcome.recreations + 1) +
                                   " times (404/1002); giving up");
      }
      ++outcome.recreations;
      api_.deps().logger->warn("search {} vanished (404/1002); creating it again",
                               current.search_id);
      return SearchStatus{};  // empty id, state unknown: the caller creates a new search
    }
    current = std::move(*read->status);
    if (current.state == SearchState::kCanceled && outcome.foreign_cancels == 0) {
      // This run cancels only on its way out: someone else did (a client sharing the search
      // for an identical query, an analyst). Delete what is left and create it once more.
      ++outcome.foreign_cancels;
      ++outcome.recreations;
      api_.deps().logger->warn("search {} was canceled by another client; creating it again",
                               current.search_id);
      SearchStatus again;
      again.state = SearchState::kCanceled;
      return again;  // empty id: the caller deletes the canceled one and creates a new search
    }
    if (progress) {
      progress(
          SearchProgress{SearchProgress::Phase::kSearching, current.state, current.progress, 0, 0});
    }
    if (current.state == SearchState::kCompleted) return current;
    if (current.state == SearchState::kError || current.state == SearchState::kCanceled) {
      return core::makeError(core::ErrorCode::kRemote, describeFailure(current));
    }
    // Prefer: wait held the request for a while: poll again at once. A quick answer (a console
    // that ignores Prefer) gets a growing pause instead.
    const auto took = std::chrono::duration_cast<Millis>(clock.now() - asked);
    if (wait == 0 || took < Millis(wait * 1000) / 2) {
      const auto remaining = std::chrono::duration_cast<Millis>(*base.deadline - clock.now());
      api_.pause(std::min(delay, std::max(Millis(0), remaining)), cancellation.flag());
      delay = std::min(delay * 2, options_.max_poll_delay);
    }
  }
}

core::Result<SearchStatus> ArielClient::createUntilCompleted(
    SearchLifecycle& lifecycle, SearchGuard& guard, SearchOutcome& outcome, const std::string& aql,
    const ApiCall& base, const ProgressCallback& progress, const Cancellation& cancellation) {
  while (true) {
    if (cancellation.requested()) return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    // A create is never abandoned half-way: the console may have made the search already, and
    // only its answer tells the id to cancel and delete. A stop is honoured once it answers.
    ApiCall create = base;
    create.abort_flag = nullptr;
    auto created = lifecycle.create(aql, create);
    if (!created) return created.error();
    guard.hold(created->search_id);
    api_.deps().logger->debug("Ariel search {} created", created->search_id);
    if (cancellation.requested()) return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    SearchStatus current = std::move(*created);
    auto finished = waitForCompletion(current, outcome, base, progress, cancellation);
    if (!finished) return finished.error();
    if (!finished->search_id.empty()) return finished;
    if (finished->state == SearchState::kCanceled) {
      guard.release();  // canceled by someone else: delete the remains
    } else {
      guard.forget();  // vanished: nothing left to delete
    }
  }
}

core::Result<SearchOutcome> ArielClient::run(const std::string& aql, const PageConsumer& consumer,
                                             const ProgressCallback& progress,
                                             const Cancellation& cancellation) {
  const core::Clock& clock = api_.deps().clock;
  ApiCall base;
  base.deadline = clock.now() + options_.deadline;
  base.abort_flag = cancellation.flag();

  SearchLifecycle lifecycle(api_);
  SearchGuard guard(lifecycle, options_.cleanup_timeout);
  SearchOutcome outcome;
  ResultPager pager(api_, std::max<std::uint64_t>(1, options_.page_size));
  std::uint64_t limit = 0;
  const auto on_rows = [&](std::uint64_t rows) {
    if (progress) {
      progress(SearchProgress{SearchProgress::Phase::kFetching, SearchState::kCompleted, 100, rows,
                              limit});
    }
  };
  while (true) {
    auto completed =
        createUntilCompleted(lifecycle, guard, outcome, aql, base, progress, cancellation);
    if (!completed) return completed.error();
    guard.markCompleted();
    outcome.search_id = completed->search_id;
    outcome.record_count = static_cast<std::uint64_t>(completed->record_count);
    limit = outcome.record_count;
    outcome.capped = options_.row_cap > 0 && limit > options_.row_cap;
    if (outcome.capped) limit = options_.row_cap;
    // A re-created search is read from the row where the vanished one stopped: the rows before
    // it reached the consumer already.
    auto fetched = pager.fetch(completed->search_id, limit, base, consumer, on_rows);
    outcome.pages = pager.stats();
    outcome.rows = pager.stats().rows;
    if (!fetched) return fetched.error();
    if (*fetched == PagingEnd::kDone) break;
    // Gone while its results were read: another client sharing it (an identical query) deleted
    // it, or retention did.
    guard.forget();
    if (outcome.recreations >= options_.max_recreations) {
      return core::makeError(core::ErrorCode::kRemote, "the search vanished " +
                                                           std::to_string(outcome.recreations + 1) +
                                                           " times (404/1002); giving up after " +
                                                           std::to_string(outcome.rows) + " rows");
    }
    ++outcome.recreations;
    api_.deps().logger->warn(
        "search {} vanished (404/1002) while its results were read; creating it again and "
        "resuming at row {}",
        completed->search_id, outcome.rows);
  }
  guard.release();
  return outcome;
}

}  // namespace aihunt::qradar
