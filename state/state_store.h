#pragma once
// The daemon's memory (SQLite in WAL mode, one file): the window ledger per hunt, the gaps it
// could not hunt, the finding ids already raised, first-seen baselines, the outbox of pending
// deliveries per sink, and per-sink delivery progress. Every write is one transaction, durable
// when it returns (synchronous=FULL). Thread-safe: calls are serialised on one connection.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace aihunt::state {

// A hunted window [from, to), whole minutes, as the ledger records it.
struct WindowRecord {
  std::string hunt;
  core::EpochMs from = 0;
  core::EpochMs to = 0;
  std::uint64_t rows = 0;
  std::uint64_t findings = 0;  // new findings raised
  std::uint64_t repeats = 0;   // findings already raised by an earlier window
  std::uint64_t suppressed = 0;
  core::EpochMs completed_at = 0;
};

// A stretch a hunt will never search unless backfilled: older than catch_up_max when the daemon
// came back (recorded then), or left between a backfilled range and the ledger (recorded_at 0).
struct Gap {
  std::string hunt;
  core::EpochMs from = 0;
  core::EpochMs to = 0;
  core::EpochMs recorded_at = 0;
};

// An upload total's identity beyond its id: who sent the bytes to which provider, over which
// window [from, to). The daemon's windows are fixed, so the same total hunted again has the same
// id; `aihunt hunt --deliver` searches windows of its own, and asks whether a total of the same
// source, user and provider over an overlapping window was raised already (uploadTotalRaised).
struct UploadTotalMark {
  std::string source_ip;
  std::string username;
  std::string provider;
  core::EpochMs from = 0;
  core::EpochMs to = 0;
  // The first and the last request of the total and its bytes, when known (uploadTotalCovers).
  std::optional<core::EpochMs> first_request;
  std::optional<core::EpochMs> last_request;
  std::optional<std::int64_t> bytes;
};

// One new finding for the outbox: its id, when it happened, and what the sinks deliver.
struct FindingItem {
  std::string finding_id;
  core::EpochMs event_time = 0;
  std::string payload;                          // the finding as one JSON object, no newline
  std::optional<UploadTotalMark> upload_total;  // kept when the finding is new (upload totals)
};

// What one results page (or the last page of a window) commits in one transaction.
struct Commit {
  std::string hunt;
  core::EpochMs now = 0;
  std::vector<FindingItem> findings;      // each id not seen before gets an outbox row per sink
  std::vector<std::string> sinks;         // sink names that should deliver these findings
  std::vector<std::string> baselines;     // first-seen keys to remember (INSERT OR IGNORE)
  std::optional<WindowRecord> completes;  // set on the window's last commit: marks it done
};

struct CommitResult {
  std::uint64_t added = 0;    // findings new to the store (got outbox rows)
  std::uint64_t repeats = 0;  // findings whose id was already there
};

struct OutboxRow {
  std::int64_t id = 0;  // increasing; delivery order
  std::string sink;
  std::string finding_id;
  std::string payload;
  core::EpochMs created_at = 0;
  int attempts = 0;
  std::string last_error;
  // For a sink that waits behind another (Sink::waitAfterLeader()): when the row may go, set
  // once the leader has delivered the finding (StateStore::release()); unset until then.
  std::optional<core::EpochMs> due_at;
  // When due_at was first set. A row the sink tries again (deliveredExcept()) gets a later
  // due_at and keeps this.
  std::optional<core::EpochMs> first_due_at;
};

// What a sink that waits after another holds back (StateStore::held()).
struct HeldRows {
  std::uint64_t count = 0;
  std::optional<core::EpochMs> first_due;  // none when every held row still waits for its leader
  std::uint64_t for_leader = 0;            // of `count`, rows with no due time yet
  std::uint64_t retrying = 0;              // of `count`, rows tried before and due again later
};

// A sink's delivery under way: written before it touches its destination, cleared after the
// rows are removed, so that a restart knows exactly what may be half-delivered.
struct SinkProgress {
  std::string sink;
  std::string target;          // e.g. the JSONL file's path
  std::int64_t offset = 0;     // e.g. the file's size before the batch was appended
  std::int64_t first_row = 0;  // outbox ids of the batch, inclusive
  std::int64_t last_row = 0;
};

struct HuntSummary {
  std::string hunt;
  std::optional<core::EpochMs> ledger_end;  // end of the newest done window
  std::optional<core::EpochMs> ledger_start;
  std::uint64_t windows = 0;
  std::uint64_t findings = 0;
  std::uint64_t repeats = 0;
  std::uint64_t gaps = 0;  // still open: StateStore::gaps()
};

// What StateStore::rewindLedger took back, for one hunt.
struct LedgerRewind {
  std::string hunt;
  std::uint64_t windows = 0;         // ledger windows forgotten
  std::uint64_t gaps = 0;            // gaps forgotten or cut short
  std::optional<core::EpochMs> end;  // where the ledger (or a gap before it) now ends
};

struct StoreSummary {
  std::string path;
  int schema_version = 0;
  std::uint64_t file_bytes = 0;
  std::uint64_t seen_findings = 0;
  std::uint64_t baselines = 0;
  std::uint64_t console_searches = 0;  // recorded as held on the console (ConsoleSearch)
  std::vector<HuntSummary> hunts;
  std::vector<std::pair<std::string, std::uint64_t>> outbox_depth;  // per sink
  // Per sink whose rows have due times (OutboxRow::due_at): the earliest of them.
  std::vector<std::pair<std::string, core::EpochMs>> outbox_first_due;
  // Per sink with rows it tried and tries again later (StateStore::deliveredExcept()): how many.
  std::vector<std::pair<std::string, std::uint64_t>> outbox_retrying;
  // Per sink with rows that failed: the most failed attempts of a row, and that row's error.
  struct FailingSink {
    std::string sink;
    std::uint64_t attempts = 0;
    std::string last_error;
  };
  std::vector<FailingSink> outbox_failing;
};

// The last good copy of a QRadar reference set that exceptions look values up in.
struct ReferenceSetCopy {
  std::string name;
  std::string element_type;  // ALN, ALNIC, IP, NUM, PORT, DATE
  core::EpochMs read_at = 0;
  bool truncated = false;  // the set held more values than were kept
  std::vector<std::string> values;
};

// An Ariel search a run held on the console, recorded while it exists (qradar::SearchJournal):
// one still recorded when a process starts was left by one that was killed.
struct ConsoleSearch {
  std::string search_id;
  std::string console;  // the base URL of the console that made it
  std::string hunt;
  core::EpochMs created_at = 0;
};

struct OpenOptions {
  bool create = true;      // create the file (and schema) when missing
  bool read_only = false;  // `aihunt state show|gaps|check`
};

// Safe to call from several threads at once (the daemon's hunt workers, the outbox's lanes):
// each call is one transaction.
class StateStore {
 public:
  // Opens (creating or migrating) the store and runs a quick integrity check. A file that is not
  // a database, is corrupt or truncated, or has a newer schema fails with ErrorCode::kState and a
  // message that names the file, what is wrong, and what to do (`aihunt state check`,
  // `--state-reset`). Never crashes on a damaged file.
  [[nodiscard]] static core::Result<std::unique_ptr<StateStore>> open(const std::string& path,
                                                                      const OpenOptions& options);
  virtual ~StateStore() = default;

  // --- ledger ---
  // End of the newest done window of `hunt` (nullopt: the hunt has no done window yet).
  [[nodiscard]] virtual core::Result<std::optional<core::EpochMs>> ledgerEnd(
      const std::string& hunt) = 0;
  // Done windows of `hunt` overlapping [from, to), oldest first.
  [[nodiscard]] virtual core::Result<std::vector<WindowRecord>> windows(const std::string& hunt,
                                                                        core::EpochMs from,
                                                                        core::EpochMs to) = 0;
  // Where the daemon hunts `hunt` from: the end of its newest done window or of its newest
  // recorded gap, whichever is later (a gap recorded by a turn whose hunt then failed is not
  // hunted, nor recorded again by the next turn). nullopt: neither yet.
  [[nodiscard]] virtual core::Result<std::optional<core::EpochMs>> scheduledThrough(
      const std::string& hunt) = 0;
  // Records a stretch that will not be hunted. One that starts inside or at the end of a
  // recorded gap of the hunt extends it (one outage, one gap): true when a new gap was recorded,
  // false when an earlier one was extended or already held it.
  [[nodiscard]] virtual core::Result<bool> recordGap(const Gap& gap) = 0;
  // The gaps still open (of one hunt when `hunt` is not empty), oldest first: each recorded gap
  // less the done windows that cover part of it (a backfill), so one gap may come back as
  // several pieces, each with the gap's recorded_at, and a gap backfilled in full not at all.
  // Also, with recorded_at 0, the stretches between a hunt's windows that no gap records (a
  // backfill of a range older than the ledger leaves one before the ledger's first window).
  [[nodiscard]] virtual core::Result<std::vector<Gap>> gaps(const std::string& hunt) = 0;

  // --- findings ---
  [[nodiscard]] virtual core::Result<bool> seen(const std::string& finding_id) = 0;
  [[nodiscard]] virtual core::Result<bool> baselineKnown(const std::string& key) = 0;
  // One transaction: seen ids, outbox rows for the new ones, baselines, and the window record.
  [[nodiscard]] virtual core::Result<CommitResult> commit(const Commit& commit) = 0;
  // Whether an upload total of `hunt` for the mark's source, user and provider was raised over a
  // window that overlaps [mark.from, mark.to) (the same window included). Its bytes are not
  // compared: windows cut otherwise merge totals that were never raised (under the threshold)
  // with one that was, and the same window hunted again keeps its id whatever bytes were indexed
  // late, so more bytes is no sign of a new upload.
  [[nodiscard]] virtual core::Result<bool> uploadTotalRaised(const std::string& hunt,
                                                             const UploadTotalMark& mark) = 0;
  // Whether an upload total of `hunt` for the mark's source, user and provider was raised whose
  // requests span every request of the mark's, [first_request, last_request], with at least the
  // mark's bytes: the same requests read again (false when the mark does not know them).
  [[nodiscard]] virtual core::Result<bool> uploadTotalCovers(const std::string& hunt,
                                                             const UploadTotalMark& mark) = 0;
  // Forgets seen ids first raised before `before` (state.retention), and the upload totals
  // raised before then. Returns how many ids.
  [[nodiscard]] virtual core::Result<std::uint64_t> pruneSeen(core::EpochMs before) = 0;
  // Fails (kState) when the file at the store's path is no longer the one it has open: deleted,
  // moved or replaced while aihunt runs. What is recorded after that would not be there for the
  // next start (in WAL mode SQLite keeps writing to the unlinked file without a word).
  [[nodiscard]] virtual core::Status stillInPlace() = 0;

  // --- outbox ---
  // Oldest pending rows of `sink`, at most `limit`.
  [[nodiscard]] virtual core::Result<std::vector<OutboxRow>> pending(const std::string& sink,
                                                                     std::size_t limit) = 0;
  // Removes delivered rows [first_row, last_row] of `sink` and clears its progress, at once.
  [[nodiscard]] virtual core::Status delivered(const std::string& sink, std::int64_t first_row,
                                               std::int64_t last_row) = 0;
  // delivered(), but for the rows `again` (ids in the range), which the sink will try again:
  // they stay, due at `again_at`, with a try counted and `why` as their last error.
  [[nodiscard]] virtual core::Status deliveredExcept(const std::string& sink,
                                                     std::int64_t first_row, std::int64_t last_row,
                                                     const std::vector<std::int64_t>& again,
                                                     core::EpochMs again_at,
                                                     const std::string& why) = 0;
  // Removes the rows `rows` of `sink` (what a failed batch got through), at once.
  [[nodiscard]] virtual core::Status deliveredRows(const std::string& sink,
                                                   const std::vector<std::int64_t>& rows) = 0;
  // Counts a failed attempt on rows [first_row, last_row] of `sink`, with the error's text.
  [[nodiscard]] virtual core::Status deliveryFailed(const std::string& sink, std::int64_t first_row,
                                                    std::int64_t last_row,
                                                    const std::string& error) = 0;
  [[nodiscard]] virtual core::Result<std::uint64_t> outboxDepth(const std::string& sink) = 0;
  // Gives `due_at` to the rows of `sink` that have none and whose findings `leader` has
  // delivered: those below the oldest row `leader` still holds (all of them when it holds none,
  // or when `leader` is empty). A finding's rows are made in one commit, the leader's first
  // (Sink::follows()), so a row below the leader's oldest has had its leader row delivered.
  // Rows above `free_above` need no leader row (made while the leader was not configured, so
  // they have none). A row given its first due time also gets it as `first_due_at`. A row due
  // later than `latest_due` (or `due_at`, if later) is brought back to `due_at`: the wall clock
  // was set back, or the wait was shortened. (`latest_due` leaves alone the rows a sink tries
  // again after a longer wait: deliveredExcept().) Returns how many rows were given a time.
  [[nodiscard]] virtual core::Result<std::uint64_t> release(const std::string& sink,
                                                            const std::string& leader,
                                                            core::EpochMs due_at,
                                                            std::int64_t free_above,
                                                            core::EpochMs latest_due) = 0;
  // For a sink whose rows have due times: its oldest rows from the oldest that is due at `now`
  // on, at most `limit` (due or not: the caller ends its batch before the first that is not);
  // none when nothing is due.
  [[nodiscard]] virtual core::Result<std::vector<OutboxRow>> pendingFromDue(const std::string& sink,
                                                                            core::EpochMs now,
                                                                            std::size_t limit) = 0;
  // The newest outbox id (0 when empty): rows made later have higher ids.
  [[nodiscard]] virtual core::Result<std::int64_t> newestOutboxId() = 0;
  // The rows of `sink` not due at `now` (no due time yet, or a later one), and the earliest of
  // those later due times.
  [[nodiscard]] virtual core::Result<HeldRows> held(const std::string& sink, core::EpochMs now) = 0;
  [[nodiscard]] virtual core::Status setProgress(const SinkProgress& progress) = 0;
  [[nodiscard]] virtual core::Result<std::optional<SinkProgress>> progress(
      const std::string& sink) = 0;
  [[nodiscard]] virtual core::Status clearProgress(const std::string& sink) = 0;

  // --- reference sets (exceptions' allow-lists) ---
  // Replaces the stored copy of set `copy.name`, values included, in one transaction.
  [[nodiscard]] virtual core::Status saveReferenceSet(const ReferenceSetCopy& copy) = 0;
  // Every stored copy, by name.
  [[nodiscard]] virtual core::Result<std::vector<ReferenceSetCopy>> referenceSets() = 0;

  // --- searches held on the console ---
  // Records (or re-records) a search; at most one row per id.
  [[nodiscard]] virtual core::Status recordSearch(const ConsoleSearch& search) = 0;
  // Forgets a search; one not recorded is not an error.
  [[nodiscard]] virtual core::Status forgetSearch(const std::string& search_id) = 0;
  // Every recorded search, oldest first.
  [[nodiscard]] virtual core::Result<std::vector<ConsoleSearch>> consoleSearches() = 0;

  // --- maintenance ---
  [[nodiscard]] virtual core::Result<StoreSummary> summary() = 0;
  // PRAGMA integrity_check: empty when sound, else what SQLite found (at most 20 lines).
  [[nodiscard]] virtual core::Result<std::vector<std::string>> integrityCheck() = 0;
  [[nodiscard]] virtual core::Status vacuum() = 0;
  // `aihunt state rewind`: the ledgers of `hunt` (every hunt when empty) taken back to `to` (a
  // whole minute), in one transaction. Windows that end after it are forgotten (one that spans
  // it too, so a ledger ends at or before it), gaps that start at or after it are forgotten,
  // and one that spans it ends there. Seen ids stay: the daemon hunts those windows again and
  // raises only what is new. For a clock that ran ahead (docs/operations.md). Per hunt touched.
  [[nodiscard]] virtual core::Result<std::vector<LedgerRewind>> rewindLedger(
      const std::string& hunt, core::EpochMs to) = 0;
};

// What `aihunt state check` reports: opens `path` read-only without refusing damage and lists
// what is wrong with it (not a database, a newer schema, or PRAGMA integrity_check's findings, at
// most 20 lines); empty when sound. Fails only when the file cannot be opened at all (kIo).
[[nodiscard]] core::Result<std::vector<std::string>> checkStateFile(const std::string& path);

// Fails (ErrorCode::kState) when the file at `path` is not aihunt's store at all: not an SQLite
// database (its first bytes are not SQLite's header), or another program's database (tables and no
// aihunt `meta`). Passes for aihunt's store, sound or damaged, and when there is no file.
// --state-reset moves only files this passes: a wrong state.path must not move another program's
// file aside.
[[nodiscard]] core::Status checkNotForeign(const std::string& path);

// Moves a damaged store (and its -wal and -shm files) aside to "<path>.corrupt-<yyyymmddThhmmssZ>"
// and returns the new path of the main file; a missing file is not an error (returns "", after
// moving any -wal or -shm left without their database).
[[nodiscard]] core::Result<std::string> moveAside(const std::string& path, core::EpochMs now);

}  // namespace aihunt::state
