#pragma once
// StateStore on SQLite: one connection in WAL mode with synchronous=FULL, guarded by a mutex, and
// its statements prepared once at open.
#include <memory>
#include <mutex>
#include <string>

#include "state/sqlite_db.h"
#include "state/state_store.h"

namespace aihunt::state {

class SqliteStateStore final : public StateStore {
 public:
  // See StateStore::open.
  [[nodiscard]] static core::Result<std::unique_ptr<SqliteStateStore>> open(
      const std::string& path, const OpenOptions& options);
  ~SqliteStateStore() override;
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  core::Result<std::optional<core::EpochMs>> ledgerEnd(const std::string& hunt) override;
  core::Result<std::vector<WindowRecord>> windows(const std::string& hunt, core::EpochMs from,
                                                  core::EpochMs to) override;
  core::Result<std::optional<core::EpochMs>> scheduledThrough(const std::string& hunt) override;
  core::Result<bool> recordGap(const Gap& gap) override;
  core::Result<std::vector<Gap>> gaps(const std::string& hunt) override;

  core::Result<bool> seen(const std::string& finding_id) override;
  core::Result<bool> baselineKnown(const std::string& key) override;
  core::Result<CommitResult> commit(const Commit& commit) override;
  core::Result<bool> uploadTotalCovers(const std::string& hunt,
                                       const UploadTotalMark& mark) override;
  core::Result<bool> uploadTotalRaised(const std::string& hunt,
                                       const UploadTotalMark& mark) override;
  core::Result<std::uint64_t> pruneSeen(core::EpochMs before) override;
  core::Status stillInPlace() override;

  core::Result<std::vector<OutboxRow>> pending(const std::string& sink, std::size_t limit) override;
  core::Status delivered(const std::string& sink, std::int64_t first_row,
                         std::int64_t last_row) override;
  core::Status deliveredExcept(const std::string& sink, std::int64_t first_row,
                               std::int64_t last_row, const std::vector<std::int64_t>& again,
                               core::EpochMs again_at, const std::string& why) override;
  core::Status deliveredRows(const std::string& sink,
                             const std::vector<std::int64_t>& rows) override;
  core::Status deliveryFailed(const std::string& sink, std::int64_t first_row,
                              std::int64_t last_row, const std::string& error) override;
  core::Result<std::uint64_t> outboxDepth(const std::string& sink) override;
  core::Result<std::uint64_t> release(const std::string& sink, const std::string& leader,
                                      core::EpochMs due_at, std::int64_t free_above,
                                      core::EpochMs latest_due) override;
  core::Result<std::vector<OutboxRow>> pendingFromDue(const std::string& sink, core::EpochMs now,
                                                      std::size_t limit) override;
  core::Result<std::int64_t> newestOutboxId() override;
  core::Result<HeldRows> held(const std::string& sink, core::EpochMs now) override;
  core::Status setProgress(const SinkProgress& progress) override;
  core::Result<std::optional<SinkProgress>> progress(const std::string& sink) override;
  core::Status clearProgress(const std::string& sink) override;

  core::Status saveReferenceSet(const ReferenceSetCopy& copy) override;
  core::Result<std::vector<ReferenceSetCopy>> referenceSets() override;

  core::Status recordSearch(const ConsoleSearch& search) override;
  core::Status forgetSearch(const std::string& search_id) override;
  core::Result<std::vector<ConsoleSearch>> consoleSearches() override;

  core::Result<StoreSummary> summary() override;
  core::Result<std::vector<std::string>> integrityCheck() override;
  core::Status vacuum() override;
  core::Result<std::vector<LedgerRewind>> rewindLedger(const std::string& hunt,
                                                       core::EpochMs to) override;

 private:
  struct Statements;
  SqliteStateStore(std::unique_ptr<sqlite::Database> db, std::unique_ptr<Statements> statements);
  // gaps(), with mutex_ held.
  core::Result<std::vector<Gap>> openGapsLocked(const std::string& hunt);
  core::Result<std::vector<Gap>> unrecordedHolesLocked(const std::string& hunt,
                                                       const std::vector<Gap>& recorded);

  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;  // declared before the statements it outlives
  std::unique_ptr<Statements> statements_;
};

}  // namespace aihunt::state
