#include <catch2/catch.hpp>

#include "qradar_client/offense_client.h"
#include "qradar_client/reference_data_client.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

struct RefHarness {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  std::function<core::Result<qradar::HttpResponse>(const qradar::HttpRequest&)> answer;
  testing::FakeHttpTransport transport{[this](const qradar::HttpRequest& r) { return answer(r); }};
  std::unique_ptr<qradar::ApiClient> api;

  explicit RefHarness(const std::string& version) {
    qradar::ApiSettings settings;
    settings.base_url = "https://console.test";
    settings.api_version = version;
    api = std::make_unique<qradar::ApiClient>(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        settings);
  }
};

}  // namespace

TEST_CASE("the reference data API follows the configured version", "[reference]") {
  CHECK(qradar::referenceApiFor("20.0") == qradar::ReferenceApi::kLegacySets);
  CHECK(qradar::referenceApiFor("25.0") == qradar::ReferenceApi::kLegacySets);
  CHECK(qradar::referenceApiFor("26.0") == qradar::ReferenceApi::kCollections);
}

TEST_CASE("legacy sets: find, create (409 is fine), bulk load", "[reference]") {
  RefHarness h("20.0");
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    if (r.method == "GET") return jsonResponse(404, R"({"code":1002,"message":"no such set"})");
    if (r.url.find("bulk_load") != std::string::npos) return jsonResponse(200, "{}");
    return jsonResponse(409, R"({"code":1004,"message":"name in use"})");
  };
  qradar::ReferenceDataClient client(*h.api);
  auto found = client.find("AIHunt AI API Users");
  REQUIRE(found.ok());
  CHECK_FALSE(found->has_value());
  CHECK(h.transport.lines().back() ==
        "GET /api/reference_data/sets/AIHunt%20AI%20API%20Users?limit=0");
  REQUIRE(client.create("AIHunt AI API Users", std::chrono::hours(24 * 30)).ok());
  CHECK(h.transport.lines().back().find("time_to_live=30%20days") != std::string::npos);
  REQUIRE(client.addValues("AIHunt AI API Users", {"alice", "bob"}, "aihunt").ok());
  CHECK(h.transport.requests.back().body == R"(["alice","bob"])");
}

TEST_CASE("collections: find by name, PATCH entries with the collection id", "[reference]") {
  RefHarness h("26.0");
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    if (r.method == "GET") {
      return jsonResponse(200, R"([{"id":42,"name":"AIHunt AI API Users","entry_type":"ALN"}])");
    }
    return jsonResponse(202, R"({"id":7,"status":"QUEUED"})");
  };
  qradar::ReferenceDataClient client(*h.api);
  auto found = client.find("AIHunt AI API Users");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == 42);
  REQUIRE(client.addValues("AIHunt AI API Users", {"alice"}, "aihunt").ok());
  CHECK(h.transport.requests.back().method == "PATCH");
  CHECK(h.transport.requests.back().body ==
        R"([{"collection_id":42,"source":"aihunt","value":"alice"}])");
}

TEST_CASE("offenses: list with a filter and a Range, notes", "[offense]") {
  RefHarness h("20.0");
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    if (r.method == "GET") {
      return jsonResponse(
          200,
          R"([{"id":7,"description":"AI API use\n","offense_source":"10.0.0.5","status":"OPEN","magnitude":4}])");
    }
    return jsonResponse(201, "{}");
  };
  qradar::OffenseClient client(*h.api);
  auto offenses = client.list("status=OPEN", 50);
  REQUIRE(offenses.ok());
  REQUIRE(offenses->size() == 1);
  CHECK(offenses->at(0).offense_source == "10.0.0.5");
  CHECK(qradar::findHeader(h.transport.requests[0].headers, "Range") == "items=0-49");
  CHECK(h.transport.requests[0].url.find("filter=status%3DOPEN") != std::string::npos);
  REQUIRE(client.addNote(7, "aihunt: finding 1a2b").ok());
  CHECK(h.transport.lines().back() ==
        "POST /api/siem/offenses/7/notes?note_text=aihunt%3A%20finding%201a2b");
}
