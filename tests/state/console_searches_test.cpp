// The searches held on the console: recorded once per id, forgotten, listed oldest first, kept
// across reopening, counted in the summary, and added to a version 5 file by migration.
#include <catch2/catch.hpp>

#include "state/schema.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

namespace {

std::vector<std::string> ids(StateStore& store) {
  std::vector<std::string> out;
  const auto searches = store.consoleSearches().value();
  for (const auto& search : searches) out.push_back(search.search_id);
  return out;
}

}  // namespace

TEST_CASE("searches held on the console are recorded until forgotten, across reopening") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = openStore(path);
    REQUIRE(store != nullptr);
    CHECK(store->consoleSearches().value().empty());
    REQUIRE(
        store->recordSearch({"b-2", "https://qradar.example", "proxy-ai-api", kT0 + kMinute}).ok());
    REQUIRE(store->recordSearch({"a-1", "https://qradar.example", "endpoint-network", kT0}).ok());
    REQUIRE(
        store->recordSearch({"c-3", "https://qradar.example", "proxy-ai-api", kT0 + 2 * kMinute})
            .ok());
    // The same id again stays one row, with what was recorded last.
    REQUIRE(
        store->recordSearch({"a-1", "https://other.example", "endpoint-network", kT0 + 3 * kMinute})
            .ok());
    REQUIRE(store->forgetSearch("c-3").ok());
    REQUIRE(store->forgetSearch("never-recorded").ok());
    CHECK(store->summary().value().console_searches == 2);
  }
  auto store = openStore(path);
  REQUIRE(store != nullptr);
  const auto searches = store->consoleSearches().value();
  REQUIRE(searches.size() == 2);
  CHECK(searches[0].search_id == "b-2");  // oldest first
  CHECK(searches[0].console == "https://qradar.example");
  CHECK(searches[0].hunt == "proxy-ai-api");
  CHECK(searches[0].created_at == kT0 + kMinute);
  CHECK(searches[1].search_id == "a-1");
  CHECK(searches[1].console == "https://other.example");
  CHECK(searches[1].created_at == kT0 + 3 * kMinute);
  REQUIRE(store->forgetSearch("a-1").ok());
  REQUIRE(store->forgetSearch("b-2").ok());
  CHECK(ids(*store).empty());
  CHECK(store->summary().value().console_searches == 0);
}

TEST_CASE("a version 5 store is migrated to record console searches, keeping what it held") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  REQUIRE(writeOlderStore(path, 5, "INSERT INTO baselines VALUES ('host|python|openai', 5)"));
  auto store = openStore(path);
  REQUIRE(store != nullptr);
  CHECK(store->summary().value().schema_version == schema::kVersion);
  CHECK(store->baselineKnown("host|python|openai").value());
  REQUIRE(store->recordSearch({"s1", "https://qradar.example", "h", kT0}).ok());
  CHECK(ids(*store) == std::vector<std::string>{"s1"});
}
