// Stored copies of QRadar reference sets: replaced whole, kept across reopening, and added to a
// version 1 file by migration without touching what it held.
#include <catch2/catch.hpp>

#include <algorithm>

#include "state/schema.h"
#include "state/sqlite_db.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

namespace {

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

}  // namespace

TEST_CASE("a reference set copy is replaced whole and survives reopening") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = openStore(path);
    REQUIRE(store != nullptr);
    CHECK(store->referenceSets().value().empty());
    REQUIRE(store->saveReferenceSet({"Allowed", "IP", kT0, false, {"10.0.0.1", "10.0.0.2"}}).ok());
    REQUIRE(
        store->saveReferenceSet({"Users", "ALNIC", kT0, true, {"Bob", "bob", "line\nbreak"}}).ok());
    // A later read replaces the earlier one: values that left the set leave the copy.
    REQUIRE(store->saveReferenceSet({"Allowed", "IP", kT0 + kMinute, false, {"10.0.0.3"}}).ok());
  }
  auto store = openStore(path);
  REQUIRE(store != nullptr);
  const auto copies = store->referenceSets().value();
  REQUIRE(copies.size() == 2);
  CHECK(copies[0].name == "Allowed");
  CHECK(copies[0].element_type == "IP");
  CHECK(copies[0].read_at == kT0 + kMinute);
  CHECK_FALSE(copies[0].truncated);
  CHECK(copies[0].values == std::vector<std::string>{"10.0.0.3"});
  CHECK(copies[1].name == "Users");
  CHECK(copies[1].truncated);
  CHECK(sorted(copies[1].values) == std::vector<std::string>{"Bob", "bob", "line\nbreak"});
}

TEST_CASE("a version 1 store is migrated to hold reference set copies") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(writeOlderStore(path, 1, "INSERT INTO baselines VALUES ('host|python|openai', 5)"));
  auto store = openStore(path);
  REQUIRE(store != nullptr);
  CHECK(store->summary().value().schema_version == schema::kVersion);
  CHECK(store->baselineKnown("host|python|openai").value());
  REQUIRE(store->saveReferenceSet({"Allowed", "IP", kT0, false, {"10.0.0.1"}}).ok());
  CHECK(store->referenceSets().value().size() == 1);
}
