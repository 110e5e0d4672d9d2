#include "state/schema.h"

#include <array>
#include <charconv>
#include <string>

namespace aihunt::state::schema {
namespace {

// Version 1: the ledger, gaps, seen findings, baselines, the outbox and sink progress.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE windows (
  hunt TEXT NOT NULL,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0,
  findings INTEGER NOT NULL DEFAULT 0,
  repeats INTEGER NOT NULL DEFAULT 0,
  suppressed INTEGER NOT NULL DEFAULT 0,
  completed_at INTEGER NOT NULL,
  PRIMARY KEY (hunt, from_ms)
) WITHOUT ROWID;
CREATE INDEX windows_by_end ON windows (hunt, to_ms);

CREATE TABLE gaps (
  id INTEGER PRIMARY KEY,
  hunt TEXT NOT NULL,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (hunt, from_ms, to_ms)
);

CREATE TABLE seen (
  finding_id TEXT PRIMARY KEY NOT NULL,
  hunt TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  first_raised_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_by_first_raised ON seen (first_raised_at);

CREATE TABLE baselines (
  key TEXT PRIMARY KEY NOT NULL,
  first_seen_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sink TEXT NOT NULL,
  finding_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_by_sink ON outbox (sink, id);

CREATE TABLE sink_progress (
  sink TEXT PRIMARY KEY NOT NULL,
  target TEXT NOT NULL,
  offset INTEGER NOT NULL,
  first_row INTEGER NOT NULL,
  last_row INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: the last good copy of each QRadar reference set that exceptions name, so that a
// restart while QRadar is unreachable still suppresses what the allow-lists say.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE reference_sets (
  name TEXT PRIMARY KEY NOT NULL,
  element_type TEXT NOT NULL,
  read_at INTEGER NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE reference_set_values (
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, value)
) WITHOUT ROWID;
)sql";

// Version 3: when a row of a sink that waits behind another may go (offense notes go some time
// after LEEF delivered the same finding, once QRadar can have made its offense). NULL: the
// leader has not delivered it yet.
constexpr std::string_view kVersion3 = R"sql(
ALTER TABLE outbox ADD COLUMN due_at INTEGER;
)sql";

// Version 4: when a row of a waiting sink was first due. A row its sink tries again later (an
// offense note whose offense QRadar does not show yet) gets a later due_at and keeps this, so
// that how long it has been tried is known across restarts. Rows due already were first due
// then.
constexpr std::string_view kVersion4 = R"sql(
ALTER TABLE outbox ADD COLUMN first_due_at INTEGER;
UPDATE outbox SET first_due_at = due_at WHERE due_at IS NOT NULL;
)sql";

// Version 5: the upload totals raised, by source, user, provider and window, so that
// `aihunt hunt --deliver` over a window of its own does not raise a total again that an
// overlapping window raised already (a total's id names its exact window).
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE upload_totals (
  hunt TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  username TEXT NOT NULL,
  provider TEXT NOT NULL,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  raised_at INTEGER NOT NULL,
  PRIMARY KEY (hunt, source_ip, username, provider, from_ms, to_ms)
) WITHOUT ROWID;
CREATE INDEX upload_totals_by_raised ON upload_totals (raised_at);
)sql";

// Version 6: the Ariel searches a run holds on the console, recorded while they exist, so that
// the next process deletes the ones a killed process left running. `console` is the base URL they
// were made on: a search is deleted only through a connection to that console.
constexpr std::string_view kVersion6 = R"sql(
CREATE TABLE console_searches (
  search_id TEXT PRIMARY KEY NOT NULL,
  console TEXT NOT NULL,
  hunt TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 7: what each upload total held (its first and last request, its bytes), so that the
// daemon knows a total of requests it raised already (the next window's overlap reading them
// again) from one of requests indexed late. Rows raised before hold NULL: they match nothing.
constexpr std::string_view kVersion7 = R"sql(
ALTER TABLE upload_totals ADD COLUMN first_request_ms INTEGER;
ALTER TABLE upload_totals ADD COLUMN last_request_ms INTEGER;
ALTER TABLE upload_totals ADD COLUMN bytes INTEGER;
)sql";

constexpr std::array kMigrations = {
    Migration{1, kVersion1}, Migration{2, kVersion2}, Migration{3, kVersion3},
    Migration{4, kVersion4}, Migration{5, kVersion5}, Migration{6, kVersion6},
    Migration{7, kVersion7},
};
static_assert(kMigrations.back().version == kVersion, "the last migration must reach kVersion");

core::Status setVersion(sqlite::Database& db, int version) {
  auto statement =
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)");
  if (!statement) return statement.error();
  if (auto status = statement->bind(1, static_cast<std::int64_t>(version)); !status) return status;
  return statement->run();
}

// The single count a `SELECT COUNT(*) ...` reads.
core::Result<std::int64_t> countOf(sqlite::Database& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error().withContext("reading the schema");
  return *row ? statement->int64At(0) : 0;
}

// What the file holds, before its version is read: whether it has aihunt's `meta` table, and
// why it is another program's database when it is one.
struct Shape {
  bool has_meta = false;
  std::string foreign;  // empty: aihunt's store, or no tables yet
};

core::Result<Shape> readShape(sqlite::Database& db) {
  auto tables = db.prepare(
      "SELECT COUNT(*), COALESCE(SUM(name = 'meta'), 0) FROM sqlite_schema "
      "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  if (!tables) return tables.error();
  auto row = tables->step();
  if (!row) return row.error().withContext("reading the schema");
  Shape shape;
  const std::int64_t table_count = *row ? tables->int64At(0) : 0;
  shape.has_meta = *row && tables->int64At(1) > 0;
  tables->reset();
  if (!shape.has_meta) {
    if (table_count > 0) shape.foreign = "it holds other tables and no 'meta' table";
    return shape;
  }
  // `meta` is a common name: aihunt's has key and value columns, a schema_version row, and
  // aihunt's tables beside it (a review: another program's meta(name, version) failed the
  // query below, which read as damage to reset).
  auto columns =
      countOf(db, "SELECT COUNT(*) FROM pragma_table_info('meta') WHERE name IN ('key', 'value')");
  if (!columns) return columns.error();
  if (*columns != 2) {
    shape.foreign = "its 'meta' table has no key and value columns";
    return shape;
  }
  auto version = countOf(db, "SELECT COUNT(*) FROM meta WHERE key = 'schema_version'");
  if (!version) return version.error();
  if (*version == 0) {
    shape.foreign = "its 'meta' table has no schema_version";
    return shape;
  }
  auto ours = countOf(db,
                      "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                      "('windows', 'gaps', 'seen', 'outbox')");
  if (!ours) return ours.error();
  if (*ours == 0) shape.foreign = "it has a 'meta' table but none of aihunt's tables";
  return shape;
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

core::Error notOursError(const std::string& path, std::string_view why) {
  // A config error (state.path names the wrong file), not damage: --state-reset tells the two
  // apart by this code, and moves only damage aside.
  return core::makeError(core::ErrorCode::kConfig,
                         "state file " + path + " is not aihunt's state file (" + std::string(why) +
                             "): point state.path (or --state) at aihunt's own file, or at a new "
                             "path for a fresh store. aihunt leaves this file alone: "
                             "--state-reset does not move it aside");
}

core::Result<std::string> otherProgramsReason(sqlite::Database& db) {
  auto shape = readShape(db);
  if (!shape) return shape.error();
  return shape->foreign;
}

core::Error newerSchemaError(const std::string& path, int version) {
  return core::makeError(
      core::ErrorCode::kState,
      "state file " + path + " has schema version " + std::to_string(version) +
          ", newer than this build understands (" + std::to_string(kVersion) +
          "): run the newer aihunt that wrote it, or start with --state-reset to move it aside "
          "and begin afresh");
}

core::Result<int> readVersion(sqlite::Database& db) {
  auto shape = readShape(db);
  if (!shape) return shape.error();
  if (!shape->foreign.empty()) return notOursError(db.path(), shape->foreign);
  if (!shape->has_meta) return 0;
  auto version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version) return version.error();
  auto found = version->step();
  if (!found) return found.error().withContext("reading the schema version");
  if (!*found) return notOursError(db.path(), "its 'meta' table has no schema_version");
  const std::string text = version->textAt(0);
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return sqlite::damagedError(db.path(), "schema_version is '" + text.substr(0, 40) + "'");
  }
  return value;
}

core::Status migrate(sqlite::Database& db) {
  auto before = readVersion(db);
  if (!before) return before.error();
  if (*before > kVersion) return newerSchemaError(db.path(), *before);
  if (*before == kVersion) return {};

  auto transaction = sqlite::Transaction::begin(db);
  if (!transaction) return transaction.error();
  // Read again under the write lock: another process may have migrated in the meantime.
  auto current = readVersion(db);
  if (!current) return current.error();
  if (*current > kVersion) return newerSchemaError(db.path(), *current);
  if (*current == kVersion) return {};
  if (auto status =
          db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value NOT NULL) "
                  "WITHOUT ROWID",
                  "creating the meta table");
      !status) {
    return status;
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    if (auto status = db.exec(migration.sql,
                              "migrating to schema version " + std::to_string(migration.version));
        !status) {
      return status;
    }
  }
  if (auto status = setVersion(db, kVersion); !status) return status;
  return transaction->commit();
}

}  // namespace aihunt::state::schema
