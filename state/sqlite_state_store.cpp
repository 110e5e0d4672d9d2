#include "state/sqlite_state_store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <system_error>
#include <utility>

#include "state/schema.h"

namespace aihunt::state {
namespace {

namespace fs = std::filesystem;
using sqlite::Statement;

// Error texts kept per outbox row; longer ones are cut.
constexpr std::size_t kMaxErrorText = 2000;
// Lines of PRAGMA integrity_check reported.
constexpr std::size_t kMaxIntegrityLines = 20;

core::Status bindOne(Statement& statement, int index, std::int64_t value) {
  return statement.bind(index, value);
}
core::Status bindOne(Statement& statement, int index, std::string_view text) {
  return statement.bind(index, text);
}
core::Status bindOne(Statement& statement, int index, const std::optional<std::int64_t>& value) {
  return value ? statement.bind(index, *value) : statement.bindNull(index);
}

// Steps a bound statement through its rows, calling take(statement) on each; a failed step is
// the error, named by `what`.
template <typename Take>
core::Status eachRow(Statement& statement, std::string_view what, const Take& take) {
  for (;;) {
    auto row = statement.step();
    if (!row) return row.error().withContext(std::string(what));
    if (!*row) return {};
    take(statement);
  }
}

// Binds `values` to parameters 1..n in order.
template <typename... Values>
core::Status bindAll(Statement& statement, const Values&... values) {
  int index = 0;
  core::Status status;
  const auto one = [&](const auto& value) {
    if (status) status = bindOne(statement, ++index, value);
  };
  (one(values), ...);
  return status;
}

// Binds, runs to completion and resets: one write.
template <typename... Values>
core::Status runWith(Statement& statement, const Values&... values) {
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, values...); !status) return status;
  return statement.run();
}

std::int64_t asInt64(std::uint64_t value) {
  return value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(value);
}

std::uint64_t asUint64(std::int64_t value) {
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view cutText(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

std::uint64_t fileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

core::Error ioError(const std::string& path, const std::string& what) {
  return core::makeError(core::ErrorCode::kIo, "state file " + path + " " + what);
}

// Checks the path before SQLite sees it, so that the common mistakes get plain messages.
core::Status checkPath(const std::string& path, const OpenOptions& options) {
  if (path.empty()) return core::makeError(core::ErrorCode::kIo, "state file path is empty");
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return ioError(path, "cannot be read: " + ec.message());
  }
  if (fs::is_directory(status)) return ioError(path, "is a folder, not a file");
  if (fs::exists(status)) {
    // A pipe or a device would block or swallow writes: only a regular file (or a link to one).
    if (!fs::is_regular_file(status)) return ioError(path, "is not a regular file");
    // An empty file beside a log with content: the file was truncated or replaced under a store
    // whose latest writes are in that log. SQLite would take the file for a new store and drop
    // the log, and every finding would be raised again (a resource trial).
    std::error_code wal_error, file_error;
    const auto wal_bytes = fs::file_size(path + "-wal", wal_error);
    const auto file_bytes = fs::file_size(path, file_error);
    if (!wal_error && !file_error && file_bytes == 0 && wal_bytes > 0) {
      return core::makeError(core::ErrorCode::kState,
                             "state file " + path + " is empty but its log " + path +
                                 "-wal holds " + std::to_string(wal_bytes) +
                                 " bytes (the file was truncated or replaced): restore it from a "
                                 "backup, or start with --state-reset to move both aside and "
                                 "begin afresh");
    }
    return {};
  }
  if (fs::exists(path + "-wal", ec)) {
    // SQLite would replay the orphaned log into the new file and corrupt it.
    return core::makeError(core::ErrorCode::kState,
                           "state file " + path + " is missing but its log " + path +
                               "-wal is still there: if the file was moved or renamed, move it "
                               "back (the log belongs to it, and the ledger is in the two); "
                               "otherwise start with --state-reset to move the log aside and "
                               "begin afresh (every finding of the last catch_up_max is then "
                               "raised again)");
  }
  if (options.read_only) {
    const fs::path folder = fs::path(path).parent_path();
    if (!folder.empty() && !fs::is_directory(folder, ec)) {
      // The daemon creates the file, not its folder (a trial read "creates it" and waited).
      return ioError(path, "does not exist, nor does its folder " + folder.string() +
                               " (aihunt creates the file on its first run, not the folder)");
    }
    return ioError(path, "does not exist (the daemon creates it on its first run)");
  }
  if (!options.create) return ioError(path, "does not exist");
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return ioError(path, "cannot be created: folder " + parent.string() + " does not exist");
  }
  return {};
}

// PRAGMA quick_check: the b-tree structure of every table and index, without cross-checks.
core::Status quickCheck(sqlite::Database& db) {
  auto statement = db.prepare("PRAGMA quick_check(1)");
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  if (!*row) return sqlite::damagedError(db.path(), "quick_check returned nothing");
  const std::string first = statement->textAt(0);
  if (first != "ok") {
    std::vector<std::string> lines;
    sqlite::appendCheckLines(first, lines);
    return sqlite::damagedError(db.path(), lines.empty() ? first : lines.front());
  }
  return {};
}

// Sets the connection up: WAL, durable commits, foreign keys.
core::Status configure(sqlite::Database& db, const OpenOptions& options) {
  if (auto status = db.exec("PRAGMA foreign_keys=ON", "configuring"); !status) return status;
  if (options.read_only) return {};
  auto mode = db.queryText("PRAGMA journal_mode=WAL", "");
  if (!mode) return mode.error();
  if (*mode != "wal") {
    return core::makeError(
        core::ErrorCode::kState,
        "state file " + db.path() + " cannot use WAL mode (journal mode is '" + *mode + "')");
  }
  return db.exec("PRAGMA synchronous=FULL", "configuring");
}

}  // namespace

struct SqliteStateStore::Statements {
  Statement ledger_end;
  Statement windows;
  Statement insert_gap;
  Statement extend_gap;
  Statement scheduled_through;
  Statement gaps;
  Statement ledger_hunts;
  Statement seen;
  Statement baseline_known;
  Statement insert_seen;
  Statement insert_outbox;
  Statement insert_baseline;
  Statement replace_window;
  Statement prune_seen;
  Statement insert_upload_total;
  Statement upload_total_raised;
  Statement prune_upload_totals;
  Statement upload_total_covers;
  Statement pending;
  Statement delete_outbox;
  Statement fail_outbox;
  Statement outbox_depth;
  Statement release;
  Statement retry_outbox;
  Statement newest_outbox_id;
  Statement pending_from_due;
  Statement held;
  Statement set_progress;
  Statement get_progress;
  Statement clear_progress;

  static core::Result<std::unique_ptr<Statements>> prepare(sqlite::Database& db) {
    auto statements = std::make_unique<Statements>();
    const std::pair<Statement*, std::string_view> all[] = {
        {&statements->ledger_end, "SELECT MAX(to_ms) FROM windows WHERE hunt = ?1"},
        {&statements->windows,
         "SELECT hunt, from_ms, to_ms, rows, findings, repeats, suppressed, completed_at "
         "FROM windows WHERE hunt = ?1 AND from_ms < ?3 AND to_ms > ?2 ORDER BY from_ms"},
        {&statements->insert_gap,
         "INSERT OR IGNORE INTO gaps (hunt, from_ms, to_ms, recorded_at) VALUES (?1, ?2, ?3, ?4)"},
        {&statements->extend_gap,
         "UPDATE OR IGNORE gaps SET to_ms = MAX(to_ms, ?3) "
         "WHERE hunt = ?1 AND from_ms <= ?2 AND to_ms >= ?2"},
        {&statements->scheduled_through,
         "SELECT MAX(e) FROM (SELECT MAX(to_ms) AS e FROM windows WHERE hunt = ?1 "
         "UNION ALL SELECT MAX(to_ms) FROM gaps WHERE hunt = ?1)"},
        {&statements->ledger_hunts,
         "SELECT DISTINCT hunt FROM windows WHERE ?1 = '' OR hunt = ?1 ORDER BY hunt"},
        {&statements->gaps,
         "SELECT hunt, from_ms, to_ms, recorded_at FROM gaps WHERE ?1 = '' OR hunt = ?1 "
         "ORDER BY from_ms, hunt, to_ms"},
        {&statements->seen, "SELECT 1 FROM seen WHERE finding_id = ?1"},
        {&statements->baseline_known, "SELECT 1 FROM baselines WHERE key = ?1"},
        {&statements->insert_seen,
         "INSERT OR IGNORE INTO seen (finding_id, hunt, event_time, first_raised_at) "
         "VALUES (?1, ?2, ?3, ?4)"},
        {&statements->insert_outbox,
         "INSERT INTO outbox (sink, finding_id, payload, created_at) "
         "VALUES (?1, ?2, ?3, ?4)"},
        {&statements->insert_baseline,
         "INSERT OR IGNORE INTO baselines (key, first_seen_at) VALUES (?1, ?2)"},
        // A window hunted again from the same start (a forced backfill) never shortens the one
        // recorded: a shorter search replacing an hour would leave the rest of it unhunted in
        // the ledger (a review).
        {&statements->replace_window,
         "INSERT INTO windows (hunt, from_ms, to_ms, rows, findings, repeats, suppressed, "
         "completed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (hunt, from_ms) DO "
         "UPDATE SET to_ms = MAX(to_ms, excluded.to_ms), rows = excluded.rows, findings = "
         "excluded.findings, repeats = excluded.repeats, suppressed = excluded.suppressed, "
         "completed_at = excluded.completed_at"},
        // An id whose outbox row may still be pending is kept: forgetting it would let the same
        // finding be queued a second time. (The outbox has no index on finding ids: random keys
        // cost a page write each; `seen` alone decides what is new.)
        {&statements->prune_seen,
         "DELETE FROM seen WHERE first_raised_at < ?1 AND first_raised_at < "
         "(SELECT COALESCE(MIN(created_at), ?1) FROM outbox)"},
        {&statements->insert_upload_total,
         "INSERT OR IGNORE INTO upload_totals (hunt, source_ip, username, provider, from_ms, "
         "to_ms, raised_at, first_request_ms, last_request_ms, bytes) VALUES (?1, ?2, ?3, ?4, "
         "?5, ?6, ?7, ?8, ?9, ?10)"},
        {&statements->upload_total_raised,
         "SELECT 1 FROM upload_totals WHERE hunt = ?1 AND source_ip = ?2 AND username = ?3 AND "
         "provider = ?4 AND from_ms < ?6 AND to_ms > ?5 LIMIT 1"},
        {&statements->prune_upload_totals, "DELETE FROM upload_totals WHERE raised_at < ?1"},
        {&statements->upload_total_covers,
         "SELECT 1 FROM upload_totals WHERE hunt = ?1 AND source_ip = ?2 AND username = ?3 AND "
         "provider = ?4 AND first_request_ms <= ?5 AND last_request_ms >= ?6 AND bytes >= ?7 "
         "LIMIT 1"},
        {&statements->pending,
         "SELECT id, sink, finding_id, payload, created_at, attempts, last_error, due_at, "
         "first_due_at FROM outbox WHERE sink = ?1 ORDER BY id LIMIT ?2"},
        {&statements->delete_outbox, "DELETE FROM outbox WHERE sink = ?1 AND id BETWEEN ?2 AND ?3"},
        {&statements->fail_outbox,
         "UPDATE outbox SET attempts = attempts + 1, last_error = ?4 "
         "WHERE sink = ?1 AND id BETWEEN ?2 AND ?3"},
        {&statements->outbox_depth, "SELECT COUNT(*) FROM outbox WHERE sink = ?1"},
        // One statement: the leader's oldest row and the newest id are read in the same
        // snapshot as the rows updated, so a commit cannot slip in between.
        // A row given its first time gets it as first_due_at too; a row brought back (due
        // after ?5) keeps the earlier of the two. (SQLite reads every column of a SET
        // expression as it was before the update.)
        {&statements->release,
         "UPDATE outbox SET due_at = ?3, first_due_at = CASE WHEN due_at IS NULL THEN ?3 ELSE "
         "MIN(COALESCE(first_due_at, ?3), ?3) END WHERE sink = ?1 AND (due_at > ?5 OR (due_at IS "
         "NULL AND (id > ?4 OR id < COALESCE((SELECT MIN(id) FROM outbox WHERE sink = ?2), "
         "(SELECT MAX(id) + 1 FROM outbox)))))"},
        {&statements->retry_outbox,
         "UPDATE outbox SET due_at = ?3, attempts = attempts + 1, last_error = ?4 "
         "WHERE sink = ?1 AND id = ?2"},
        {&statements->newest_outbox_id, "SELECT COALESCE(MAX(id), 0) FROM outbox"},
        {&statements->pending_from_due,
         "SELECT id, sink, finding_id, payload, created_at, attempts, last_error, due_at, "
         "first_due_at FROM outbox WHERE sink = ?1 AND id >= "
         "(SELECT MIN(id) FROM outbox WHERE sink = ?1 AND due_at <= ?3) ORDER BY id LIMIT ?2"},
        {&statements->held,
         "SELECT COUNT(*), MIN(due_at), COUNT(*) - COUNT(due_at), "
         "COALESCE(SUM(due_at > first_due_at), 0) FROM outbox WHERE sink = ?1 "
         "AND (due_at IS NULL OR due_at > ?2)"},
        {&statements->set_progress,
         "INSERT OR REPLACE INTO sink_progress (sink, target, offset, first_row, last_row) "
         "VALUES (?1, ?2, ?3, ?4, ?5)"},
        {&statements->get_progress,
         "SELECT sink, target, offset, first_row, last_row FROM sink_progress WHERE sink = ?1"},
        {&statements->clear_progress, "DELETE FROM sink_progress WHERE sink = ?1"},
    };
    for (const auto& [statement, sql] : all) {
      auto prepared = db.prepare(sql);
      if (!prepared) {
        // The schema says version N but lacks what version N has: the file was tampered with.
        const core::Error& error = prepared.error();
        if (error.code == core::ErrorCode::kIo) return error;
        return sqlite::damagedError(db.path(),
                                    "its tables do not match its schema version: " + error.message);
      }
      *statement = std::move(*prepared);
    }
    return statements;
  }
};

core::Result<std::unique_ptr<StateStore>> StateStore::open(const std::string& path,
                                                           const OpenOptions& options) {
  auto store = SqliteStateStore::open(path, options);
  if (!store) return store.error();
  return std::unique_ptr<StateStore>(std::move(*store));
}

core::Result<std::unique_ptr<SqliteStateStore>> SqliteStateStore::open(const std::string& path,
                                                                       const OpenOptions& options) {
  if (auto status = checkPath(path, options); !status) return status.error();
  // A wrong state.path (another program's database, a config file) is said as such, not as
  // damage that --state-reset would move aside.
  if (auto ours = checkNotForeign(path); !ours) return ours.error();
  auto db = sqlite::Database::open(path, options.read_only, options.create);
  if (!db) return db.error();
  if (!options.read_only && (*db)->readOnly()) {
    return ioError(path, "is not writable (check its owner and permissions)");
  }
  // Read and check before writing anything into the file (the switch to WAL included): a damaged
  // file, a newer one or another program's database is left exactly as it was.
  auto version = schema::readVersion(**db);
  if (!version) return version.error();
  if (*version > schema::kVersion) return schema::newerSchemaError(path, *version);
  if (auto status = quickCheck(**db); !status) return status.error();
  if (auto status = configure(**db, options); !status) return status.error();
  if (*version < schema::kVersion) {
    if (options.read_only) {
      if (*version == 0) {
        return core::makeError(core::ErrorCode::kState,
                               "state file " + path + " holds no aihunt state yet");
      }
      return core::makeError(core::ErrorCode::kState,
                             "state file " + path + " has schema version " +
                                 std::to_string(*version) + " and this build needs " +
                                 std::to_string(schema::kVersion) +
                                 ": run the daemon once to upgrade it");
    }
    if (auto status = schema::migrate(**db); !status) return status.error();
  }
  auto statements = Statements::prepare(**db);
  if (!statements) return statements.error();
  return std::unique_ptr<SqliteStateStore>(
      new SqliteStateStore(std::move(*db), std::move(*statements)));
}

SqliteStateStore::SqliteStateStore(std::unique_ptr<sqlite::Database> db,
                                   std::unique_ptr<Statements> statements)
    : db_(std::move(db)), statements_(std::move(statements)) {}

SqliteStateStore::~SqliteStateStore() {
  statements_.reset();  // finalized before the connection closes
  db_.reset();
}

// --- ledger ---

namespace {

// One hunt's instant from a `SELECT MAX(...)` (nullopt: NULL, nothing recorded yet).
core::Result<std::optional<core::EpochMs>> latestOf(Statement& statement, const std::string& hunt) {
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, hunt); !status) return status.error();
  auto row = statement.step();
  if (!row) return row.error().withContext("reading the ledger");
  if (!*row || statement.nullAt(0)) return std::optional<core::EpochMs>();
  return std::optional<core::EpochMs>(statement.int64At(0));
}

}  // namespace

core::Result<std::optional<core::EpochMs>> SqliteStateStore::ledgerEnd(const std::string& hunt) {
  const std::lock_guard lock(mutex_);
  return latestOf(statements_->ledger_end, hunt);
}

core::Result<std::vector<WindowRecord>> SqliteStateStore::windows(const std::string& hunt,
                                                                  core::EpochMs from,
                                                                  core::EpochMs to) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->windows;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, hunt, from, to); !status) return status.error();
  std::vector<WindowRecord> records;
  for (;;) {
    auto row = statement.step();
    if (!row) return row.error().withContext("reading the ledger");
    if (!*row) break;
    WindowRecord& record = records.emplace_back();
    record.hunt = statement.textAt(0);
    record.from = statement.int64At(1);
    record.to = statement.int64At(2);
    record.rows = asUint64(statement.int64At(3));
    record.findings = asUint64(statement.int64At(4));
    record.repeats = asUint64(statement.int64At(5));
    record.suppressed = asUint64(statement.int64At(6));
    record.completed_at = statement.int64At(7);
  }
  return records;
}

core::Result<std::optional<core::EpochMs>> SqliteStateStore::scheduledThrough(
    const std::string& hunt) {
  const std::lock_guard lock(mutex_);
  return latestOf(statements_->scheduled_through, hunt);
}

core::Result<bool> SqliteStateStore::recordGap(const Gap& gap) {
  const std::lock_guard lock(mutex_);
  // A stretch that starts inside a recorded gap or where one ends (the next turn of one outage)
  // extends it; any other is a row of its own.
  if (auto status = runWith(statements_->extend_gap, gap.hunt, gap.from, gap.to); !status) {
    return status.error().withContext("recording a gap");
  }
  if (db_->changes() > 0) return false;
  if (auto status = runWith(statements_->insert_gap, gap.hunt, gap.from, gap.to, gap.recorded_at);
      !status) {
    return status.error().withContext("recording a gap");
  }
  return db_->changes() > 0;
}

core::Result<std::vector<Gap>> SqliteStateStore::gaps(const std::string& hunt) {
  const std::lock_guard lock(mutex_);
  return openGapsLocked(hunt);
}

core::Result<std::vector<Gap>> SqliteStateStore::openGapsLocked(const std::string& hunt) {
  std::vector<Gap> recorded;
  {
    Statement& statement = statements_->gaps;
    const Statement::Reset reset(statement);
    if (auto status = bindAll(statement, hunt); !status) return status.error();
    if (auto status = eachRow(statement, "reading gaps",
                              [&](const Statement& row) {
                                recorded.push_back(Gap{row.textAt(0), row.int64At(1),
                                                       row.int64At(2), row.int64At(3)});
                              });
        !status) {
      return status.error();
    }
  }
  // A gap stays recorded (when it was found is history); what a backfill has hunted since is
  // taken off it here: the done windows overlapping it, oldest first.
  std::vector<Gap> open;
  Statement& windows = statements_->windows;
  for (const Gap& gap : recorded) {
    const Statement::Reset reset(windows);
    if (auto status = bindAll(windows, gap.hunt, gap.from, gap.to); !status) {
      return status.error();
    }
    core::EpochMs cursor = gap.from;
    for (;;) {
      auto row = windows.step();
      if (!row) return row.error().withContext("reading the ledger");
      if (!*row) break;
      const core::EpochMs from = windows.int64At(1);
      const core::EpochMs to = windows.int64At(2);
      if (from > cursor)
        open.push_back(Gap{gap.hunt, cursor, std::min(from, gap.to), gap.recorded_at});
      cursor = std::max(cursor, to);
      if (cursor >= gap.to) break;
    }
    if (cursor < gap.to) open.push_back(Gap{gap.hunt, cursor, gap.to, gap.recorded_at});
  }
  auto holes = unrecordedHolesLocked(hunt, recorded);
  if (!holes) return holes.error();
  open.insert(open.end(), holes->begin(), holes->end());
  std::stable_sort(open.begin(), open.end(), [](const Gap& a, const Gap& b) {
    return a.from != b.from ? a.from < b.from : a.hunt < b.hunt;  // oldest first, as recorded
  });
  return open;
}

// Stretches between a hunt's first and last window that no window covers and no recorded gap
// names. The daemon's ledger only grows forward, so it records a gap only after its ledger's
// end; a backfill of a range older than the ledger's start leaves the stretch between the two
// unhunted and unrecorded. Listed with recorded_at 0 (nobody recorded them).
core::Result<std::vector<Gap>> SqliteStateStore::unrecordedHolesLocked(
    const std::string& hunt, const std::vector<Gap>& recorded) {
  std::vector<std::string> hunts;
  {
    Statement& statement = statements_->ledger_hunts;
    const Statement::Reset reset(statement);
    if (auto status = bindAll(statement, hunt); !status) return status.error();
    if (auto status = eachRow(statement, "reading the ledger",
                              [&](const Statement& row) { hunts.push_back(row.textAt(0)); });
        !status) {
      return status.error();
    }
  }
  std::vector<Gap> holes;
  // A hole less the recorded gaps of its hunt (those are listed as recorded).
  const auto addHole = [&](const std::string& name, core::EpochMs from, core::EpochMs to) {
    std::vector<std::pair<core::EpochMs, core::EpochMs>> pieces = {{from, to}};
    for (const Gap& gap : recorded) {
      if (gap.hunt != name) continue;
      std::vector<std::pair<core::EpochMs, core::EpochMs>> left;
      for (const auto& [a, b] : pieces) {
        if (gap.to <= a || gap.from >= b) {
          left.emplace_back(a, b);
          continue;
        }
        if (gap.from > a) left.emplace_back(a, gap.from);
        if (gap.to < b) left.emplace_back(gap.to, b);
      }
      pieces = std::move(left);
    }
    for (const auto& [a, b] : pieces) holes.push_back(Gap{name, a, b, 0});
  };
  Statement& windows = statements_->windows;
  for (const std::string& name : hunts) {
    const Statement::Reset reset(windows);
    if (auto status = bindAll(windows, name, std::numeric_limits<core::EpochMs>::min(),
                              std::numeric_limits<core::EpochMs>::max());
        !status) {
      return status.error();
    }
    std::optional<core::EpochMs> cursor;
    if (auto status = eachRow(windows, "reading the ledger",
                              [&](const Statement& row) {
                                const core::EpochMs from = row.int64At(1);
                                const core::EpochMs to = row.int64At(2);
                                if (cursor && from > *cursor) addHole(name, *cursor, from);
                                cursor = cursor ? std::max(*cursor, to) : to;
                              });
        !status) {
      return status.error();
    }
  }
  return holes;
}

// --- findings ---

namespace {

core::Result<bool> exists(Statement& statement, const std::string& key, std::string_view what) {
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, key); !status) return status.error();
  auto row = statement.step();
  if (!row) return row.error().withContext(what);
  return *row;
}

}  // namespace

core::Result<bool> SqliteStateStore::seen(const std::string& finding_id) {
  const std::lock_guard lock(mutex_);
  return exists(statements_->seen, finding_id, "reading seen findings");
}

core::Result<bool> SqliteStateStore::baselineKnown(const std::string& key) {
  const std::lock_guard lock(mutex_);
  return exists(statements_->baseline_known, key, "reading baselines");
}

core::Result<CommitResult> SqliteStateStore::commit(const Commit& commit) {
  const std::lock_guard lock(mutex_);
  Statements& s = *statements_;
  const auto failed = [](const core::Error& error) { return error.withContext("commit"); };
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return failed(transaction.error());
  CommitResult result;
  for (const FindingItem& finding : commit.findings) {
    if (auto status =
            runWith(s.insert_seen, finding.finding_id, commit.hunt, finding.event_time, commit.now);
        !status) {
      return failed(status.error());
    }
    if (db_->changes() == 0) {
      ++result.repeats;
      continue;
    }
    ++result.added;
    if (const auto& mark = finding.upload_total) {
      if (auto status = runWith(s.insert_upload_total, commit.hunt, mark->source_ip, mark->username,
                                mark->provider, mark->from, mark->to, commit.now,
                                mark->first_request, mark->last_request, mark->bytes);
          !status) {
        return failed(status.error());
      }
    }
    for (const std::string& sink : commit.sinks) {
      if (auto status =
              runWith(s.insert_outbox, sink, finding.finding_id, finding.payload, commit.now);
          !status) {
        return failed(status.error());
      }
    }
  }
  for (const std::string& key : commit.baselines) {
    if (auto status = runWith(s.insert_baseline, key, commit.now); !status) {
      return failed(status.error());
    }
  }
  if (commit.completes) {
    const WindowRecord& window = *commit.completes;
    const std::string& hunt = window.hunt.empty() ? commit.hunt : window.hunt;
    if (auto status = runWith(s.replace_window, hunt, window.from, window.to, asInt64(window.rows),
                              asInt64(window.findings), asInt64(window.repeats),
                              asInt64(window.suppressed), window.completed_at);
        !status) {
      return failed(status.error());
    }
  }
  if (auto status = transaction->commit(); !status) return failed(status.error());
  return result;
}

core::Result<bool> SqliteStateStore::uploadTotalRaised(const std::string& hunt,
                                                       const UploadTotalMark& mark) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->upload_total_raised;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, hunt, mark.source_ip, mark.username, mark.provider,
                            mark.from, mark.to);
      !status) {
    return status.error();
  }
  auto row = statement.step();
  if (!row) return row.error().withContext("reading upload totals");
  return *row;
}

core::Result<bool> SqliteStateStore::uploadTotalCovers(const std::string& hunt,
                                                       const UploadTotalMark& mark) {
  if (!mark.first_request || !mark.last_request || !mark.bytes) return false;
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->upload_total_covers;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, hunt, mark.source_ip, mark.username, mark.provider,
                            *mark.first_request, *mark.last_request, *mark.bytes);
      !status) {
    return status.error();
  }
  auto row = statement.step();
  if (!row) return row.error().withContext("reading upload totals");
  return *row;
}

core::Result<std::uint64_t> SqliteStateStore::pruneSeen(core::EpochMs before) {
  const std::lock_guard lock(mutex_);
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return transaction.error().withContext("pruning seen findings");
  if (auto status = runWith(statements_->prune_seen, before); !status) {
    return status.error().withContext("pruning seen findings");
  }
  const std::uint64_t pruned = asUint64(db_->changes());
  if (auto status = runWith(statements_->prune_upload_totals, before); !status) {
    return status.error().withContext("pruning upload totals");
  }
  if (auto status = transaction->commit(); !status) {
    return status.error().withContext("pruning seen findings");
  }
  return pruned;
}

core::Status SqliteStateStore::stillInPlace() {
  const std::lock_guard lock(mutex_);
  auto moved = db_->hasMoved();
  if (!moved) return moved.error();
  if (!*moved) return {};
  return core::makeError(
      core::ErrorCode::kState,
      "state file " + db_->path() +
          " was deleted, moved or replaced while aihunt ran: what aihunt records now would be "
          "lost at the next start");
}

// --- outbox ---

namespace {

// The rows a `pending` or `pending_from_due` statement reads (the same columns).
core::Result<std::vector<OutboxRow>> readOutboxRows(Statement& statement) {
  std::vector<OutboxRow> rows;
  for (;;) {
    auto row = statement.step();
    if (!row) return row.error().withContext("reading the outbox");
    if (!*row) break;
    OutboxRow& out = rows.emplace_back();
    out.id = statement.int64At(0);
    out.sink = statement.textAt(1);
    out.finding_id = statement.textAt(2);
    out.payload = statement.textAt(3);
    out.created_at = statement.int64At(4);
    const std::int64_t attempts = statement.int64At(5);
    out.attempts = attempts > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                              : static_cast<int>(attempts);
    out.last_error = statement.textAt(6);
    if (!statement.nullAt(7)) out.due_at = statement.int64At(7);
    if (!statement.nullAt(8)) out.first_due_at = statement.int64At(8);
  }
  return rows;
}

}  // namespace

core::Result<std::vector<OutboxRow>> SqliteStateStore::pending(const std::string& sink,
                                                               std::size_t limit) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->pending;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, sink, asInt64(limit)); !status) return status.error();
  return readOutboxRows(statement);
}

core::Result<std::vector<OutboxRow>> SqliteStateStore::pendingFromDue(const std::string& sink,
                                                                      core::EpochMs now,
                                                                      std::size_t limit) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->pending_from_due;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, sink, asInt64(limit), now); !status) {
    return status.error();
  }
  return readOutboxRows(statement);
}

core::Status SqliteStateStore::delivered(const std::string& sink, std::int64_t first_row,
                                         std::int64_t last_row) {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) {
    return error.withContext("removing delivered rows");
  };
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return failed(transaction.error());
  if (auto status = runWith(statements_->delete_outbox, sink, first_row, last_row); !status) {
    return failed(status.error());
  }
  if (auto status = runWith(statements_->clear_progress, sink); !status) {
    return failed(status.error());
  }
  if (auto status = transaction->commit(); !status) return failed(status.error());
  return {};
}

core::Status SqliteStateStore::deliveredExcept(const std::string& sink, std::int64_t first_row,
                                               std::int64_t last_row,
                                               const std::vector<std::int64_t>& again,
                                               core::EpochMs again_at, const std::string& why) {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) {
    return error.withContext("removing delivered rows");
  };
  std::vector<std::int64_t> kept;
  kept.reserve(again.size());
  for (const std::int64_t id : again) {
    if (id >= first_row && id <= last_row) kept.push_back(id);
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return failed(transaction.error());
  const std::string_view error = cutText(why, kMaxErrorText);
  for (const std::int64_t id : kept) {
    if (auto status = runWith(statements_->retry_outbox, sink, id, again_at, error); !status) {
      return failed(status.error());
    }
  }
  // The rows between the kept ones, as ranges.
  std::int64_t from = first_row;
  for (std::size_t i = 0; i <= kept.size(); ++i) {
    const std::int64_t to = i < kept.size() ? kept[i] - 1 : last_row;
    if (from <= to) {
      if (auto status = runWith(statements_->delete_outbox, sink, from, to); !status) {
        return failed(status.error());
      }
    }
    if (i < kept.size()) from = kept[i] + 1;
  }
  if (auto status = runWith(statements_->clear_progress, sink); !status) {
    return failed(status.error());
  }
  if (auto status = transaction->commit(); !status) return failed(status.error());
  return {};
}

core::Status SqliteStateStore::deliveredRows(const std::string& sink,
                                             const std::vector<std::int64_t>& rows) {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) {
    return error.withContext("removing delivered rows");
  };
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return failed(transaction.error());
  for (const std::int64_t id : rows) {
    if (auto status = runWith(statements_->delete_outbox, sink, id, id); !status) {
      return failed(status.error());
    }
  }
  if (auto status = transaction->commit(); !status) return failed(status.error());
  return {};
}

core::Status SqliteStateStore::deliveryFailed(const std::string& sink, std::int64_t first_row,
                                              std::int64_t last_row, const std::string& error) {
  const std::lock_guard lock(mutex_);
  if (auto status = runWith(statements_->fail_outbox, sink, first_row, last_row,
                            cutText(error, kMaxErrorText));
      !status) {
    return status.error().withContext("counting a failed delivery");
  }
  return {};
}

core::Result<std::uint64_t> SqliteStateStore::outboxDepth(const std::string& sink) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->outbox_depth;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, sink); !status) return status.error();
  auto row = statement.step();
  if (!row) return row.error().withContext("reading the outbox");
  return *row ? asUint64(statement.int64At(0)) : 0;
}

core::Result<std::uint64_t> SqliteStateStore::release(const std::string& sink,
                                                      const std::string& leader,
                                                      core::EpochMs due_at, std::int64_t free_above,
                                                      core::EpochMs latest_due) {
  const std::lock_guard lock(mutex_);
  if (auto status = runWith(statements_->release, sink, leader, due_at, free_above,
                            std::max(due_at, latest_due));
      !status) {
    return status.error().withContext("releasing rows of sink '" + sink + "'");
  }
  return asUint64(db_->changes());
}

core::Result<std::int64_t> SqliteStateStore::newestOutboxId() {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->newest_outbox_id;
  const Statement::Reset reset(statement);
  auto row = statement.step();
  if (!row) return row.error().withContext("reading the outbox");
  return *row ? statement.int64At(0) : 0;
}

core::Result<HeldRows> SqliteStateStore::held(const std::string& sink, core::EpochMs now) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->held;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, sink, now); !status) return status.error();
  auto row = statement.step();
  if (!row) return row.error().withContext("reading the outbox");
  HeldRows held;
  if (*row) {
    held.count = asUint64(statement.int64At(0));
    if (!statement.nullAt(1)) held.first_due = statement.int64At(1);
    held.for_leader = asUint64(statement.int64At(2));
    held.retrying = asUint64(statement.int64At(3));
  }
  return held;
}

core::Status SqliteStateStore::setProgress(const SinkProgress& progress) {
  const std::lock_guard lock(mutex_);
  if (auto status = runWith(statements_->set_progress, progress.sink, progress.target,
                            progress.offset, progress.first_row, progress.last_row);
      !status) {
    return status.error().withContext("recording sink progress");
  }
  return {};
}

core::Result<std::optional<SinkProgress>> SqliteStateStore::progress(const std::string& sink) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->get_progress;
  const Statement::Reset reset(statement);
  if (auto status = bindAll(statement, sink); !status) return status.error();
  auto row = statement.step();
  if (!row) return row.error().withContext("reading sink progress");
  if (!*row) return std::optional<SinkProgress>();
  return std::optional<SinkProgress>(SinkProgress{statement.textAt(0), statement.textAt(1),
                                                  statement.int64At(2), statement.int64At(3),
                                                  statement.int64At(4)});
}

core::Status SqliteStateStore::clearProgress(const std::string& sink) {
  const std::lock_guard lock(mutex_);
  if (auto status = runWith(statements_->clear_progress, sink); !status) {
    return status.error().withContext("clearing sink progress");
  }
  return {};
}

// --- maintenance ---

core::Result<StoreSummary> SqliteStateStore::summary() {
  const std::lock_guard lock(mutex_);
  const auto failed = [](const core::Error& error) { return error.withContext("summary"); };
  StoreSummary summary;
  summary.path = db_->path();
  auto version = schema::readVersion(*db_);
  if (!version) return failed(version.error());
  summary.schema_version = *version;
  summary.file_bytes = fileBytes(db_->path()) + fileBytes(db_->path() + "-wal");

  // Each query's rows go to `take`, one row at a time.
  const auto each = [this](std::string_view sql, const auto& take) -> core::Status {
    auto statement = db_->prepare(sql);
    if (!statement) return statement.error();
    for (;;) {
      auto row = statement->step();
      if (!row) return row.error();
      if (!*row) return {};
      take(*statement);
    }
  };
  std::map<std::string, HuntSummary> hunts;
  const auto hunt = [&hunts](const Statement& row) -> HuntSummary& {
    HuntSummary& entry = hunts[row.textAt(0)];
    entry.hunt = row.textAt(0);
    return entry;
  };
  if (auto status =
          each("SELECT hunt, MIN(from_ms), MAX(to_ms), COUNT(*), SUM(repeats) FROM windows "
               "GROUP BY hunt",
               [&](const Statement& row) {
                 HuntSummary& entry = hunt(row);
                 entry.ledger_start = row.int64At(1);
                 entry.ledger_end = row.int64At(2);
                 entry.windows = asUint64(row.int64At(3));
                 entry.repeats = asUint64(row.int64At(4));
               });
      !status) {
    return failed(status.error());
  }
  auto open_gaps = openGapsLocked("");
  if (!open_gaps) return failed(open_gaps.error());
  for (const Gap& gap : *open_gaps) {
    HuntSummary& entry = hunts[gap.hunt];
    entry.hunt = gap.hunt;
    ++entry.gaps;
  }
  if (auto status = each("SELECT hunt, COUNT(*) FROM seen GROUP BY hunt",
                         [&](const Statement& row) {
                           HuntSummary& entry = hunt(row);
                           entry.findings = asUint64(row.int64At(1));
                           summary.seen_findings += entry.findings;
                         });
      !status) {
    return failed(status.error());
  }
  if (auto status =
          each("SELECT COUNT(*) FROM baselines",
               [&](const Statement& row) { summary.baselines = asUint64(row.int64At(0)); });
      !status) {
    return failed(status.error());
  }
  if (auto status =
          each("SELECT COUNT(*) FROM console_searches",
               [&](const Statement& row) { summary.console_searches = asUint64(row.int64At(0)); });
      !status) {
    return failed(status.error());
  }
  if (auto status = each("SELECT sink, COUNT(*) FROM outbox GROUP BY sink ORDER BY sink",
                         [&](const Statement& row) {
                           summary.outbox_depth.emplace_back(row.textAt(0),
                                                             asUint64(row.int64At(1)));
                         });
      !status) {
    return failed(status.error());
  }
  if (auto status =
          each("SELECT sink, MIN(due_at), COALESCE(SUM(due_at > first_due_at), 0) FROM outbox "
               "WHERE due_at IS NOT NULL GROUP BY sink ORDER BY sink",
               [&](const Statement& row) {
                 summary.outbox_first_due.emplace_back(row.textAt(0), row.int64At(1));
                 if (row.int64At(2) > 0) {
                   summary.outbox_retrying.emplace_back(row.textAt(0), asUint64(row.int64At(2)));
                 }
               });
      !status) {
    return failed(status.error());
  }
  // SQLite takes a bare column of a MAX() query from the row that has the maximum.
  if (auto status = each("SELECT sink, MAX(attempts), last_error FROM outbox WHERE attempts > 0 "
                         "AND last_error IS NOT NULL AND last_error <> '' GROUP BY sink "
                         "ORDER BY sink",
                         [&](const Statement& row) {
                           summary.outbox_failing.push_back(
                               {row.textAt(0), asUint64(row.int64At(1)), row.textAt(2)});
                         });
      !status) {
    return failed(status.error());
  }
  for (auto& [name, entry] : hunts) summary.hunts.push_back(std::move(entry));
  return summary;
}

core::Result<std::vector<std::string>> SqliteStateStore::integrityCheck() {
  const std::lock_guard lock(mutex_);
  auto statement =
      db_->prepare("PRAGMA integrity_check(" + std::to_string(kMaxIntegrityLines) + ")");
  if (!statement) return statement.error().withContext("integrity check");
  std::vector<std::string> lines;
  for (;;) {
    auto row = statement->step();
    if (!row) return row.error().withContext("integrity check");
    if (!*row) break;
    const std::string text = statement->textAt(0);
    if (text != "ok") sqlite::appendCheckLines(text, lines);
  }
  if (lines.size() > kMaxIntegrityLines) lines.resize(kMaxIntegrityLines);
  return lines;
}

core::Result<std::vector<LedgerRewind>> SqliteStateStore::rewindLedger(const std::string& hunt,
                                                                       core::EpochMs to) {
  const std::lock_guard lock(mutex_);
  constexpr std::string_view kContext = "rewinding the ledger";
  auto transaction = sqlite::Transaction::begin(*db_);
  if (!transaction) return transaction.error().withContext(kContext);
  // ?1 the hunt ('' for all), ?2 the time.
  constexpr std::string_view kWhich = "(?1 = '' OR hunt = ?1)";
  std::vector<LedgerRewind> rewound;
  const auto entry = [&](const std::string& name) -> LedgerRewind& {
    for (LedgerRewind& r : rewound) {
      if (r.hunt == name) return r;
    }
    rewound.push_back(LedgerRewind{name, 0, 0, std::nullopt});
    return rewound.back();
  };
  // Counted per hunt before the change, then changed.
  const std::pair<std::string, bool> counts[] = {
      {"SELECT hunt, COUNT(*) FROM windows WHERE " + std::string(kWhich) +
           " AND to_ms > ?2 GROUP BY hunt",
       true},
      {"SELECT hunt, COUNT(*) FROM gaps WHERE " + std::string(kWhich) +
           " AND to_ms > ?2 GROUP BY hunt",
       false},
  };
  for (const auto& count : counts) {
    const bool windows = count.second;  // a named copy: lambdas may not capture a binding
    auto statement = db_->prepare(count.first);
    if (!statement) return statement.error().withContext(kContext);
    if (auto status = bindAll(*statement, hunt, to); !status) return status.error();
    if (auto status =
            eachRow(*statement, kContext,
                    [&](const Statement& row) {
                      const auto n = static_cast<std::uint64_t>(row.int64At(1));
                      (windows ? entry(row.textAt(0)).windows : entry(row.textAt(0)).gaps) += n;
                    });
        !status) {
      return status.error();
    }
  }
  const std::string changes[] = {
      "DELETE FROM windows WHERE " + std::string(kWhich) + " AND to_ms > ?2",
      "DELETE FROM gaps WHERE " + std::string(kWhich) + " AND from_ms >= ?2",
      // A gap [from, to) and its shortened copy may not both exist: UNIQUE(hunt, from_ms, to_ms).
      "UPDATE OR REPLACE gaps SET to_ms = ?2 WHERE " + std::string(kWhich) +
          " AND from_ms < ?2 AND to_ms > ?2",
  };
  for (const std::string& sql : changes) {
    auto statement = db_->prepare(sql);
    if (!statement) return statement.error().withContext(kContext);
    if (auto status = bindAll(*statement, hunt, to); !status) return status.error();
    if (auto status = statement->run(); !status) return status.error().withContext(kContext);
  }
  for (LedgerRewind& r : rewound) {
    auto end = latestOf(statements_->scheduled_through, r.hunt);
    if (!end) return end.error().withContext(kContext);
    r.end = *end;
  }
  if (auto status = transaction->commit(); !status) return status.error().withContext(kContext);
  return rewound;
}

core::Status SqliteStateStore::vacuum() {
  const std::lock_guard lock(mutex_);
  if (auto status = db_->exec("VACUUM", "vacuum"); !status) return status;
  return db_->exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing");
}

}  // namespace aihunt::state
