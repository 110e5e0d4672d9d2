#include "qradar_client/ariel_client.h"

#include <algorithm>
#include <optional>

#include "core/text.h"
#include "qradar_client/lost_search_finder.h"

namespace aihunt::qradar {

// Deletes the search it holds when it goes out of scope, whatever the way out, and keeps the
// journal (if any) in step: written when a search is held, cleared when it is gone.
class SearchGuard {
 public:
  SearchGuard(SearchLifecycle& lifecycle, Millis timeout, SearchJournal* journal,
              spdlog::logger& logger)
      : lifecycle_(lifecycle), timeout_(timeout), journal_(journal), logger_(logger) {}
  ~SearchGuard() { release(); }
  SearchGuard(const SearchGuard&) = delete;
  SearchGuard& operator=(const SearchGuard&) = delete;

  void hold(std::string search_id) {
    id_ = std::move(search_id);
    completed_ = false;
    if (journal_ == nullptr) return;
    // The search runs either way: an unwritten record only loses the clean-up after a crash.
    if (auto written = journal_->held(*id_); !written) {
      logger_.warn(
          "recording search {} in the state file (a crash would leave it on the console): {}", *id_,
          written.error().message);
    }
  }
  void forget() {  // the search vanished: nothing left to delete
    if (id_) cleared(*id_);
    id_.reset();
  }
  void markCompleted() { completed_ = true; }
  void release() {
    if (id_ && lifecycle_.cleanUp(*id_, completed_, timeout_)) cleared(*id_);
    id_.reset();
  }

 private:
  void cleared(const std::string& search_id) {
    if (journal_ == nullptr) return;
    if (auto written = journal_->released(search_id); !written) {
      logger_.warn("recording that search {} is gone: {}", search_id, written.error().message);
    }
  }

  SearchLifecycle& lifecycle_;
  Millis timeout_;
  SearchJournal* journal_;
  spdlog::logger& logger_;
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
      return core::makeError(core::ErrorCode::kTimeout,
                             "the search was still " + std::string(searchStateName(current.state)) +
                                 " (" + std::to_string(current.progress) +
                                 "%) when the deadline of " +
                                 std::to_string(options_.deadline.count() / 1000) +
                                 " s passed (raise " + options_.deadline_setting + ")");
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

// What this run knows of its creates whose answers were lost.
struct ArielClient::LostCreates {
  std::string needle;  // the marker (or the AQL) a search of ours shows in its query_string
  int lost = 0;        // creates whose answer was lost
  int unresolved = 0;  // of those, not (yet) matched to a search on the console
  int adopted = 0;
  int strays_deleted = 0;
};

core::Result<std::optional<SearchStatus>> ArielClient::adoptLost(SearchLifecycle& lifecycle,
                                                                 LostCreates& lost,
                                                                 const core::Error& why,
                                                                 const ApiCall& base) {
  ++lost.lost;
  ++lost.unresolved;
  const auto& logger = api_.deps().logger;
  logger->warn(
      "the answer to creating the Ariel search was lost ({}); looking for the search on the "
      "console instead of creating another",
      why.message);
  // Not abortable: a stop now must still learn which search to delete.
  ApiCall find = base;
  find.abort_flag = nullptr;
  auto found = findLostSearches(lifecycle, lost.needle, find, options_.lost_search_checks);
  if (!found) {
    return found.error().withContext("the answer to creating the search was lost (" + why.message +
                                     "), and looking for it failed");
  }
  if (found->matches.empty()) {
    if (lost.lost >= options_.max_lost_creates) {
      return core::Error{
          why.code,
          "the answer to creating the Ariel search was lost " + std::to_string(lost.lost) +
              " times and the console shows no such search (last: " + why.message + "); giving up"};
    }
    logger->warn("no search of ours among the {} newest on the console; creating it again",
                 found->checked);
    return std::optional<SearchStatus>();
  }
  --lost.unresolved;
  ++lost.adopted;
  SearchStatus adopted = std::move(found->matches.back());
  found->matches.pop_back();
  for (const SearchStatus& extra : found->matches) {
    deleteStray(lifecycle, extra.search_id);
    ++lost.strays_deleted;
  }
  logger->info("adopted Ariel search {} made by the create whose answer was lost",
               adopted.search_id);
  return std::optional<SearchStatus>(std::move(adopted));
}

void ArielClient::sweepLost(SearchLifecycle& lifecycle, LostCreates& lost) {
  ApiCall call;
  call.retry = false;
  call.timeout = options_.cleanup_timeout;
  auto found = findLostSearches(lifecycle, lost.needle, call, options_.lost_search_checks);
  if (!found) {
    api_.deps().logger->warn("looking for searches left by lost creates: {}",
                             found.error().message);
    return;
  }
  for (const SearchStatus& stray : found->matches) {
    deleteStray(lifecycle, stray.search_id);
    ++lost.strays_deleted;
  }
}

void ArielClient::deleteStray(SearchLifecycle& lifecycle, const std::string& search_id) {
  if (lifecycle.cleanUp(search_id, /*completed=*/false, options_.cleanup_timeout)) return;
  // Left on the console: recorded, for the next start to delete, like a held search.
  if (journal_ == nullptr) return;
  if (auto written = journal_->held(search_id); !written) {
    api_.deps().logger->warn("recording search {} in the state file: {}", search_id,
                             written.error().message);
  }
}

core::Result<SearchStatus> ArielClient::createUntilCompleted(
    SearchLifecycle& lifecycle, SearchGuard& guard, LostCreates& lost, SearchOutcome& outcome,
    const std::string& aql, const ApiCall& base, const ProgressCallback& progress,
    const Cancellation& cancellation) {
  while (true) {
    if (cancellation.requested()) return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    // A stop does not abandon a create half-way: the console may have made the search already,
    // and only its answer tells the id to cancel and delete. A stop is honoured once it answers.
    // Only the connection's own abort flag ends it (its owner's time to stop ran out).
    ApiCall create = base;
    create.abort_flag = nullptr;
    auto created = lifecycle.create(aql, create);
    if (!created) return created.error();
    if (!created->status && created->lost->code == core::ErrorCode::kCancelled) {
      // Looking for it would be cut off the same way: said once, with what finds it.
      api_.deps().logger->warn(
          "creating the Ariel search was given up, the time to stop ran out: a search it made "
          "stays on the console until QRadar removes it (its AQL holds '{}')",
          core::printableExcerpt(lost.needle, 120));
      return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    }
    if (!created->status) {
      auto adopted = adoptLost(lifecycle, lost, *created->lost, base);
      if (!adopted) return adopted.error();
      if (!*adopted) continue;
      created->status = std::move(**adopted);
    } else {
      api_.deps().logger->debug("Ariel search {} created", created->status->search_id);
    }
    guard.hold(created->status->search_id);
    if (cancellation.requested()) return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    SearchStatus current = std::move(*created->status);
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
                                             const Cancellation& cancellation,
                                             std::string_view marker, std::string refusal_note) {
  SearchLifecycle lifecycle(api_);
  lifecycle.explainRefusal(std::move(refusal_note));
  LostCreates lost;
  lost.needle = marker.empty() ? aql : std::string(marker);
  auto result = runGuarded(lifecycle, lost, aql, consumer, progress, cancellation);
  // The search this run held is deleted by now; a lost create's search that never turned up
  // may have been made since.
  if (lost.unresolved > 0) sweepLost(lifecycle, lost);
  if (result) {
    result->lost_creates = lost.lost;
    result->adopted = lost.adopted;
    result->strays_deleted = lost.strays_deleted;
  }
  return result;
}

core::Result<SearchOutcome> ArielClient::runGuarded(SearchLifecycle& lifecycle, LostCreates& lost,
                                                    const std::string& aql,
                                                    const PageConsumer& consumer,
                                                    const ProgressCallback& progress,
                                                    const Cancellation& cancellation) {
  const core::Clock& clock = api_.deps().clock;
  ApiCall base;
  base.deadline = clock.now() + options_.deadline;
  base.abort_flag = cancellation.flag();

  SearchGuard guard(lifecycle, options_.cleanup_timeout, journal_, *api_.deps().logger);
  SearchOutcome outcome;
  ResultPager pager(api_, std::max<std::uint64_t>(1, options_.page_size), options_.page_size_max,
                    options_.prefetch);
  std::uint64_t limit = 0;
  const auto on_rows = [&](std::uint64_t rows) {
    if (progress) {
      progress(SearchProgress{SearchProgress::Phase::kFetching, SearchState::kCompleted, 100, rows,
                              limit});
    }
  };
  while (true) {
    auto completed =
        createUntilCompleted(lifecycle, guard, lost, outcome, aql, base, progress, cancellation);
    if (!completed) return completed.error();
    guard.markCompleted();
    outcome.search_id = completed->search_id;
    outcome.record_count = static_cast<std::uint64_t>(completed->record_count);
    // INFO notes are not news; WARN and ERROR (or no severity) may mean missing results.
    outcome.console_messages = completed->serious_messages;
    if (!outcome.console_messages.empty()) {
      // Already made inert (search_status.cpp). Said once per search, so that a window whose
      // results a console called incomplete is not read as whole in silence.
      std::string text;
      for (const auto& message : outcome.console_messages) {
        text += (text.empty() ? "" : "; ") + message;
      }
      api_.deps().logger->warn(
          "search {} completed with messages from the console: {} (its results may be "
          "incomplete)",
          completed->search_id, text);
    }
    limit = outcome.record_count;
    outcome.capped = options_.row_cap > 0 && limit > options_.row_cap;
    if (outcome.capped) limit = options_.row_cap;
    auto fetched = pager.fetch(completed->search_id, limit, base, consumer, on_rows);
    outcome.pages = pager.stats();
    outcome.rows = pager.stats().rows;
    if (!fetched && fetched.error().code == core::ErrorCode::kTimeout &&
        fetched.error().message.find(kDeadlinePassed) != std::string::npos) {
      // Said as the search's own deadline is, with the setting (or option) that raises it.
      return core::makeError(core::ErrorCode::kTimeout,
                             "the deadline of " + std::to_string(options_.deadline.count() / 1000) +
                                 " s passed while the results were read, " +
                                 std::to_string(outcome.rows) + " of " + std::to_string(limit) +
                                 " rows in (raise " + options_.deadline_setting + ")");
    }
    if (!fetched) return fetched.error();
    if (*fetched == PagingEnd::kDone) break;
    // Gone while its results were read: another client sharing it (an identical query) deleted
    // it, or retention did.
    guard.forget();
    if (outcome.rows > 0) {
      // Rows have reached the consumer. A new search cannot be read on from that row: Ariel
      // keeps no fixed row order (none at all without ORDER BY; ties and events indexed since
      // with it), so rows before it could be missed, and a GROUP BY's groups counted twice. The
      // caller hunts the window again from its start (the daemon does; its findings already
      // raised are repeats then).
      return core::makeError(core::ErrorCode::kRemote,
                             "the search vanished (404/1002) after " +
                                 std::to_string(outcome.rows) + " of " + std::to_string(limit) +
                                 " rows were read (another client or QRadar's retention deleted "
                                 "it); its rows have no fixed order, so a new search cannot be "
                                 "read on from there: the window must be hunted again");
    }
    if (outcome.recreations >= options_.max_recreations) {
      return core::makeError(core::ErrorCode::kRemote, "the search vanished " +
                                                           std::to_string(outcome.recreations + 1) +
                                                           " times (404/1002); giving up after " +
                                                           std::to_string(outcome.rows) + " rows");
    }
    ++outcome.recreations;
    api_.deps().logger->warn(
        "search {} vanished (404/1002) before its first rows were read; creating it again",
        completed->search_id);
  }
  guard.release();
  return outcome;
}

}  // namespace aihunt::qradar
