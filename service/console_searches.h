#pragma once
// The Ariel searches a run holds on the console, kept in the state store (console_searches), and
// deleted by the next process when a killed one left them there. An abandoned search keeps
// running on the console, and a restarted daemon searches the same window again beside it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "qradar_client/api_client.h"
#include "qradar_client/search_journal.h"
#include "state/state_store.h"

namespace aihunt::service {

// How a console is named in the store: its base URL without a trailing '/'.
std::string consoleKey(const qradar::ApiClient& api);

// qradar::SearchJournal on the store: one hunt's searches on `api`'s console, stamped with the
// clock's time.
class StoreSearchJournal final : public qradar::SearchJournal {
 public:
  StoreSearchJournal(state::StateStore& store, const qradar::ApiClient& api, std::string hunt,
                     const core::Clock& clock)
      : store_(store), console_(consoleKey(api)), hunt_(std::move(hunt)), clock_(clock) {}
  [[nodiscard]] core::Status held(const std::string& search_id) override;
  [[nodiscard]] core::Status released(const std::string& search_id) override;
  // Held and not released: once the run is over, searches whose delete failed, still on the
  // console and recorded.
  [[nodiscard]] std::vector<state::ConsoleSearch> stillHeld() const { return holding_; }

 private:
  state::StateStore& store_;
  std::vector<state::ConsoleSearch> holding_;
  std::string console_;
  std::string hunt_;
  const core::Clock& clock_;
};

struct LeftoverSweep {
  std::uint64_t deleted = 0;  // deleted now
  std::uint64_t gone = 0;     // no longer on the console (finished and expired, or deleted)
  // Not deleted (the console did not answer, or refused): still recorded, to be tried again.
  std::vector<state::ConsoleSearch> kept;
  // Made on another console than `api`'s: left alone (still recorded), for a connection to it.
  std::uint64_t elsewhere = 0;
  std::string elsewhere_consoles;  // their consoles, printable, joined with ", "
  std::string away_reason;         // why the console did not answer, if it stopped the sweep
};

// Deletes `leftovers`, searches an earlier process recorded and never cleaned up, that were made
// on `api`'s console, and forgets each that is gone. Only ids read from the store at start-up,
// under the instance lock, may be given: a search this process holds is recorded too, and must
// not be deleted under it. A console that stops answering ends the sweep: the rest are kept.
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
