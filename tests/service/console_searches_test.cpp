// The searches an earlier process left on the console: deleted (DELETE alone, which also stops a
// running search), forgotten when deleted or found gone, kept when the console did not answer,
// and an id the console could not have made forgotten without a request. The journal writes
// through to the store.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/logging.h"
#include "service/console_searches.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

struct Harness {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  // s1 is on the console, s2 is gone, s3's delete finds the console offline.
  testing::FakeHttpTransport transport{
      [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
        if (r.url.ends_with("/s1")) return jsonResponse(202, R"({"search_id":"s1"})");
        if (r.url.ends_with("/s2")) {
          return jsonResponse(404, R"({"code":1002,"message":"The search does not exist."})");
        }
        return jsonResponse(503, R"({"code":1010,"message":"offline"})");
      }};
  state::testing::TempDir dir;
  std::unique_ptr<state::StateStore> store = state::testing::openStore(dir.file("state.db"));
  std::unique_ptr<qradar::ApiClient> api;

  Harness() {
    qradar::ApiSettings settings;
    settings.base_url = "https://console.test";
    settings.api_version = "20.0";
    api = std::make_unique<qradar::ApiClient>(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        settings);
  }

  std::vector<std::string> recorded() {
    std::vector<std::string> ids;
    const auto searches = store->consoleSearches().value();
    for (const auto& search : searches) ids.push_back(search.search_id);
    return ids;
  }
};

}  // namespace

TEST_CASE("searches left by a killed run are deleted, or kept until the console answers",
          "[console_searches]") {
  Harness h;
  for (const std::string id : {"s1", "s2", "s3", "../ariel/databases"}) {
    REQUIRE(h.store->recordSearch({id, "proxy-ai-api", state::testing::kT0}).ok());
  }
  auto sweep = service::deleteRecordedSearches(*h.api, *h.store, std::chrono::seconds(5),
                                               *core::makeNullLogger());
  REQUIRE(sweep.ok());
  CHECK(sweep->deleted == 1);
  CHECK(sweep->gone == 1);
  REQUIRE(sweep->kept.size() == 1);
  CHECK(sweep->kept[0].search_id == "s3");
  CHECK(h.recorded() == std::vector<std::string>{"s3"});
  // DELETE alone, never retried here (the next start tries again), and nothing for the id that
  // could not be one: it never reaches a URL.
  const auto lines = h.transport.lines();
  std::vector<std::string> sorted(lines.begin(), lines.end());
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<std::string>{"DELETE /api/ariel/searches/s1",
                                           "DELETE /api/ariel/searches/s2",
                                           "DELETE /api/ariel/searches/s3"});

  // Tried again: still offline, still kept.
  auto again = service::deleteLeftoverSearches(*h.api, *h.store, sweep->kept,
                                               std::chrono::seconds(5), *core::makeNullLogger());
  CHECK(again.kept.size() == 1);
  CHECK(h.recorded() == std::vector<std::string>{"s3"});
}

TEST_CASE("the journal records a hunt's searches in the store with the clock's time",
          "[console_searches]") {
  Harness h;
  service::StoreSearchJournal journal(*h.store, "proxy-ai-api", h.clock);
  REQUIRE(journal.held("s9").ok());
  const auto searches = h.store->consoleSearches().value();
  REQUIRE(searches.size() == 1);
  CHECK(searches[0].hunt == "proxy-ai-api");
  CHECK(searches[0].created_at == core::toEpochMs(h.clock.now()));
  REQUIRE(journal.released("s9").ok());
  CHECK(h.recorded().empty());
}
