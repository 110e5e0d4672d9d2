#include "service/console_searches.h"

#include "core/text.h"
#include "core/time.h"
#include "qradar_client/search_lifecycle.h"

namespace aihunt::service {
namespace {

// A failure that says the console is not answering (rather than refusing this one search): the
// searches after it would wait out the same timeout each.
bool consoleAway(const core::Error& error) {
  return error.code == core::ErrorCode::kTransport || error.code == core::ErrorCode::kTimeout ||
         error.code == core::ErrorCode::kTls || error.code == core::ErrorCode::kCancelled;
}

}  // namespace

std::string consoleKey(const qradar::ApiClient& api) {
  std::string key = api.settings().base_url;
  while (!key.empty() && key.back() == '/') key.pop_back();
  return key;
}

core::Status StoreSearchJournal::held(const std::string& search_id) {
  return store_.recordSearch({search_id, console_, hunt_, core::toEpochMs(clock_.now())});
}

core::Status StoreSearchJournal::released(const std::string& search_id) {
  return store_.forgetSearch(search_id);
}

LeftoverSweep deleteLeftoverSearches(qradar::ApiClient& api, state::StateStore& store,
                                     const std::vector<state::ConsoleSearch>& leftovers,
                                     qradar::Millis timeout, spdlog::logger& logger) {
  LeftoverSweep sweep;
  qradar::SearchLifecycle lifecycle(api);
  const std::string console = consoleKey(api);
  bool away = false;
  for (const state::ConsoleSearch& search : leftovers) {
    if (search.console != console) {
      ++sweep.elsewhere;
      continue;
    }
    if (away) {
      sweep.kept.push_back(search);
      continue;
    }
    // Read back from our own file, but a file can be edited: the id goes into a URL path.
    if (!qradar::isPlausibleSearchId(search.search_id)) {
      logger.warn("forgetting recorded search '{}': not a search id",
                  core::printableExcerpt(search.search_id, 64));
      if (auto forgot = store.forgetSearch(search.search_id); !forgot) {
        sweep.kept.push_back(search);
      }
      continue;
    }
    auto removed = lifecycle.remove(search.search_id, timeout);
    if (!removed) {
      away = consoleAway(removed.error());
      logger.warn(
          "deleting search {} of hunt '{}', left on the console by an earlier run: {} (still "
          "recorded, to be tried again)",
          search.search_id, core::printableExcerpt(search.hunt, 64), removed.error().message);
      sweep.kept.push_back(search);
      continue;
    }
    if (auto forgot = store.forgetSearch(search.search_id); !forgot) {
      logger.warn("{}", forgot.error().message);
      sweep.kept.push_back(search);  // gone from the console; the next try finds it gone
    }
    if (*removed) {
      ++sweep.deleted;
      logger.info(
          "deleted search {} of hunt '{}', started at {} and left on the console by an earlier "
          "run (killed before it cleaned up, or its delete failed)",
          search.search_id, core::printableExcerpt(search.hunt, 64),
          core::formatIso8601(search.created_at));
    } else {
      ++sweep.gone;
      logger.debug("search {} left by an earlier run is no longer on the console",
                   search.search_id);
    }
  }
  return sweep;
}

core::Result<LeftoverSweep> deleteRecordedSearches(qradar::ApiClient& api, state::StateStore& store,
                                                   qradar::Millis timeout, spdlog::logger& logger) {
  auto recorded = store.consoleSearches();
  if (!recorded) return recorded.error();
  return deleteLeftoverSearches(api, store, *recorded, timeout, logger);
}

}  // namespace aihunt::service
