// Scripted faults, from --faults and from POST /admin/faults, as a client meets them: 503/1010,
// 500/1020, 429, connection reset, latency, truncated and malformed bodies, and searches that
// fail, vanish mid-poll or never leave EXECUTE. The request log shows each one.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/emulator/emu_fixture.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {
const std::string kQuery = "SELECT sourceip FROM events LAST 5 MINUTES";
}

TEST_CASE("HTTP faults from a --faults file fire N times, then the API answers normally") {
  const std::string dir = makeTempDir("qradar-emu-faults-");
  std::ofstream(dir + "/faults.yaml") << R"(faults:
  - {kind: status_503, method: POST, path: /api/ariel/searches, times: 2}
  - {kind: status_500, method: GET, path: /api/ariel/databases, times: 1}
  - {kind: status_429, method: GET, path: /api/siem/offenses, times: 1}
)";
  RunningEmu emu({"--faults", dir + "/faults.yaml"});
  REQUIRE(emu.ok());
  const std::string create = "/api/ariel/searches?query_expression=" + urlEncode(kQuery);
  for (int i = 0; i < 2; ++i) {
    const HttpReply unavailable = emu.call("POST", create);
    CHECK(unavailable.status == 503);
    CHECK(parseJson(unavailable.body)["code"] == 1010);
  }
  CHECK(emu.call("POST", create).status == 201);
  const HttpReply error = emu.call("GET", "/api/ariel/databases");
  CHECK(error.status == 500);
  CHECK(parseJson(error.body)["code"] == 1020);
  CHECK(emu.call("GET", "/api/ariel/databases").status == 200);
  const HttpReply limited = emu.call("GET", "/api/siem/offenses");
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "1");
  CHECK(emu.call("GET", "/api/siem/offenses").status == 200);
  const json log = parseJson(emu.admin("GET", "/admin/requests").body)["requests"];
  REQUIRE(log.size() == 7);
  CHECK(log[0]["fault"] == "status_503");
  CHECK(log[2]["fault"] == "");
  const json faults = parseJson(emu.admin("GET", "/admin/faults").body);
  CHECK(faults[0]["fired"] == 2);
}

TEST_CASE("transport faults: reset, latency, truncated body, malformed JSON") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults", R"(- {kind: reset, path: /api/ariel/databases}
- {kind: latency, path: /api/ariel/searches, latency_ms: 600}
- {kind: truncate, path: /api/siem/offenses}
- {kind: malformed_json, path: /api/reference_data/sets}
)")
              .status == 200);
  const HttpReply reset = emu.call("GET", "/api/ariel/databases");
  CHECK(reset.curl_code != 0);  // connection reset / empty reply
  CHECK(emu.call("GET", "/api/ariel/databases").status == 200);
  const auto start = std::chrono::steady_clock::now();
  CHECK(emu.call("GET", "/api/ariel/searches").status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(550));
  const HttpReply truncated = emu.call("GET", "/api/siem/offenses");
  CHECK(truncated.curl_code != 0);  // CURLE_PARTIAL_FILE: fewer bytes than Content-Length
  const HttpReply malformed = emu.call("GET", "/api/reference_data/sets");
  CHECK(malformed.status == 200);
  CHECK(parseJson(malformed.body).is_discarded());
  CHECK(emu.admin("DELETE", "/admin/faults").status == 200);
  CHECK(emu.call("GET", "/api/siem/offenses").curl_code == 0);
}

TEST_CASE("a request held by a latency fault does not hold the emulator's stop") {
  // Each connection's thread is joined at the stop; a held request used to sleep its latency out.
  RunningEmu emu;
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults",
                    "- {kind: latency, path: /api/ariel/databases, latency_ms: 60000}\n")
              .status == 200);
  std::thread client([&] { (void)emu.call("GET", "/api/ariel/databases"); });
  bool held = false;
  for (int i = 0; i < 200 && !held; ++i) {
    const json faults = parseJson(emu.admin("GET", "/admin/faults").body);
    held = faults.is_array() && !faults.empty() && faults[0]["seen"] == 1;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto stopping = std::chrono::steady_clock::now();
  const int code = emu.process().stop(20000);
  const auto took = std::chrono::steady_clock::now() - stopping;
  client.join();
  CHECK(held);
  CHECK(code == 0);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("search faults: ERROR, vanishing mid-poll, stuck in EXECUTE") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_error}\n").status == 200);
  const json failed = emu.waitSearch(emu.createSearch(kQuery)["search_id"]);
  CHECK(failed["status"] == "ERROR");
  REQUIRE(failed["error_messages"].size() == 1);
  CHECK(failed["error_messages"][0]["severity"] == "ERROR");
  CHECK(
      emu.call("GET", "/api/ariel/searches/" + failed["search_id"].get<std::string>() + "/results")
          .status == 404);

  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_vanish, polls: 2}\n").status == 200);
  const std::string vanishing = emu.createSearch(kQuery + " ")["search_id"];
  const std::string path = "/api/ariel/searches/" + vanishing;
  CHECK(emu.call("GET", path).status == 200);
  CHECK(emu.call("GET", path).status == 200);
  const HttpReply gone = emu.call("GET", path);
  CHECK(gone.status == 404);
  CHECK(parseJson(gone.body)["code"] == 1002);

  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_stuck}\n").status == 200);
  const std::string stuck = emu.createSearch(kQuery + "  ")["search_id"];
  const HttpReply held = emu.call("GET", "/api/ariel/searches/" + stuck, {"Prefer: wait=1"});
  CHECK(held.status == 206);
  CHECK(parseJson(held.body)["status"] == "EXECUTE");
  const HttpReply cancelled = emu.call("POST", "/api/ariel/searches/" + stuck + "?status=CANCELED");
  CHECK(parseJson(cancelled.body)["status"] == "CANCELED");
  // Normal searches run again afterwards.
  CHECK(emu.waitSearch(emu.createSearch(kQuery + "   ")["search_id"])["status"] == "COMPLETED");
}

TEST_CASE("a bad fault script is refused at start and by the admin endpoint") {
  const std::string dir = makeTempDir("qradar-emu-faults-");
  std::ofstream(dir + "/faults.yaml") << "faults:\n  - {kind: explode}\n";
  RunningEmu emu({"--faults", dir + "/faults.yaml"});
  CHECK_FALSE(emu.ok());
  CHECK(emu.process().err().find("faults[0].kind") != std::string::npos);
  RunningEmu good;
  REQUIRE(good.ok());
  CHECK(good.admin("POST", "/admin/faults", "- {kind: reset, times: 0}\n").status == 422);
}

TEST_CASE("search_vanish on results reads: 404/1002 after N pages, as when a sharer deletes it") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_vanish, on: results, polls: 0}\n")
              .status == 200);
  const json faults = parseJson(emu.admin("GET", "/admin/faults").body);
  CHECK(faults.dump().find(R"("on":"results")") != std::string::npos);

  const std::string id = emu.createSearch(kQuery)["search_id"];
  const std::string path = "/api/ariel/searches/" + id;
  // Status reads are not counted: it completes normally.
  CHECK(emu.waitSearch(id)["status"] == "COMPLETED");
  CHECK(emu.call("GET", path).status == 200);
  const HttpReply gone = emu.call("GET", path + "/results", {"Range: items=0-0"});
  CHECK(gone.status == 404);
  CHECK(parseJson(gone.body)["code"] == 1002);
  CHECK(emu.call("GET", path).status == 404);  // gone for every reader

  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_vanish, on: results, polls: 2}\n")
              .status == 200);
  const std::string second = emu.createSearch(kQuery + " ")["search_id"];
  // A faulted search is never handed to an identical query.
  CHECK(emu.createSearch(kQuery + " ")["search_id"] != second);
  CHECK(emu.waitSearch(second)["status"] == "COMPLETED");
  const std::string results = "/api/ariel/searches/" + second + "/results";
  CHECK(emu.call("GET", results, {"Range: items=0-0"}).status == 200);
  CHECK(emu.call("GET", results, {"Range: items=1-1"}).status == 200);
  const HttpReply third = emu.call("GET", results, {"Range: items=2-2"});
  CHECK(third.status == 404);
  CHECK(parseJson(third.body)["code"] == 1002);

  CHECK(emu.admin("POST", "/admin/faults", "- {kind: search_vanish, on: pages}\n").status == 422);
}

TEST_CASE("late_response and reset_after: the search is made, its answer late or never") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  REQUIRE(
      emu.admin("POST", "/admin/faults",
                R"(- {kind: late_response, method: POST, path: /api/ariel/searches, latency_ms: 600}
- {kind: reset_after, method: POST, path: /api/ariel/searches, after: 1}
)")
          .status == 200);
  const std::string create = "/api/ariel/searches?query_expression=" + urlEncode(kQuery);
  const auto start = std::chrono::steady_clock::now();
  const HttpReply late = emu.call("POST", create);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(550));
  CHECK(late.status == 201);
  const HttpReply cut = emu.call("POST", "/api/ariel/searches?query_expression=" +
                                             urlEncode(kQuery + " "));  // not the same text
  CHECK(cut.curl_code != 0);                                            // no answer at all
  // Both searches exist, listed oldest first, each with its query_string.
  const json ids = parseJson(emu.call("GET", "/api/ariel/searches").body);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == parseJson(late.body)["search_id"]);
  const json second =
      parseJson(emu.call("GET", "/api/ariel/searches/" + ids[1].get<std::string>()).body);
  CHECK(second["query_string"] == kQuery + " ");
  const json log = parseJson(emu.admin("GET", "/admin/requests").body)["requests"];
  CHECK(log[0]["fault"] == "late_response");
  CHECK(log[1]["fault"] == "reset_after");
}
