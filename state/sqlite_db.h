#pragma once
// A small RAII layer over the sqlite3 C API: one connection (Database), prepared statements
// (Statement) and a transaction guard (Transaction). Every failure comes back as a core::Error
// that names the state file and carries SQLite's own message; nothing throws.
//
// Error codes: a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB, a short read) is
// ErrorCode::kState with advice on what to do; a file that cannot be opened, created or written
// to disk (SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_FULL, other I/O errors) is ErrorCode::kIo;
// anything else (read-only store, busy, constraint) is ErrorCode::kState.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace aihunt::state::sqlite {

// "state file X is damaged (what): run 'aihunt state check' ..., or start with --state-reset ..."
[[nodiscard]] core::Error damagedError(const std::string& path, std::string_view what);

// Adds one row of PRAGMA integrity_check or quick_check output to `lines`, one finding a line:
// rows may hold several lines, and the first starts with "*** in database main ***".
void appendCheckLines(std::string_view row, std::vector<std::string>& lines);

class Statement;

class Database {
 public:
  // Opens `path` read-only, or read-write (creating the file when `create`). Sets extended result
  // codes, a busy timeout, defensive mode and cell size checks; reads nothing from the file yet.
  [[nodiscard]] static core::Result<std::unique_ptr<Database>> open(const std::string& path,
                                                                    bool read_only, bool create);
  // Read-only, without locks, and leaving nothing beside the file (a read-only open of a WAL
  // database makes its -wal and -shm and leaves them): for a look at a file that may be another
  // program's. Only sound when no -wal lies beside it (its content would not be read).
  [[nodiscard]] static core::Result<std::unique_ptr<Database>> openImmutable(
      const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return nothing worth reading.
  [[nodiscard]] core::Status exec(std::string_view sql, std::string_view context);
  [[nodiscard]] core::Result<Statement> prepare(std::string_view sql);
  // The single text value of a one-row query ("PRAGMA journal_mode=WAL").
  [[nodiscard]] core::Result<std::string> queryText(std::string_view sql, std::string_view context);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] bool inTransaction() const;
  [[nodiscard]] bool readOnly() const;
  // Whether the file at path() is no longer the one this connection has open (deleted, renamed,
  // or replaced by another file): SQLite's SQLITE_FCNTL_HAS_MOVED, which compares the inodes.
  [[nodiscard]] core::Result<bool> hasMoved() const;
  [[nodiscard]] const std::string& path() const { return path_; }
  // Opened without locks (a folder this process may not write, no -wal beside the file): what
  // it reads may be torn by a writer that starts meanwhile.
  [[nodiscard]] bool immutable() const { return immutable_; }

  // SQLite's own text for the connection's most recent failure ("file is not a database").
  [[nodiscard]] std::string lastMessage() const;
  // Our Error for SQLite result code `rc` (extended), with the connection's message.
  [[nodiscard]] core::Error error(int rc, std::string_view context) const;

 private:
  Database(sqlite3* handle, std::string path) : db_(handle), path_(std::move(path)) {}

  bool immutable_ = false;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement. Bind values (1-based), then step() through rows or run() to completion.
// Text is bound without copying: it must outlive the step() or run() that uses it. reset() (or a
// Statement::Reset guard) clears bindings and releases the statement's read snapshot.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Resets the statement when it leaves scope, whatever path the caller takes.
  class Reset {
   public:
    explicit Reset(Statement& statement) : statement_(statement) {}
    ~Reset() { statement_.reset(); }
    Reset(const Reset&) = delete;
    Reset& operator=(const Reset&) = delete;

   private:
    Statement& statement_;
  };

  [[nodiscard]] core::Status bind(int index, std::int64_t value);
  [[nodiscard]] core::Status bind(int index, std::string_view text);
  [[nodiscard]] core::Status bindNull(int index);

  // true: a row is ready to read; false: the statement is done.
  [[nodiscard]] core::Result<bool> step();
  // Steps to the end, ignoring any rows.
  [[nodiscard]] core::Status run();
  void reset();

  [[nodiscard]] std::int64_t int64At(int column) const;
  [[nodiscard]] std::string textAt(int column) const;
  [[nodiscard]] bool nullAt(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* statement, const Database* database) : stmt_(statement), db_(database) {}

  sqlite3_stmt* stmt_ = nullptr;
  const Database* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  [[nodiscard]] static core::Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] core::Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace aihunt::state::sqlite
