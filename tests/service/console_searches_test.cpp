// The searches an earlier process left on the console: deleted (DELETE alone, which also stops a
// running search), forgotten when deleted or found gone, kept when the console did not answer,
// and an id the console could not have made forgotten without a request. The journal writes
// through to the store.
#include <catch2/catch.hpp>

#include "core/logging.h"
#include "service/console_searches.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

constexpr const char* kConsole = "https://console.test";

qradar::Exchange answer(int status, std::string body) {
  return jsonResponse(status, std::move(body));
}

struct Harness {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  // s1 is on the console; s2 is gone; s3's delete is refused (503); s4 meets a gateway's bare
  // 404; s5 finds the console no longer answering.
  testing::FakeHttpTransport transport{[](const qradar::HttpRequest& r) -> qradar::Exchange {
    if (r.url.ends_with("/s1")) return answer(202, R"({"search_id":"s1"})");
    if (r.url.ends_with("/s2")) {
      return answer(404, R"({"code":1002,"message":"The search does not exist."})");
    }
    if (r.url.ends_with("/s4")) return answer(404, "<html>Not Found</html>");
    if (r.url.ends_with("/s5")) {
      return testing::notSent(core::ErrorCode::kTransport, "connection refused");
    }
    return answer(503, R"({"code":1010,"message":"offline"})");
  }};
  state::testing::TempDir dir;
  std::unique_ptr<state::StateStore> store = state::testing::openStore(dir.file("state.db"));
  std::unique_ptr<qradar::ApiClient> api;

  Harness() {
    qradar::ApiSettings settings;
    settings.base_url = std::string(kConsole) + "/";
    settings.api_version = "20.0";
    settings.retry.max_attempts = 1;
    api = std::make_unique<qradar::ApiClient>(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        settings);
  }

  void record(const std::vector<std::string>& ids, const std::string& console = kConsole) {
    for (const auto& id : ids) {
      REQUIRE(store->recordSearch({id, console, "proxy-ai-api", next_time++}).ok());
    }
  }

  std::vector<std::string> recorded() {
    std::vector<std::string> ids;
    const auto searches = store->consoleSearches().value();
    for (const auto& search : searches) ids.push_back(search.search_id);
    return ids;
  }

  core::EpochMs next_time = core::toEpochMs(clock.now()) - 3'600'000;
};

std::vector<std::string> idsOf(const std::vector<state::ConsoleSearch>& searches) {
  std::vector<std::string> ids;
  for (const auto& search : searches) ids.push_back(search.search_id);
  return ids;
}

}  // namespace

TEST_CASE("searches left by a killed run are deleted, or kept until the console answers",
          "[console_searches]") {
  Harness h;
  h.record({"s1", "s2", "s3", "../ariel/databases", "s4"});
  h.record({"s9"}, "https://other-console.test");
  // Another console's search from more than a week ago: its results are long gone.
  REQUIRE(h.store
              ->recordSearch({"s8", "https://old-console.test", "proxy-ai-api",
                              core::toEpochMs(h.clock.now()) - 8LL * 24 * 3'600'000})
              .ok());
  auto sweep = service::deleteRecordedSearches(*h.api, *h.store, std::chrono::seconds(5),
                                               *core::makeNullLogger());
  REQUIRE(sweep.ok());
  CHECK(sweep->deleted == 1);
  CHECK(sweep->gone == 1);
  CHECK(sweep->elsewhere == 1);
  CHECK(idsOf(sweep->kept) == std::vector<std::string>{"s3", "s4"});
  // Another console's search is left recorded, for a run connected to that console.
  CHECK(h.recorded() == std::vector<std::string>{"s3", "s4", "s9"});
  // DELETE alone, once each (the next start tries again), nothing for the id that could not be
  // one (it never reaches a URL), and nothing sent to this console for the other one's search.
  CHECK(h.transport.lines() ==
        std::vector<std::string>{"DELETE /api/ariel/searches/s1", "DELETE /api/ariel/searches/s2",
                                 "DELETE /api/ariel/searches/s3", "DELETE /api/ariel/searches/s4"});

  // Tried again: still refused, still kept.
  auto again = service::deleteLeftoverSearches(*h.api, *h.store, sweep->kept,
                                               std::chrono::seconds(5), *core::makeNullLogger());
  CHECK(idsOf(again.kept) == std::vector<std::string>{"s3", "s4"});
  CHECK(again.deleted + again.gone == 0);
}

TEST_CASE("a console that stops answering ends the sweep: the rest are kept untried",
          "[console_searches]") {
  Harness h;
  h.record({"s5", "s1", "s2"});
  auto sweep = service::deleteRecordedSearches(*h.api, *h.store, std::chrono::seconds(5),
                                               *core::makeNullLogger());
  REQUIRE(sweep.ok());
  CHECK(idsOf(sweep->kept) == std::vector<std::string>{"s5", "s1", "s2"});
  CHECK(h.transport.lines() == std::vector<std::string>{"DELETE /api/ariel/searches/s5"});
  CHECK(h.recorded() == std::vector<std::string>{"s5", "s1", "s2"});
}

TEST_CASE("the journal records a hunt's searches in the store with the clock's time",
          "[console_searches]") {
  Harness h;
  service::StoreSearchJournal journal(*h.store, *h.api, "proxy-ai-api", h.clock);
  REQUIRE(journal.held("s9").ok());
  const auto searches = h.store->consoleSearches().value();
  REQUIRE(searches.size() == 1);
  CHECK(searches[0].hunt == "proxy-ai-api");
  CHECK(searches[0].console == kConsole);  // without the trailing '/' of the base URL
  CHECK(searches[0].created_at == core::toEpochMs(h.clock.now()));
  REQUIRE(journal.released("s9").ok());
  CHECK(h.recorded().empty());
}
