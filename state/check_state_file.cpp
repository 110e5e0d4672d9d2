#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "state/schema.h"
#include "state/sqlite_db.h"
#include "state/state_store.h"

namespace aihunt::state {
namespace {

// The first 16 bytes of every SQLite 3 database file (sqlite.org/fileformat.html, 1.3).
constexpr std::array<char, 16> kSqliteHeader = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                                'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

// Why the file is not aihunt's store; empty when it may be, and when it cannot be read at all
// (the open that follows says why, with SQLite's own advice for permissions and damage).
std::string foreignFileReason(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {};
  const auto size = std::filesystem::file_size(path, ec);
  // An empty file is what SQLite makes of a new database before its first write.
  if (ec || size == 0) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return {};
  std::array<char, kSqliteHeader.size()> head{};
  in.read(head.data(), head.size());
  if (in.bad()) return {};
  if (static_cast<std::size_t>(in.gcount()) != head.size() ||
      std::memcmp(head.data(), kSqliteHeader.data(), head.size()) != 0) {
    return "it is not an SQLite database: its first bytes are not SQLite's header; if it is "
           "aihunt's store with its first page destroyed, move it aside yourself";
  }
  // Looked at without a trace: a read-only open of another program's WAL database would leave
  // a -wal and a -shm of aihunt's user beside it (a review). With a -wal there, its content must
  // be read, which only the usual open does: the schema check after it says the same then.
  if (std::filesystem::exists(path + "-wal", ec) || std::filesystem::exists(path + "-shm", ec)) {
    return {};
  }
  auto db = sqlite::Database::openImmutable(path);
  if (!db) return {};
  auto reason = schema::otherProgramsReason(**db);
  // A database SQLite cannot read past its header is damaged, not foreign: that is the check's
  // and the reset's business.
  return reason ? *reason : std::string();
}

}  // namespace

core::Status checkNotForeign(const std::string& path) {
  const std::string reason = foreignFileReason(path);
  if (!reason.empty()) return schema::notOursError(path, reason);
  return {};
}

core::Result<std::vector<std::string>> checkStateFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (!std::filesystem::exists(path, ec) && std::filesystem::exists(path + "-wal", ec)) {
      // What `run` says too: the log of a store whose file is gone.
      return core::makeError(core::ErrorCode::kIo,
                             "state file " + path + " is missing but its log " + path +
                                 "-wal is still there: 'aihunt run --state-reset' moves it "
                                 "aside and begins afresh");
    }
    return core::makeError(core::ErrorCode::kIo,
                           "state file " + path + " does not exist or is not a file");
  }
  if (auto ours = checkNotForeign(path); !ours) return ours.error();
  auto db = sqlite::Database::open(path, /*read_only=*/true, /*create=*/false);
  if (!db) return db.error();
  // With a -wal beside it, the look above was skipped: asked again, through the log.
  if (auto foreign = schema::otherProgramsReason(**db); foreign && !foreign->empty()) {
    return schema::notOursError(path, *foreign);
  }
  std::vector<std::string> problems;
  // The structure first: if SQLite cannot read the file at all, that is the one thing to say.
  auto statement = (*db)->prepare("PRAGMA integrity_check(20)");
  if (!statement) {
    problems.push_back((*db)->lastMessage());
    return problems;
  }
  for (;;) {
    auto row = statement->step();
    if (!row) {
      problems.push_back((*db)->lastMessage());
      return problems;
    }
    if (!*row) break;
    const std::string text = statement->textAt(0);
    if (text != "ok") sqlite::appendCheckLines(text, problems);
  }
  statement->reset();
  if (problems.size() > 20) problems.resize(20);
  if (!problems.empty() && (*db)->immutable()) {
    // Read without locks: a writer that started meanwhile (a run --once from cron) could have
    // torn what was read. Not to be called damage, or reset, on that evidence.
    return core::makeError(core::ErrorCode::kState,
                           "state file " + path +
                               " was read without locks (its folder is not writable here) and "
                               "shows problems (" +
                               problems.front() +
                               "): run 'aihunt state check' as the user that runs aihunt "
                               "before acting on it");
  }
  auto version = schema::readVersion(**db);
  if (!version) {
    problems.push_back(version.error().message);
  } else if (*version > schema::kVersion) {
    // Not damage: a newer aihunt's file (a rollback). Said as such, not as damage to reset.
    if (problems.empty()) return schema::newerSchemaError(path, *version);
    problems.push_back(schema::newerSchemaError(path, *version).message);
  } else if (*version == 0) {
    problems.push_back("it holds no aihunt state");
  }
  return problems;
}

}  // namespace aihunt::state
