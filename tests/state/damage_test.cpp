// Damaged, foreign and newer state files: open() refuses them with ErrorCode::kState and advice,
// or opens them and keeps working; it never crashes. Also checkStateFile and moveAside.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>

#include "state/sqlite_db.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

namespace {

constexpr std::size_t kPageSize = 4096;  // SQLite's default

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A closed store (no -wal left) with a few pages of everything.
void buildStore(const std::string& path) {
  auto store = openStore(path);
  REQUIRE(store != nullptr);
  for (int w = 0; w < 12; ++w) {
    Commit commit;
    commit.hunt = w % 2 == 0 ? "endpoint-process" : "proxy-ai-api";
    commit.now = kT0 + w * kMinute;
    for (int f = 0; f < 15; ++f) {
      FindingItem item = finding("w" + std::to_string(w) + "-f" + std::to_string(f));
      item.payload.append(200, 'p');
      commit.findings.push_back(std::move(item));
    }
    commit.sinks = {"jsonl", "leef"};
    commit.baselines = {"user" + std::to_string(w) + "|openai"};
    commit.completes = window(commit.hunt, kT0 + w * kMinute, kT0 + (w + 1) * kMinute, 100, 15);
    REQUIRE(store->commit(commit).ok());
    REQUIRE(store->recordGap(Gap{commit.hunt, w * kMinute, (w + 1) * kMinute, kT0}).ok());
  }
  REQUIRE(store->setProgress(SinkProgress{"jsonl", "/out/f.jsonl", 123, 1, 20}).ok());
}

bool acceptable(const core::Error& error) {
  // kConfig: damage that leaves the file looking like another program's (not aihunt's).
  return error.code == core::ErrorCode::kState || error.code == core::ErrorCode::kIo ||
         error.code == core::ErrorCode::kConfig;
}

// Every call either works or reports an error: it never crashes, never throws.
void exercise(StateStore& store) {
  const auto check_status = [](const core::Status& status) {
    if (!status) CHECK(acceptable(status.error()));
  };
  const auto check = [](const auto& result) {
    if (!result) CHECK(acceptable(result.error()));
  };
  check(store.ledgerEnd("endpoint-process"));
  check(store.windows("proxy-ai-api", 0, kT0 * 2));
  check(store.gaps(""));
  check(store.seen("w3-f4"));
  check(store.baselineKnown("user1|openai"));
  check(store.pending("jsonl", 50));
  check(store.outboxDepth("leef"));
  check(store.progress("jsonl"));
  check(store.summary());
  check(store.integrityCheck());
  Commit commit;
  commit.hunt = "endpoint-process";
  commit.now = kT0 + 100 * kMinute;
  commit.findings = {finding("new-1"), finding("w0-f0")};
  commit.sinks = {"jsonl"};
  commit.completes = window("endpoint-process", kT0 + 99 * kMinute, kT0 + 100 * kMinute);
  check(store.commit(commit));
  check_status(store.delivered("jsonl", 1, 5));
  check_status(store.deliveryFailed("leef", 1, 5, "nope"));
  check_status(store.setProgress(SinkProgress{"leef", "x", 0, 1, 2}));
  check(store.pruneSeen(kT0 + 3 * kMinute));
}

void requireRefusedAsDamaged(const core::Error& error, const std::string& path) {
  CHECK(error.code == core::ErrorCode::kState);
  CHECK_THAT(error.message, Catch::Contains(path));
  CHECK_THAT(error.message, Catch::Contains("aihunt state check"));
  CHECK_THAT(error.message, Catch::Contains("--state-reset"));
}

}  // namespace

TEST_CASE("generated damage: truncated and bit-flipped stores never crash open()") {
  const TempDir dir;
  const std::string pristine = dir.file("pristine.db");
  buildStore(pristine);
  REQUIRE_FALSE(std::filesystem::exists(pristine + "-wal"));
  const std::string bytes = readBytes(pristine);
  REQUIRE(bytes.size() >= 8 * kPageSize);
  const std::size_t pages = bytes.size() / kPageSize;

  std::mt19937 random(20261202);  // fixed seed: the same 60 cases every run
  int refused = 0;
  int opened = 0;
  for (int i = 0; i < 60; ++i) {
    std::string damaged = bytes;
    std::string how;
    if (i % 3 == 0) {
      const std::size_t length =
          std::uniform_int_distribution<std::size_t>(1, bytes.size() - 1)(random);
      damaged.resize(length);
      how = "truncated to " + std::to_string(length);
    } else {
      const int flips = std::uniform_int_distribution<int>(1, 16)(random);
      how = "flipped";
      for (int f = 0; f < flips; ++f) {
        const std::size_t page = std::uniform_int_distribution<std::size_t>(0, pages - 1)(random);
        // Half the flips land in the first 128 bytes of a page: headers, where damage bites.
        const std::size_t span = f % 2 == 0 ? 128 : kPageSize;
        const std::size_t at =
            page * kPageSize + std::uniform_int_distribution<std::size_t>(0, span - 1)(random);
        const auto mask = static_cast<char>(std::uniform_int_distribution<int>(1, 255)(random));
        damaged[at] = static_cast<char>(damaged[at] ^ mask);
        how += " " + std::to_string(at);
      }
    }
    const std::string path = dir.file("damaged-" + std::to_string(i) + ".db");
    writeBytes(path, damaged);
    INFO("case " << i << ": " << how);
    auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
    if (store.ok()) {
      ++opened;
      exercise(**store);
    } else {
      ++refused;
      if (damaged.compare(0, 16, bytes, 0, 16) != 0) {
        // SQLite's header itself was hit: no longer recognisable as any SQLite database, so not
        // one --state-reset may move aside.
        CHECK_THAT(store.error().message, Catch::Contains("not an SQLite database"));
      } else {
        requireRefusedAsDamaged(store.error(), path);
      }
      // `aihunt state check` still has something to say about it, without crashing.
      auto problems = checkStateFile(path);
      if (problems.ok()) CHECK_FALSE(problems->empty());
    }
  }
  INFO("opened " << opened << ", refused " << refused);
  CHECK(refused > 0);
  CHECK(opened + refused == 60);
}

TEST_CASE("generated damage to the -wal of a crashed store loses only whole commits") {
  const TempDir dir;
  const std::string live = dir.file("live.db");
  constexpr int kCommits = 20;
  auto store = openStore(live);
  REQUIRE(store != nullptr);
  for (int i = 0; i < kCommits; ++i) REQUIRE(store->commit(numbered(i)).ok());
  // Copied while open: what a crash would leave (every commit is in the -wal, synced).
  const std::string main_bytes = readBytes(live);
  const std::string wal_bytes = readBytes(live + "-wal");
  REQUIRE(wal_bytes.size() > 32 + 24 + kPageSize);  // header, then frames of a page each
  store.reset();

  std::mt19937 random(4242);
  int lost = 0;
  for (int i = 0; i < 30; ++i) {
    std::string wal = wal_bytes;
    std::string how;
    if (i % 2 == 0) {
      const std::size_t length =
          std::uniform_int_distribution<std::size_t>(0, wal.size() - 1)(random);
      wal.resize(length);
      how = "wal truncated to " + std::to_string(length);
    } else {
      how = "wal flipped";
      for (int f = 0; f < 4; ++f) {
        const std::size_t at =
            std::uniform_int_distribution<std::size_t>(0, wal.size() - 1)(random);
        wal[at] = static_cast<char>(wal[at] ^ 0x5a);
        how += " " + std::to_string(at);
      }
    }
    const std::string path = dir.file("crashed-" + std::to_string(i) + ".db");
    writeBytes(path, main_bytes);
    writeBytes(path + "-wal", wal);
    INFO("case " << i << ": " << how);
    auto reopened = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
    if (!reopened) {
      requireRefusedAsDamaged(reopened.error(), path);
      continue;
    }
    const int commits = completeCommits(**reopened);
    CHECK(commits >= 0);
    CHECK(commits <= kCommits);
    if (commits < kCommits) ++lost;
    CHECK((*reopened)->integrityCheck().value().empty());
  }
  CHECK(lost > 0);  // the damage did bite somewhere
}

TEST_CASE("files that are not SQLite databases are refused as not aihunt's, and left alone") {
  const TempDir dir;
  // A config file or a log named by a wrong state.path, and bytes with no SQLite header.
  const std::string text = dir.file("text.db");
  writeBytes(text, "this is not a database, just some text that someone put here\n");
  const std::string noise = dir.file("noise.db");
  std::mt19937 random(7);
  std::string bytes(3 * kPageSize, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  writeBytes(noise, bytes);
  const std::string tiny = dir.file("tiny.db");
  writeBytes(tiny, "SQLite");

  for (const std::string& path : {text, noise, tiny}) {
    INFO(path);
    const std::string before = readBytes(path);
    for (const bool read_only : {false, true}) {
      auto store = StateStore::open(path, OpenOptions{/*create=*/true, read_only});
      REQUIRE_FALSE(store.ok());
      CHECK(store.error().code == core::ErrorCode::kConfig);
      CHECK_THAT(store.error().message, Catch::Contains(path));
      CHECK_THAT(store.error().message, Catch::Contains("not an SQLite database"));
      CHECK_THAT(store.error().message, Catch::Contains("--state-reset does not move it"));
    }
    // `state check` says the same, as an error rather than as damage to reset.
    auto checked = checkStateFile(path);
    REQUIRE_FALSE(checked.ok());
    CHECK_THAT(checked.error().message, Catch::Contains("not an SQLite database"));
    CHECK_FALSE(checkNotForeign(path).ok());
    CHECK(readBytes(path) == before);
  }
}

TEST_CASE("a file with SQLite's header and nothing readable behind it is refused as damaged") {
  const TempDir dir;
  const std::string path = dir.file("header.db");
  writeBytes(path, std::string("SQLite format 3\0", 16) + std::string(84, '\xff'));
  for (const bool read_only : {false, true}) {
    auto store = StateStore::open(path, OpenOptions{/*create=*/true, read_only});
    REQUIRE_FALSE(store.ok());
    requireRefusedAsDamaged(store.error(), path);
  }
  // Ours as far as anyone can tell: --state-reset may move it aside.
  CHECK(checkNotForeign(path).ok());
  auto problems = checkStateFile(path);
  REQUIRE(problems.ok());
  CHECK_FALSE(problems->empty());
}

TEST_CASE("a check of a store whose file is gone but whose log is left names the log") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  writeBytes(path + "-wal", std::string(64, '\0'));
  auto checked = checkStateFile(path);
  REQUIRE_FALSE(checked.ok());
  CHECK_THAT(checked.error().message, Catch::Contains("-wal is still there"));
  std::filesystem::remove(path + "-wal");
  auto missing = checkStateFile(path);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("does not exist"));
}

TEST_CASE("a store with a newer schema_version is refused") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(openStore(path) != nullptr);
  {
    auto db = sqlite::Database::open(path, false, false);
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("UPDATE meta SET value = 99 WHERE key = 'schema_version'", "test").ok());
  }
  for (const bool read_only : {false, true}) {
    auto store = StateStore::open(path, OpenOptions{/*create=*/true, read_only});
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().code == core::ErrorCode::kState);
    CHECK_THAT(store.error().message, Catch::Contains(path));
    CHECK_THAT(store.error().message, Catch::Contains("99"));
    CHECK_THAT(store.error().message, Catch::Contains("--state-reset"));
  }
  // Not damage (state check would call it DAMAGED and advise a reset): a newer aihunt's file,
  // said as the error it is.
  auto problems = checkStateFile(path);
  REQUIRE_FALSE(problems.ok());
  CHECK_THAT(problems.error().message, Catch::Contains("schema version 99"));
  CHECK_THAT(problems.error().message, Catch::Contains("run the newer aihunt"));
}

TEST_CASE("another program's database is not taken over, checked as damage or reset") {
  const TempDir dir;
  const std::string path = dir.file("other.db");
  const std::string with_meta = dir.file("other-meta.db");
  const std::string meta_columns = dir.file("other-columns.db");
  const std::string meta_version = dir.file("other-version.db");
  const std::string wal = dir.file("other-wal.db");
  const auto make = [](const std::string& file, std::initializer_list<const char*> sql) {
    auto db = sqlite::Database::open(file, false, true);
    REQUIRE(db.ok());
    for (const char* statement : sql) REQUIRE((*db)->exec(statement, "test").ok());
  };
  make(path, {"CREATE TABLE accounts (id INTEGER PRIMARY KEY)"});
  // `meta` is a common name: one without aihunt's schema_version is not aihunt's either, nor one
  // without key and value columns (a review: its query failed and read as damage to reset), nor
  // one with a schema_version and none of aihunt's tables.
  make(with_meta, {"CREATE TABLE meta (key TEXT, value TEXT)",
                   "INSERT INTO meta VALUES ('owner', 'grafana')"});
  make(meta_columns,
       {"CREATE TABLE meta (name TEXT, version TEXT)", "INSERT INTO meta VALUES ('schema', '3')"});
  make(meta_version,
       {"CREATE TABLE meta (key TEXT, value TEXT)",
        "INSERT INTO meta VALUES ('schema_version', '7')", "CREATE TABLE dashboards (id INTEGER)"});
  // A WAL database closed cleanly: the look at it must leave no -wal or -shm of ours beside it.
  make(wal, {"PRAGMA journal_mode=WAL", "CREATE TABLE accounts (id INTEGER PRIMARY KEY)"});
  REQUIRE_FALSE(std::filesystem::exists(wal + "-wal"));
  for (const std::string& file : {path, with_meta, meta_columns, meta_version, wal}) {
    INFO(file);
    CHECK_FALSE(checkNotForeign(file).ok());
    CHECK_FALSE(std::filesystem::exists(file + "-wal"));
    CHECK_FALSE(std::filesystem::exists(file + "-shm"));
    auto store = StateStore::open(file, OpenOptions{});
    REQUIRE_FALSE(store.ok());
    // A config error (state.path names the wrong file), which --state-reset leaves alone.
    CHECK(store.error().code == core::ErrorCode::kConfig);
    CHECK_THAT(store.error().message, Catch::Contains("not aihunt's state file"));
    CHECK_THAT(store.error().message, Catch::Contains("--state-reset does not move it"));
    auto checked = checkStateFile(file);
    REQUIRE_FALSE(checked.ok());
    CHECK_THAT(checked.error().message, Catch::Contains("not aihunt's state file"));
    CHECK_FALSE(checkNotForeign(file).ok());
  }
  auto db = sqlite::Database::open(path, true, false);
  REQUIRE(db.ok());
  CHECK((*db)->queryText("SELECT COUNT(*) FROM sqlite_schema", "test").value() == "1");
  // Left in its own journal mode: nothing was written into it.
  CHECK((*db)->queryText("PRAGMA journal_mode", "test").value() == "delete");

  // In use by its program (its -wal and -shm beside it): the quiet look is skipped, and the
  // check, which reads through the log, says the same.
  auto live = sqlite::Database::open(wal, false, false);
  REQUIRE(live.ok());
  REQUIRE((*live)->exec("INSERT INTO accounts VALUES (1)", "test").ok());
  REQUIRE(std::filesystem::exists(wal + "-wal"));
  auto checked = checkStateFile(wal);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().code == core::ErrorCode::kConfig);
  CHECK_THAT(checked.error().message, Catch::Contains("not aihunt's state file"));
}

TEST_CASE("aihunt's own stores and an empty file are not foreign") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(openStore(path) != nullptr);
  CHECK(checkNotForeign(path).ok());
  const std::string empty = dir.file("empty.db");
  writeBytes(empty, "");
  CHECK(checkNotForeign(empty).ok());
  CHECK(checkNotForeign(dir.file("missing.db")).ok());
}

TEST_CASE("a store missing one of its tables is refused as damaged") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(openStore(path) != nullptr);
  {
    auto db = sqlite::Database::open(path, false, false);
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("DROP TABLE outbox", "test").ok());
  }
  auto store = StateStore::open(path, OpenOptions{});
  REQUIRE_FALSE(store.ok());
  requireRefusedAsDamaged(store.error(), path);
  CHECK_THAT(store.error().message, Catch::Contains("outbox"));
}

TEST_CASE("checkStateFile: a sound store has nothing to report") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  buildStore(path);
  auto problems = checkStateFile(path);
  REQUIRE(problems.ok());
  CHECK(problems->empty());
  auto missing = checkStateFile(dir.file("missing.db"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == core::ErrorCode::kIo);
}

TEST_CASE("moveAside renames the store with its -wal and -shm, stamped, never clobbering") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  const core::EpochMs now = 1'795'684'988'123;  // 2026-11-26T09:23:08.123Z

  CHECK(moveAside(path, now).value().empty());  // nothing there: not an error

  writeBytes(path, "main");
  writeBytes(path + "-wal", "wal");
  writeBytes(path + "-shm", "shm");
  const std::string moved = moveAside(path, now).value();
  CHECK(moved == path + ".corrupt-20261126T092308Z");
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));
  CHECK(readBytes(moved) == "main");
  CHECK(readBytes(moved + "-wal") == "wal");
  CHECK(readBytes(moved + "-shm") == "shm");

  // Same second again: a numbered name, the first one left alone.
  writeBytes(path, "second");
  const std::string again = moveAside(path, now).value();
  CHECK(again == path + ".corrupt-20261126T092308Z.1");
  CHECK(readBytes(again) == "second");
  CHECK(readBytes(moved) == "main");
  CHECK_FALSE(std::filesystem::exists(again + "-wal"));

  // A real store moved aside: a fresh one starts empty in its place; the old one still opens.
  buildStore(path);
  const std::string old = moveAside(path, now + 1000).value();
  CHECK(old == path + ".corrupt-20261126T092309Z");
  auto fresh = openStore(path);
  REQUIRE(fresh != nullptr);
  CHECK(fresh->summary().value().seen_findings == 0);
  auto kept = openStore(old, OpenOptions{false, true});
  REQUIRE(kept != nullptr);
  CHECK(kept->summary().value().seen_findings == 12 * 15);
}

TEST_CASE("a -wal left without its database is refused, and moveAside clears it") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  writeBytes(path + "-wal", "an orphaned log");
  auto store = StateStore::open(path, OpenOptions{});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == core::ErrorCode::kState);
  CHECK_THAT(store.error().message, Catch::Contains("--state-reset"));
  CHECK_FALSE(std::filesystem::exists(path));

  CHECK(moveAside(path, kT0).value().empty());  // no store was there
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK(readBytes(path + ".corrupt-20261126T092300Z-wal") == "an orphaned log");
  CHECK(openStore(path) != nullptr);
}

TEST_CASE("damage quick_check does not see: open works, integrityCheck reports it") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  buildStore(path);
  // An outbox row's sink changed in the table but not in its index (outbox_by_sink).
  std::string bytes = readBytes(path);
  const std::size_t at = bytes.find(R"(jsonlw3-f4{)");
  REQUIRE(at != std::string::npos);
  bytes[at + 4] = 'x';
  writeBytes(path, bytes);

  auto store = openStore(path);
  REQUIRE(store != nullptr);
  const auto lines = store->integrityCheck().value();
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.size() <= 20);
  for (const std::string& line : lines) CHECK(line.find('\n') == std::string::npos);
  const auto problems = checkStateFile(path).value();
  CHECK(problems == lines);
}

TEST_CASE("integrity check output: one finding a line, without SQLite's header") {
  std::vector<std::string> lines;
  sqlite::appendCheckLines("*** in database main ***\nPage 5: never used\nPage 6: never used",
                           lines);
  sqlite::appendCheckLines("row 3 missing from index outbox_by_sink", lines);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Page 5: never used");
  CHECK(lines[1] == "Page 6: never used");
  CHECK(lines[2] == "row 3 missing from index outbox_by_sink");
}

TEST_CASE("an empty state file beside a log with content is refused, not taken for a new store") {
  // A resource trial: the file truncated (or replaced by an empty one) under a running daemon;
  // the next start took it for a new store, dropped the log, and raised every finding again.
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = StateStore::open(path, OpenOptions{});
    REQUIRE(store);
  }
  std::ofstream(path + "-wal", std::ios::binary) << std::string(4096, 'w');
  std::ofstream(path, std::ios::binary | std::ios::trunc).flush();
  const auto refused = StateStore::open(path, OpenOptions{});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == core::ErrorCode::kState);
  CHECK(refused.error().message.find("is empty but its log") != std::string::npos);
  CHECK(std::filesystem::file_size(path + "-wal") == 4096);  // left as it was
  // An empty file alone is a new store, as before.
  std::filesystem::remove(path + "-wal");
  CHECK(StateStore::open(path, OpenOptions{}));
}
