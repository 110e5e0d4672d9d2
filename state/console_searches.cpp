// The Ariel searches held on the console (schema version 6): a row per search while a run holds
// it. A few writes per search, so the statements are prepared per call.
#include "state/sqlite_state_store.h"

namespace aihunt::state {

core::Status SqliteStateStore::recordSearch(const ConsoleSearch& search) {
  const std::lock_guard lock(mutex_);
  const auto failed = [&](const core::Error& error) {
    return error.withContext("recording search '" + search.search_id + "'");
  };
  auto insert = db_->prepare(
      "INSERT OR REPLACE INTO console_searches (search_id, console, hunt, created_at) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return failed(insert.error());
  for (const auto& status : {insert->bind(1, search.search_id), insert->bind(2, search.console),
                             insert->bind(3, search.hunt), insert->bind(4, search.created_at)}) {
    if (!status) return failed(status.error());
  }
  if (auto status = insert->run(); !status) return failed(status.error());
  return {};
}

core::Status SqliteStateStore::forgetSearch(const std::string& search_id) {
  const std::lock_guard lock(mutex_);
  const auto failed = [&](const core::Error& error) {
    return error.withContext("forgetting search '" + search_id + "'");
  };
  auto remove = db_->prepare("DELETE FROM console_searches WHERE search_id = ?1");
  if (!remove) return failed(remove.error());
  if (auto status = remove->bind(1, search_id); !status) return failed(status.error());
  if (auto status = remove->run(); !status) return failed(status.error());
  return {};
}

core::Result<std::vector<ConsoleSearch>> SqliteStateStore::consoleSearches() {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) {
    return error.withContext("reading the recorded console searches");
  };
  auto select = db_->prepare(
      "SELECT search_id, console, hunt, created_at FROM console_searches "
      "ORDER BY created_at, search_id");
  if (!select) return failed(select.error());
  std::vector<ConsoleSearch> searches;
  for (;;) {
    auto row = select->step();
    if (!row) return failed(row.error());
    if (!*row) break;
    ConsoleSearch& search = searches.emplace_back();
    search.search_id = select->textAt(0);
    search.console = select->textAt(1);
    search.hunt = select->textAt(2);
    search.created_at = select->int64At(3);
  }
  return searches;
}

}  // namespace aihunt::state
