#include "state/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

namespace aihunt::state::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

std::string messageFor(sqlite3* db, int rc) {
  // The connection's message belongs to its most recent failure; fall back to the code's text.
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) {
    const char* text = sqlite3_errmsg(db);
    if (text != nullptr) return text;
  }
  const char* text = sqlite3_errstr(rc);
  return text != nullptr ? text : "unknown SQLite error";
}

core::Error classify(const std::string& path, int rc, const std::string& message,
                     std::string_view context) {
  const std::string where =
      context.empty() ? "state file " + path : "state file " + path + ": " + std::string(context);
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return damagedError(path, message);
    case SQLITE_IOERR:
      if (rc == SQLITE_IOERR_SHORT_READ) return damagedError(path, message);
      return core::makeError(core::ErrorCode::kIo, where + ": " + message);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      // Most often a file another user made (a run as root, a restore): the state file or one
      // SQLite keeps beside it (a check run as root leaves root's -wal and -shm). Said, with
      // which file and what to check.
      for (const std::string& file : {path, path + "-wal", path + "-shm", path + "-journal"}) {
        if (::access(file.c_str(), F_OK) == 0 && ::access(file.c_str(), R_OK | W_OK) != 0) {
          const std::string which = file == path ? "it" : file;
          return core::makeError(core::ErrorCode::kIo,
                                 where + ": " + message + " (aihunt may not read and write " +
                                     which +
                                     ": check its owner and permissions; an earlier run as "
                                     "another user may have made it)");
        }
      }
      return core::makeError(core::ErrorCode::kIo, where + ": " + message);
    case SQLITE_FULL:
      return core::makeError(core::ErrorCode::kIo, where + ": " + message);
    default:
      return core::makeError(core::ErrorCode::kState, where + ": " + message);
  }
}

// SQLite creates a database 0644 (less the umask), readable by every local user. The state
// holds what the findings file does (the outbox keeps whole findings), so a new file gets that
// file's mode, 0640; SQLite gives the -wal and -shm files the database file's mode. An empty
// file is an empty database to SQLite. An existing file is left as it is.
core::Status createPrivately(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};
  return core::makeError(core::ErrorCode::kIo,
                         "state file " + path + ": creating: " + std::strerror(errno));
}

// A read-only open of a WAL database needs the -shm (and -wal) beside it, which SQLite creates
// on first read: in a folder this process may not write (a read-only mount, another user's
// folder) a sound file then fails to read with "attempt to write a readonly database". With no
// -wal there is no log to replay and nobody writing (a writer keeps one), so the file is read as
// immutable instead. With a -wal left beside it, SQLite cannot read it from here at all.
bool folderWritable(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  return ::access(folder.c_str(), W_OK) == 0;
}

// file: URI for sqlite3_open_v2 with SQLITE_OPEN_URI: every byte but unreserved ones and '/'
// percent-encoded, so that '?', '#' and '%' in a path stay part of it.
std::string immutableUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // "file://" and an empty authority before an absolute path: "file:" + "//x" would read x as
  // a host.
  std::string uri = path.rfind('/', 0) == 0 ? "file://" : "file:";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || byte == '/' || byte == '-' || byte == '_' || byte == '.' ||
        byte == '~') {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[byte >> 4];
      uri += kHex[byte & 0x0F];
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

core::Error damagedError(const std::string& path, std::string_view what) {
  return core::makeError(core::ErrorCode::kState,
                         "state file " + path + " is damaged (" + std::string(what) +
                             "): run 'aihunt state check' to see what is wrong, or start with "
                             "--state-reset to move it aside and begin afresh");
}

void appendCheckLines(std::string_view row, std::vector<std::string>& lines) {
  constexpr std::string_view kHeader = "*** in database main ***";
  while (!row.empty()) {
    const std::size_t end = row.find('\n');
    const std::string_view line = row.substr(0, end);
    if (!line.empty() && line != kHeader) lines.emplace_back(line);
    if (end == std::string_view::npos) break;
    row.remove_prefix(end + 1);
  }
}

// --- Database ---

core::Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool read_only,
                                                       bool create) {
  int flags = SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE;
  if (read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (create) {
      flags |= SQLITE_OPEN_CREATE;
      if (auto created = createPrivately(path); !created) return created.error();
    }
  }
  std::string name = path;
  bool immutable = false;
  // SQLite keeps the -wal and -shm beside the file a link points to: the checks are made there.
  std::string real = path;
  if (char* resolved = ::realpath(path.c_str(), nullptr); resolved != nullptr) {
    real = resolved;
    std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath's own allocation
  }
  if (read_only && !folderWritable(real) && ::access((real + "-shm").c_str(), F_OK) != 0) {
    if (::access((real + "-wal").c_str(), F_OK) == 0) {
      return core::makeError(
          core::ErrorCode::kIo,
          "state file " + path + " cannot be read from here: its folder is not writable, and " +
              "SQLite reads its write-ahead log (" + path +
              "-wal) only with a shared-memory file it makes beside it (run as the user that "
              "runs aihunt, or copy the file and its -wal to a writable folder)");
    }
    name = immutableUri(real);
    flags |= SQLITE_OPEN_URI;
    immutable = true;
  }
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = messageFor(handle, rc);
    sqlite3_close_v2(handle);  // a handle comes back even on failure (or null: a no-op)
    return classify(path, rc, message, "opening");
  }
  std::unique_ptr<Database> db(new Database(handle, path));
  db->immutable_ = immutable;
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);
  // No writes to sqlite_master or other ways of corrupting the file through SQL.
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // Extra sanity checks on b-tree cells as pages are read: damage is reported, not followed.
  if (auto status = db->exec("PRAGMA cell_size_check=ON", "configuring"); !status) {
    return status.error();
  }
  return db;
}

core::Result<std::unique_ptr<Database>> Database::openImmutable(const std::string& path) {
  std::string real = path;
  if (char* resolved = ::realpath(path.c_str(), nullptr); resolved != nullptr) {
    real = resolved;
    std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath's own allocation
  }
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(
      immutableUri(real).c_str(), &handle,
      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = messageFor(handle, rc);
    sqlite3_close_v2(handle);
    return classify(path, rc, message, "opening");
  }
  std::unique_ptr<Database> db(new Database(handle, path));
  db->immutable_ = true;
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

core::Status Database::exec(std::string_view sql, std::string_view context) {
  const std::string text(sql);
  char* raw_message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &raw_message);
  if (rc == SQLITE_OK) return {};
  std::string message = raw_message != nullptr ? raw_message : messageFor(db_, rc);
  sqlite3_free(raw_message);
  return classify(path_,
                  sqlite3_extended_errcode(db_) != SQLITE_OK ? sqlite3_extended_errcode(db_) : rc,
                  message, context);
}

core::Result<Statement> Database::prepare(std::string_view sql) {
  if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return core::makeError(core::ErrorCode::kInternal, "SQL text too long");
  }
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return error(rc, "preparing '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(statement, this);
}

core::Result<std::string> Database::queryText(std::string_view sql, std::string_view context) {
  const auto failed = [context](const core::Error& error) {
    return context.empty() ? error : error.withContext(context);
  };
  auto statement = prepare(sql);
  if (!statement) return failed(statement.error());
  auto row = statement->step();
  if (!row) return failed(row.error());
  if (!*row) return std::string();
  return statement->textAt(0);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

bool Database::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

bool Database::readOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

core::Result<bool> Database::hasMoved() const {
  int moved = 0;
  const int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  if (rc == SQLITE_NOTFOUND) return false;  // a file system layer that cannot tell
  if (rc != SQLITE_OK) return error(rc, "checking that the file is still in place");
  return moved != 0;
}

std::string Database::lastMessage() const {
  const char* text = sqlite3_errmsg(db_);
  return text != nullptr ? text : "unknown SQLite error";
}

core::Error Database::error(int rc, std::string_view context) const {
  return classify(path_, rc, messageFor(db_, rc), context);
}

// --- Statement ---

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(std::exchange(other.db_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

core::Status Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) return db_->error(rc, "binding a value");
  return {};
}

core::Status Statement::bindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) return db_->error(rc, "binding a value");
  return {};
}

core::Status Statement::bind(int index, std::string_view text) {
  // A null pointer would bind NULL, not an empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  // The destructor argument null is SQLITE_STATIC: the caller keeps the text alive (see header).
  const int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), nullptr, SQLITE_UTF8);
  if (rc != SQLITE_OK) return db_->error(rc, "binding a value");
  return {};
}

core::Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, "");
}

core::Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64At(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::textAt(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

bool Statement::nullAt(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Transaction ---

core::Result<Transaction> Transaction::begin(Database& db) {
  // IMMEDIATE takes the write lock now: a busy database waits here (busy_timeout), not at COMMIT.
  if (auto status = db.exec("BEGIN IMMEDIATE", "starting a transaction"); !status) {
    return status.error();
  }
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->inTransaction()) {
    (void)db_->exec("ROLLBACK", "rolling back");
  }
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

core::Status Transaction::commit() {
  if (db_ == nullptr) return core::makeError(core::ErrorCode::kInternal, "no transaction");
  auto status = db_->exec("COMMIT", "committing");
  if (status) db_ = nullptr;  // done; on failure the destructor rolls back what is left
  return status;
}

}  // namespace aihunt::state::sqlite
