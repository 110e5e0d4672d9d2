#include <catch2/catch.hpp>

#include <functional>

#include <nlohmann/json.hpp>

#include "qradar_client/log_source_types.h"
#include "qradar_client/offense_client.h"
#include "qradar_client/reference_data_client.h"
#include "tests/support/fake_api_client.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

using RefHarness = testing::FakeApiClient;

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
  CHECK(h.transport.lines().back() == "GET /api/reference_data/sets/AIHunt%20AI%20API%20Users");
  REQUIRE(client.create("AIHunt AI API Users", std::chrono::hours(24 * 30)).ok());
  CHECK(h.transport.lines().back().find("time_to_live=30%20days") != std::string::npos);
  REQUIRE(client.addValues("AIHunt AI API Users", {"alice", "bob"}, "aihunt").ok());
  CHECK(h.transport.requests.back().body == R"(["alice","bob"])");
}

TEST_CASE("find: a set's fields of the wrong type read as absent, never throw", "[reference]") {
  SECTION("legacy") {
    RefHarness h("20.0");
    h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
      return jsonResponse(200, R"({"name":7,"element_type":5,"number_of_elements":"many"})");
    };
    qradar::ReferenceDataClient client(*h.api);
    auto found = client.find("users");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->name == "users");
    CHECK((*found)->element_type.empty());
    CHECK((*found)->count == 0);
  }
  SECTION("collections") {
    RefHarness h("26.0");
    h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
      return jsonResponse(
          200, R"([{"name":"users","entry_type":["ALN"],"id":"42"},{"name":3},"users"])");
    };
    qradar::ReferenceDataClient client(*h.api);
    auto found = client.find("users");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->element_type.empty());
    CHECK((*found)->id == 0);
  }
  SECTION("an answer that is no object") {
    RefHarness h("20.0");
    h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
      return jsonResponse(200, R"([1,2])");
    };
    qradar::ReferenceDataClient client(*h.api);
    auto found = client.find("users");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->element_type.empty());
  }
}

TEST_CASE("collections: find by name, PATCH entries with the collection id", "[reference]") {
  RefHarness h("26.0");
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    if (r.url.find("set_bulk_update_tasks/7") != std::string::npos) {
      return jsonResponse(200, R"({"id":7,"status":"COMPLETED"})");
    }
    if (r.method == "GET") {
      return jsonResponse(
          200,
          R"([{"id":42,"name":"AIHunt AI API Users","entry_type":"ALN","number_of_entries":3}])");
    }
    return jsonResponse(202, R"({"id":7,"status":"QUEUED"})");
  };
  qradar::ReferenceDataClient client(*h.api);
  auto found = client.find("AIHunt AI API Users");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == 42);
  CHECK((*found)->count == 3);  // number_of_entries
  REQUIRE(client.addValues("AIHunt AI API Users", {"alice"}, "aihunt").ok());
  const auto& patch = h.transport.requests.at(h.transport.requests.size() - 2);
  CHECK(patch.method == "PATCH");
  CHECK(patch.body == R"([{"collection_id":42,"source":"aihunt","value":"alice"}])");
  CHECK(h.transport.lines().back() ==
        "GET /api/reference_data_collections/set_bulk_update_tasks/7");
}

TEST_CASE("collections: a set is created with a numeric time_to_live; 409/10006 means it exists",
          "[reference]") {
  RefHarness h("26.0");
  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(409, R"({"code":10006,"message":"The name is already in use"})");
  };
  qradar::ReferenceDataClient client(*h.api);
  REQUIRE(client.create("AIHunt AI API Users", std::chrono::hours(24 * 30)).ok());
  const auto body = nlohmann::json::parse(h.transport.requests.at(0).body);
  CHECK(body["time_to_live"] == 30 * 86'400);  // a number of seconds, not "30 days"
  CHECK(body["entry_type"] == "ALN");
  CHECK(body["expiry_type"] == "LAST_SEEN");
}

namespace {

// A collections console whose bulk update task reads `statuses` in turn (the last one repeats).
struct TaskConsole {
  std::vector<std::string> statuses;
  std::string final_body_extra;
  std::size_t reads = 0;

  core::Result<qradar::HttpResponse> operator()(const qradar::HttpRequest& r) {
    if (r.url.find("set_bulk_update_tasks/9") != std::string::npos) {
      const std::string& status = statuses.at(std::min(reads++, statuses.size() - 1));
      return jsonResponse(200, R"({"id":9,"status":")" + status + "\"" +
                                   (isFinal(status) ? final_body_extra : "") + "}");
    }
    if (r.method == "GET") return jsonResponse(200, R"([{"id":42,"name":"users"}])");
    return jsonResponse(202, R"({"id":9,"status":"QUEUED"})");
  }
  static bool isFinal(const std::string& status) { return qradar::isFinalTaskStatus(status); }
};

}  // namespace

TEST_CASE("collections: the bulk update task is polled until it is final", "[reference][task]") {
  SECTION("QUEUED, PROCESSING twice, COMPLETED") {
    RefHarness h("26.0");
    TaskConsole console{{"PROCESSING", "PROCESSING", "COMPLETED"}, "", 0};
    h.answer = std::ref(console);
    qradar::ReferenceDataClient client(*h.api);
    REQUIRE(client.addValues("users", {"alice", "bob"}, "aihunt").ok());
    REQUIRE(client.lastTask().has_value());
    CHECK(client.lastTask()->status == "COMPLETED");
    CHECK(client.lastTask()->polls == 3);
    CHECK(console.reads == 3);
    CHECK(h.sleeper.total > std::chrono::milliseconds(0));  // paused between reads, on the clock
  }
  SECTION("EXCEPTION: the task's error_code and error_message are reported") {
    RefHarness h("26.0");
    TaskConsole console{{"PROCESSING", "EXCEPTION"},
                        R"(,"error_code":1020,"error_message":"entry 2: bad value")",
                        0};
    h.answer = std::ref(console);
    qradar::ReferenceDataClient client(*h.api);
    auto added = client.addValues("users", {"alice"}, "aihunt");
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == core::ErrorCode::kRemote);
    REQUIRE(client.lastTask().has_value());
    CHECK(client.lastTask()->status == "EXCEPTION");
    CHECK(client.lastTask()->error_code == 1020);
    CHECK(client.lastTask()->error_message == "entry 2: bad value");
    CHECK(added.error().message.find("entry 2: bad value") != std::string::npos);
  }
  SECTION("the console's status and message reach the error as one printable line") {
    RefHarness h("26.0");
    TaskConsole console{{"PROCESSING", "EXCEPTION"},
                        R"(,"error_message":"bad\naihunt: 6 findings delivered\u001b[2K\u009b")",
                        0};
    h.answer = std::ref(console);
    qradar::ReferenceDataClient client(*h.api);
    auto added = client.addValues("users", {"alice"}, "aihunt");
    REQUIRE_FALSE(added.ok());
    const std::string& message = added.error().message;
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find('\x1b') == std::string::npos);
    CHECK(message.find("\xC2\x9B") == std::string::npos);
    CHECK(message.find("6 findings delivered") != std::string::npos);  // shown, made inert
  }
  SECTION("CONFLICT and INTERRUPTED are final failures too") {
    for (const char* status : {"CONFLICT", "INTERRUPTED"}) {
      RefHarness h("26.0");
      TaskConsole console{{status}, "", 0};
      h.answer = std::ref(console);
      qradar::ReferenceDataClient client(*h.api);
      CHECK_FALSE(client.addValues("users", {"alice"}, "aihunt").ok());
      CHECK(console.reads == 1);
    }
  }
  SECTION("a task that never ends is given up at the task timeout, with bounded reads") {
    RefHarness h("26.0");
    TaskConsole console{{"PROCESSING"}, "", 0};
    h.answer = std::ref(console);
    qradar::ReferenceOptions options;
    options.task_timeout = std::chrono::seconds(10);
    qradar::ReferenceDataClient client(*h.api, options);
    auto added = client.addValues("users", {"alice"}, "aihunt");
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == core::ErrorCode::kTimeout);
    CHECK(console.reads <= 10);
  }
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

TEST_CASE("offenses: fields of the wrong type read as absent, never throw", "[offense]") {
  RefHarness h("20.0");
  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(200, R"([{"id":"7","description":null,"offense_source":5,"status":["OPEN"],
                 "magnitude":1e300},{"id":8,"description":"d","offense_source":"10.0.0.6"},7])");
  };
  qradar::OffenseClient client(*h.api);
  auto offenses = client.list("", 10);
  REQUIRE(offenses.ok());
  REQUIRE(offenses->size() == 2);
  CHECK(offenses->at(0).id == 0);
  CHECK(offenses->at(0).description.empty());
  CHECK(offenses->at(0).offense_source.empty());
  CHECK(offenses->at(0).status.empty());
  CHECK(offenses->at(1).id == 8);
  CHECK(offenses->at(1).offense_source == "10.0.0.6");
}

TEST_CASE("offense notes: listed in Range pages up to a limit", "[offense]") {
  RefHarness h("20.0");
  // 250 notes; the console honours Range like QRadar (items=a-b, inclusive).
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    const std::string range = qradar::findHeader(r.headers, "Range").value_or("");
    const auto dash = range.find('-');
    const int first = std::stoi(range.substr(6, dash - 6));
    const int last = std::min(std::stoi(range.substr(dash + 1)), 249);
    nlohmann::json page = nlohmann::json::array();
    for (int i = first; i <= last; ++i) {
      page.push_back({{"id", i + 1}, {"note_text", "note " + std::to_string(i)}, {"x", 1}});
    }
    return jsonResponse(200, page.dump());
  };
  qradar::OffenseClient client(*h.api);
  auto notes = client.listNotes(9, 1000, 100);
  REQUIRE(notes.ok());
  REQUIRE(notes->size() == 250);
  CHECK(notes->at(249).note_text == "note 249");
  CHECK(notes->at(249).id == 250);
  REQUIRE(h.transport.requests.size() == 3);
  CHECK(h.transport.lines()[0] == "GET /api/siem/offenses/9/notes?fields=id%2Cnote_text");
  CHECK(qradar::findHeader(h.transport.requests[2].headers, "Range") == "items=200-299");
  // The limit cuts the list.
  h.transport.requests.clear();
  auto cut = client.listNotes(9, 150, 100);
  REQUIRE(cut.ok());
  CHECK(cut->size() == 150);
  CHECK(qradar::findHeader(h.transport.requests[1].headers, "Range") == "items=100-149");
}

TEST_CASE("offense notes: a console that ignores Range is read once", "[offense]") {
  RefHarness h("20.0");
  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    nlohmann::json all = nlohmann::json::array();
    for (int i = 0; i < 30; ++i) all.push_back({{"id", i}, {"note_text", "n"}});
    return jsonResponse(200, all.dump());
  };
  qradar::OffenseClient client(*h.api);
  auto notes = client.listNotes(9, 1000, 10);
  REQUIRE(notes.ok());
  CHECK(notes->size() == 30);
  CHECK(h.transport.requests.size() == 1);
  // An unknown offense is QRadar's 404/1002, an error.
  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(404, R"({"code":1002,"message":"No offense was found"})");
  };
  CHECK_FALSE(client.listNotes(10, 1000).ok());
}

TEST_CASE("legacy sets: values read page by page up to the cap", "[reference]") {
  RefHarness h("20.0");
  // A set of 7 values, paged as the console does from the Range header.
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    std::string range;
    for (const auto& [key, value] : r.headers) {
      if (key == "Range") range = value;
    }
    const auto dash = range.find('-');
    const std::size_t first = std::stoul(range.substr(6, dash - 6));
    const std::size_t last = std::stoul(range.substr(dash + 1));
    nlohmann::json data = nlohmann::json::array();
    for (std::size_t i = first; i <= last && i < 7; ++i) {
      data.push_back({{"value", "10.0.0." + std::to_string(i)}, {"source", "s"}});
    }
    nlohmann::json body = {
        {"name", "Allowed"}, {"element_type", "IP"}, {"number_of_elements", 7}, {"data", data}};
    return jsonResponse(200, body.dump());
  };
  qradar::ReferenceDataClient client(*h.api);
  auto all = client.readValues("Allowed", 100, 3);
  REQUIRE(all.ok());
  REQUIRE(all->has_value());
  CHECK((*all)->info.element_type == "IP");
  CHECK((*all)->values.size() == 7);
  CHECK((*all)->values.front() == "10.0.0.0");
  CHECK_FALSE((*all)->truncated);
  CHECK(h.transport.lines().back() == "GET /api/reference_data/sets/Allowed");

  auto capped = client.readValues("Allowed", 5, 3);
  REQUIRE(capped.ok());
  CHECK((*capped)->values.size() == 5);
  CHECK((*capped)->truncated);
  auto exact = client.readValues("Allowed", 7, 10);
  REQUIRE(exact.ok());
  CHECK((*exact)->values.size() == 7);
  CHECK_FALSE((*exact)->truncated);
}

TEST_CASE("collections: values read from set_entries filtered on the set's id", "[reference]") {
  RefHarness h("26.0");
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    if (r.url.find("/sets?") != std::string::npos) {
      return jsonResponse(
          200, R"([{"id":42,"name":"Allowed Users","entry_type":"ALNIC","number_of_entries":2}])");
    }
    return jsonResponse(200, R"([{"id":1,"collection_id":42,"value":"Alice","source":"s"},)"
                             R"({"id":2,"collection_id":42,"value":"svc-etl","source":"s"}])");
  };
  qradar::ReferenceDataClient client(*h.api);
  auto read = client.readValues("Allowed Users", 100);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->info.element_type == "ALNIC");
  CHECK((*read)->values == std::vector<std::string>{"Alice", "svc-etl"});
  CHECK(h.transport.lines().back() ==
        "GET /api/reference_data_collections/set_entries?filter=collection_id%3D42");

  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(200, "[]");
  };
  auto missing = client.readValues("Nope", 100);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("log source types: every page read, entries of another shape skipped in place",
          "[log_source_types]") {
  RefHarness h("20.0");
  // 23 entries; every third has no integer id (a console or proxy answering oddly). Each page
  // must start after the entries of the one before, kept or not.
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    const std::string range = qradar::findHeader(r.headers, "Range").value_or("");
    const auto dash = range.find('-');
    const int first = std::stoi(range.substr(6, dash - 6));
    const int last = std::min(std::stoi(range.substr(dash + 1)), 22);
    nlohmann::json page = nlohmann::json::array();
    for (int i = first; i <= last; ++i) {
      if (i % 3 == 0) {
        page.push_back({{"id", "x"}, {"name", "odd " + std::to_string(i)}});
      } else {
        page.push_back({{"id", 4000 + i}, {"name", "type " + std::to_string(i)}});
      }
    }
    return jsonResponse(200, page.dump());
  };
  auto types = qradar::listLogSourceTypes(*h.api, 10'000, 5);
  REQUIRE(types.ok());
  REQUIRE(types->size() == 15);  // 23 less the 8 odd ones (0, 3, ..., 21)
  CHECK(types->front().id == 4001);
  CHECK(types->back().name == "type 22");
  REQUIRE(h.transport.requests.size() == 5);
  CHECK(h.transport.lines()[0] ==
        "GET /api/config/event_sources/log_source_management/log_source_types?fields=id%2Cname");
  CHECK(qradar::findHeader(h.transport.requests[4].headers, "Range") == "items=20-24");
  // The limit counts the entries read, kept or not.
  h.transport.requests.clear();
  auto cut = qradar::listLogSourceTypes(*h.api, 6, 3);
  REQUIRE(cut.ok());
  CHECK(cut->size() == 4);
  CHECK(h.transport.requests.size() == 2);
}
