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

constexpr core::EpochMs kForgetElsewhereAfter = 7LL * 24 * 3'600'000;

}  // namespace

std::string consoleKey(const qradar::ApiClient& api) {
  std::string key = api.settings().base_url;
  while (!key.empty() && key.back() == '/') key.pop_back();
  return key;
}

core::Status StoreSearchJournal::held(const std::string& search_id) {
  state::ConsoleSearch search{search_id, console_, hunt_, core::toEpochMs(clock_.now())};
  std::erase_if(holding_, [&](const auto& held) { return held.search_id == search_id; });
  holding_.push_back(search);
  return store_.recordSearch(search);
}

core::Status StoreSearchJournal::released(const std::string& search_id) {
  std::erase_if(holding_, [&](const auto& held) { return held.search_id == search_id; });
  return store_.forgetSearch(search_id);
}

LeftoverSweep deleteLeftoverSearches(qradar::ApiClient& api, state::StateStore& store,
                                     const std::vector<state::ConsoleSearch>& leftovers,
                                     qradar::Millis timeout, spdlog::logger& logger) {
  LeftoverSweep sweep;
  qradar::SearchLifecycle lifecycle(api);
  const std::string console = consoleKey(api);
  bool away = false;
  const core::EpochMs now = core::toEpochMs(api.deps().clock.now());
  for (const state::ConsoleSearch& search : leftovers) {
    if (search.console != console) {
      if (now - search.created_at > kForgetElsewhereAfter) {
        logger.info(
            "forgetting search {} recorded on {} for another console, {}: its results are "
            "long gone",
            core::printableExcerpt(search.search_id, 128), core::formatIso8601(search.created_at),
            core::printableExcerpt(search.console, 120));
        if (auto forgot = store.forgetSearch(search.search_id); !forgot) {
          logger.warn("{}", forgot.error().message);
        }
        continue;
      }
      ++sweep.elsewhere;
      if (sweep.elsewhere_consoles.find(search.console) == std::string::npos) {
        sweep.elsewhere_consoles += (sweep.elsewhere_consoles.empty() ? "" : ", ") +
                                    core::printableExcerpt(search.console, 120);
      }
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
      sweep.kept.push_back(search);
      if (away) {
        // Said once for the sweep, below: each search would only repeat it.
        sweep.away_reason = removed.error().message;
      } else {
        logger.warn("deleting search {} of hunt '{}', left on the console: {} (still recorded)",
                    search.search_id, core::printableExcerpt(search.hunt, 64),
                    removed.error().message);
      }
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
      logger.info("search {} of hunt '{}', left on the console, is no longer there",
                  search.search_id, core::printableExcerpt(search.hunt, 64));
    }
  }
  if (!sweep.away_reason.empty()) {
    logger.warn("{} left on the console still recorded: the console did not answer ({})",
                core::counted(sweep.kept.size(), "search", "searches"), sweep.away_reason);
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
