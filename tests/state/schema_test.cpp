// The schema's migrations: ordered, reaching the build's version, applied once and whole.
#include <catch2/catch.hpp>

#include <fstream>

#include "state/schema.h"
#include "state/sqlite_db.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

TEST_CASE("migrations are numbered 1..kVersion in order") {
  const auto all = schema::migrations();
  REQUIRE_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(all[i].sql.empty());
  }
  CHECK(all.back().version == schema::kVersion);
}

TEST_CASE("an empty file is migrated to the current version, once") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  { std::ofstream touch(path); }  // zero bytes: an empty SQLite database

  {
    auto db = sqlite::Database::open(path, false, false);
    REQUIRE(db.ok());
    CHECK(schema::readVersion(**db).value() == 0);
    REQUIRE(schema::migrate(**db).ok());
    CHECK(schema::readVersion(**db).value() == schema::kVersion);
    REQUIRE(schema::migrate(**db).ok());  // nothing left to do
    CHECK(schema::readVersion(**db).value() == schema::kVersion);
    CHECK_FALSE((*db)->inTransaction());
    const std::string tables =
        (*db)
            ->queryText(
                "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)",
                "test")
            .value();
    CHECK(tables ==
          "baselines,console_searches,gaps,meta,outbox,reference_set_values,reference_sets,seen,"
          "sink_progress,"
          "upload_totals,windows");
  }

  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
  REQUIRE(store.ok());
  CHECK((*store)->summary().value().schema_version == schema::kVersion);
}

TEST_CASE("read-only opens do not migrate") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  { std::ofstream touch(path); }
  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/true});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == core::ErrorCode::kState);
  CHECK_THAT(store.error().message, Catch::Contains("no aihunt state"));
  auto db = sqlite::Database::open(path, true, false);
  REQUIRE(db.ok());
  CHECK(schema::readVersion(**db).value() == 0);
}

TEST_CASE("an unreadable schema_version is damage") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(openStore(path) != nullptr);
  {
    auto db = sqlite::Database::open(path, false, false);
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("UPDATE meta SET value = 'one' WHERE key = 'schema_version'", "t").ok());
  }
  auto store = StateStore::open(path, OpenOptions{});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == core::ErrorCode::kState);
  CHECK_THAT(store.error().message, Catch::Contains("is damaged"));
}

TEST_CASE("a version 2 store keeps its outbox rows, which wait for no leader until released") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(writeOlderStore(path, 2,
                          "INSERT INTO outbox (sink, finding_id, payload, created_at) "
                          "VALUES ('offense_notes', 'f1', '{}', 5)"));
  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
  REQUIRE(store.ok());
  CHECK((*store)->summary().value().schema_version == schema::kVersion);
  auto rows = (*store)->pending("offense_notes", 10).value();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].finding_id == "f1");
  CHECK_FALSE(rows[0].due_at.has_value());
  CHECK((*store)->release("offense_notes", "leef", 42, kNoneFree, 42).value() == 1);
  CHECK((*store)->pending("offense_notes", 10).value()[0].due_at ==
        std::optional<core::EpochMs>(42));
}

TEST_CASE("a version 3 store's due rows were first due when they are due") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(writeOlderStore(path, 3,
                          "INSERT INTO outbox (sink, finding_id, payload, created_at, due_at) "
                          "VALUES ('offense_notes', 'f1', '{}', 5, 77), "
                          "('offense_notes', 'f2', '{}', 5, NULL)"));
  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
  REQUIRE(store.ok());
  CHECK((*store)->summary().value().schema_version == schema::kVersion);
  const auto rows = (*store)->pending("offense_notes", 10).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first_due_at == std::optional<core::EpochMs>(77));
  CHECK_FALSE(rows[1].first_due_at.has_value());
  CHECK((*store)->held("offense_notes", 0).value().retrying == 0);
}

TEST_CASE("a version 4 store keeps its seen ids and knows no upload total until one is raised") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(writeOlderStore(path, 4,
                          "INSERT INTO seen (finding_id, hunt, event_time, first_raised_at) "
                          "VALUES ('t1', 'proxy', 5, 6)"));
  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
  REQUIRE(store.ok());
  CHECK((*store)->summary().value().schema_version == schema::kVersion);
  CHECK((*store)->seen("t1").value());
  const UploadTotalMark mark{"10.0.0.5", "alice", "openai", 0, 100, {}, {}, {}};
  CHECK_FALSE((*store)->uploadTotalRaised("proxy", mark).value());
  Commit commit;
  commit.hunt = "proxy";
  commit.now = 7;
  commit.findings.push_back(FindingItem{"t2", 5, "{}", mark});
  REQUIRE((*store)->commit(commit).value().added == 1);
  CHECK((*store)->uploadTotalRaised("proxy", mark).value());
}
