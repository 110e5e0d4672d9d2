// The stored copies of QRadar reference sets (schema version 2): one row per set in
// reference_sets, its values in reference_set_values. Written rarely (each refresh that read a
// set), read once at start-up, so the statements are prepared per call.
#include <map>

#include "state/sqlite_state_store.h"

namespace aihunt::state {

core::Status SqliteStateStore::saveReferenceSet(const ReferenceSetCopy& copy) {
  const std::lock_guard lock(mutex_);
  const auto failed = [&](const core::Error& error) {
    return error.withContext("storing reference set '" + copy.name + "'");
  };
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return failed(transaction.error());
  auto clear = db_->prepare("DELETE FROM reference_set_values WHERE name = ?1");
  if (!clear) return failed(clear.error());
  if (auto status = clear->bind(1, copy.name); !status) return failed(status.error());
  if (auto status = clear->run(); !status) return failed(status.error());

  auto set = db_->prepare(
      "INSERT OR REPLACE INTO reference_sets (name, element_type, read_at, truncated) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!set) return failed(set.error());
  for (const auto& status :
       {set->bind(1, copy.name), set->bind(2, copy.element_type), set->bind(3, copy.read_at),
        set->bind(4, std::int64_t{copy.truncated ? 1 : 0})}) {
    if (!status) return failed(status.error());
  }
  if (auto status = set->run(); !status) return failed(status.error());

  // ALNIC sets may hold values that differ only in case; duplicates are not an error here.
  auto value =
      db_->prepare("INSERT OR IGNORE INTO reference_set_values (name, value) VALUES (?1, ?2)");
  if (!value) return failed(value.error());
  for (const auto& text : copy.values) {
    const sqlite::Statement::Reset reset(*value);
    if (auto status = value->bind(1, copy.name); !status) return failed(status.error());
    if (auto status = value->bind(2, text); !status) return failed(status.error());
    if (auto status = value->run(); !status) return failed(status.error());
  }
  if (auto status = transaction->commit(); !status) return failed(status.error());
  return {};
}

core::Result<std::vector<ReferenceSetCopy>> SqliteStateStore::referenceSets() {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) {
    return error.withContext("reading stored reference sets");
  };
  std::vector<ReferenceSetCopy> copies;
  std::map<std::string, std::size_t> index;
  auto sets = db_->prepare(
      "SELECT name, element_type, read_at, truncated FROM reference_sets ORDER BY name");
  if (!sets) return failed(sets.error());
  for (;;) {
    auto row = sets->step();
    if (!row) return failed(row.error());
    if (!*row) break;
    ReferenceSetCopy& copy = copies.emplace_back();
    copy.name = sets->textAt(0);
    copy.element_type = sets->textAt(1);
    copy.read_at = sets->int64At(2);
    copy.truncated = sets->int64At(3) != 0;
    index.emplace(copy.name, copies.size() - 1);
  }
  auto values = db_->prepare("SELECT name, value FROM reference_set_values");
  if (!values) return failed(values.error());
  for (;;) {
    auto row = values->step();
    if (!row) return failed(row.error());
    if (!*row) break;
    const auto it = index.find(values->textAt(0));
    if (it != index.end()) copies[it->second].values.push_back(values->textAt(1));
  }
  return copies;
}

}  // namespace aihunt::state
