#pragma once
// The Ariel searches a run holds on the console, kept in the state store (console_searches), and
// deleted by the next process when a killed one left them there. An abandoned search keeps
// running on the console, and a restarted daemon searches the same window again beside it.
#include <cstdint>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "qradar_client/api_client.h"
#include "qradar_client/search_journal.h"
#include "state/state_store.h"

namespace aihunt::service {

// qradar::SearchJournal on the store: one hunt's searches, stamped with the clock's time.
class StoreSearchJournal final : public qradar::SearchJournal {
 public:
  StoreSearchJournal(state::StateStore& store, std::string hunt, const core::Clock& clock)
      : store_(store), hunt_(std::move(hunt)), clock_(clock) {}
  [[nodiscard]] core::Status held(const std::string& search_id) override;
  [[nodiscard]] core::Status released(const std::string& search_id) override;

 private:
  state::StateStore& store_;
  std::string hunt_;
  const core::Clock& clock_;
};

struct LeftoverSweep {
  std::uint64_t deleted = 0;  // deleted now
  std::uint64_t gone = 0;     // no longer on the console (finished and expired, or deleted)
  // Not deleted (the console did not answer, or refused): still recorded, to be tried again.
  std::vector<state::ConsoleSearch> kept;
};

// Deletes `leftovers`, searches an earlier process recorded and never cleaned up, and forgets
// each that is gone. Only ids read from the store at start-up, under the instance lock, may be
// given: a search this process holds is recorded too, and must not be deleted under it.
[[nodiscard]] LeftoverSweep deleteLeftoverSearches(
    qradar::ApiClient& api, state::StateStore& store,
    const std::vector<state::ConsoleSearch>& leftovers, qradar::Millis timeout,
    spdlog::logger& logger);

// deleteLeftoverSearches() on every search the store records, for a command that holds the
// instance lock and has not started a search yet (`aihunt backfill`, `aihunt hunt --deliver`).
[[nodiscard]] core::Result<LeftoverSweep> deleteRecordedSearches(qradar::ApiClient& api,
                                                                 state::StateStore& store,
                                                                 qradar::Millis timeout,
                                                                 spdlog::logger& logger);

}  // namespace aihunt::service
