#pragma once
// The state file's schema: a `meta` table holding schema_version, and an ordered list of
// migrations, each taking the schema from version N-1 to N. Pending migrations are applied in one
// transaction, so a file is always at one version or the next, never in between.
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "state/sqlite_db.h"

namespace aihunt::state::schema {

// The schema version this build writes and understands.
inline constexpr int kVersion = 7;

struct Migration {
  int version = 0;       // the version the schema has after this migration
  std::string_view sql;  // one or more statements
};

// Every migration, oldest first; the last one's version is kVersion.
[[nodiscard]] std::span<const Migration> migrations();

// The file's schema version: 0 for a file with no tables yet. A file holding other tables but no
// `meta` is not an aihunt state file (ErrorCode::kState); so is an unreadable version.
[[nodiscard]] core::Result<int> readVersion(sqlite::Database& db);

// Why a readable SQLite database is another program's rather than aihunt's store: it holds
// tables but no `meta` table, or a `meta` table with no schema_version. Empty for aihunt's store
// (of any version) and for a database with no tables yet.
[[nodiscard]] core::Result<std::string> otherProgramsReason(sqlite::Database& db);

// The message for a file that is not aihunt's store: it names why, and says that --state-reset
// leaves it alone (moving another program's database aside would break that program).
[[nodiscard]] core::Error notOursError(const std::string& path, std::string_view why);

// Brings the file to kVersion in one transaction (a no-op when it is there already). Fails with
// ErrorCode::kState when the file is newer than this build.
[[nodiscard]] core::Status migrate(sqlite::Database& db);

// The message for a file whose schema is newer than this build's.
[[nodiscard]] core::Error newerSchemaError(const std::string& path, int version);

}  // namespace aihunt::state::schema
