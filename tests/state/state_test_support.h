#pragma once
// Shared by the state tests: a temporary folder removed on scope exit, and builders for commits.
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "state/schema.h"
#include "state/sqlite_db.h"
#include "state/state_store.h"

namespace aihunt::state::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/aihunt-state-XXXXXX";
    const char* made = mkdtemp(pattern.data());
    if (made != nullptr) path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline constexpr core::EpochMs kMinute = 60'000;
inline constexpr core::EpochMs kT0 = 1'795'684'980'000;  // 2026-11-26T09:23:00Z
// StateStore::release()'s `free_above` when every row needs its leader's.
inline constexpr std::int64_t kNoneFree = std::numeric_limits<std::int64_t>::max();

inline FindingItem finding(const std::string& id, core::EpochMs event_time = kT0) {
  return FindingItem{id, event_time, R"({"finding_id":")" + id + R"("})", std::nullopt};
}

inline WindowRecord window(const std::string& hunt, core::EpochMs from, core::EpochMs to,
                           std::uint64_t rows = 0, std::uint64_t findings = 0,
                           std::uint64_t repeats = 0) {
  WindowRecord record;
  record.hunt = hunt;
  record.from = from;
  record.to = to;
  record.rows = rows;
  record.findings = findings;
  record.repeats = repeats;
  record.completed_at = to + kMinute;
  return record;
}

// Numbered commits: commit i raises three findings of its own for sinks "jsonl" and "leef" and
// completes window i of hunt "h", all in one transaction.
inline constexpr int kFindingsPerCommit = 3;

inline Commit numbered(int i) {
  Commit commit;
  commit.hunt = "h";
  commit.now = kT0 + i;
  for (int f = 0; f < kFindingsPerCommit; ++f) {
    commit.findings.push_back(finding(std::to_string(i) + "-" + std::to_string(f)));
  }
  commit.sinks = {"jsonl", "leef"};
  commit.completes = window("h", i * kMinute, (i + 1) * kMinute, 10, kFindingsPerCommit);
  return commit;
}

// n when the store holds exactly numbered commits 0..n-1, whole; -1 when it holds anything else
// (part of a commit, a commit without its predecessors) or cannot be read.
inline int completeCommits(StateStore& store) {
  const auto windows = store.windows("h", 0, 1'000'000 * kMinute);
  const auto summary = store.summary();
  if (!windows || !summary) return -1;
  const int n = static_cast<int>(windows->size());
  for (int i = 0; i < n; ++i) {
    if ((*windows)[static_cast<std::size_t>(i)].from != i * kMinute) return -1;
  }
  const auto expected = static_cast<std::uint64_t>(n) * kFindingsPerCommit;
  if (summary->seen_findings != expected) return -1;
  for (const char* sink : {"jsonl", "leef"}) {
    const auto depth = store.outboxDepth(sink);
    if (!depth || *depth != expected) return -1;
  }
  const auto end = store.ledgerEnd("h");
  if (!end || (n > 0 && *end != n * kMinute) || (n == 0 && end->has_value())) return -1;
  return n;
}

inline std::unique_ptr<StateStore> openStore(const std::string& path, OpenOptions options = {}) {
  auto store = StateStore::open(path, options);
  if (!store) return nullptr;
  return std::move(*store);
}

// A store file as an older aihunt left it: the migrations up to `version`, that version
// recorded, then `rows` (SQL that fills it). What a migration test opens. False on any error.
inline bool writeOlderStore(const std::string& path, int version, const std::string& rows) {
  auto db = sqlite::Database::open(path, false, true);
  if (!db) return false;
  if (!(*db)
           ->exec("CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value NOT NULL) WITHOUT ROWID",
                  "test")
           .ok()) {
    return false;
  }
  for (const auto& migration : schema::migrations()) {
    if (migration.version > version) break;
    if (!(*db)->exec(migration.sql, "test").ok()) return false;
  }
  return (*db)
      ->exec("INSERT INTO meta VALUES ('schema_version', " + std::to_string(version) + ");" + rows,
             "test")
      .ok();
}

}  // namespace aihunt::state::testing
