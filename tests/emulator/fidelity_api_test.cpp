// qradar-emu against IBM's documentation (issue 9), over loopback: AQL time clauses and the
// console time zone, unknown functions (422 with the position), identical-query reuse that never
// returns a search made before events were added, results of a search in ERROR, and connection
// deadlines for idle clients.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "core/time.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/raw_socket.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {

std::vector<std::string> sampleArgs(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--events", sourcePath("content/samples/events.jsonl"),
                                   "--lookups", sourcePath("content/samples/qradar_lookups.json")};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

HttpReply postQuery(RunningEmu& emu, const std::string& aql) {
  return emu.call("POST", "/api/ariel/searches",
                  {"Content-Type: application/x-www-form-urlencoded"},
                  "query_expression=" + urlEncode(aql));
}

std::int64_t recordCount(RunningEmu& emu, const std::string& aql) {
  const json created = emu.createSearch(aql);
  REQUIRE(created.contains("search_id"));
  const json done = emu.waitSearch(created["search_id"].get<std::string>());
  REQUIRE(done["status"] == "COMPLETED");
  return done["record_count"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("START/STOP as IBM documents them, through the API", "[fidelity][time]") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  // The sample holds events at 13:xx (4), 14:xx (1) and 15:xx (1) UTC on 2026-11-26; the
  // emulator clock is 18:00 UTC.
  CHECK(recordCount(emu, "SELECT sourceip FROM events START '2026-11-26 13:00Z'") == 6);
  // The 14:xx event is at 14:05:09. STOP with seconds includes its whole minute; without
  // seconds, STOP ends before its minute.
  CHECK(recordCount(emu,
                    "SELECT sourceip FROM events START '2026/11/26 13:00:00z' STOP "
                    "'2026/11/26-14:05:00Z'") == 5);
  CHECK(recordCount(emu,
                    "SELECT sourceip FROM events START '2026:11:26-13:00:59Z' STOP "
                    "'2026-11-26 14:05Z'") == 4);
  CHECK(recordCount(emu, "SELECT sourceip FROM events START PARSEDATETIME('5 hours ago')") == 6);
  const auto now = aihunt::core::parseTimestamp(kSampleNow).value();
  CHECK(recordCount(
            emu, "SELECT sourceip FROM events START " + std::to_string(now - 5 * 3'600'000)) == 6);
  const HttpReply bad = postQuery(emu, "SELECT sourceip FROM events START '2026-11-26T13:00'");
  CHECK(bad.status == 422);
  CHECK(parseJson(bad.body)["code"] == 2000);
}

TEST_CASE("zone-less START/STOP text is read in --console-timezone", "[fidelity][time]") {
  RunningEmu emu(sampleArgs({"--console-timezone", "+13:00"}));
  REQUIRE(emu.ok());
  CHECK(recordCount(emu, "SELECT sourceip FROM events START '2026-11-26 13:00Z'") == 6);
  // 13:00 at UTC+13 is 00:00 UTC: the whole day's sample up to now.
  CHECK(recordCount(emu, "SELECT sourceip FROM events START '2026-11-26 13:00'") >= 70);
  // Local 2026-11-27 02:00 at UTC+13 is 13:00 UTC on the 26th.
  CHECK(recordCount(emu, "SELECT sourceip FROM events START '2026-11-27 02:00'") == 6);
}

TEST_CASE("unknown functions and ORDER BY without a key answer 422 with the position",
          "[fidelity][functions]") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply unknown = postQuery(
      emu, "SELECT sourceip FROM events\nWHERE EXFILTRATIONSCORE(sourceip) > 5 LAST 1 HOURS");
  REQUIRE(unknown.status == 422);
  const json body = parseJson(unknown.body);
  CHECK(body["code"] == 2000);
  CHECK(body["details"]["line"] == 2);
  CHECK(body["details"]["column"] == 7);
  CHECK(body["details"]["near"] == "EXFILTRATIONSCORE");
  const HttpReply foo = postQuery(emu, "SELECT FOO() AS x FROM events LAST 1 HOURS");
  CHECK(foo.status == 422);
  CHECK(parseJson(foo.body)["details"]["column"] == 8);
  const HttpReply order = postQuery(emu, "SELECT sourceip FROM events ORDER BY DESC LAST 1 HOURS");
  CHECK(order.status == 422);
  CHECK(parseJson(order.body)["code"] == 2000);
  // Nothing was created.
  CHECK(parseJson(emu.call("GET", "/api/ariel/searches").body).empty());
}

TEST_CASE(
    "with a fixed clock, identical-query reuse never returns a search made before new "
    "events",
    "[fidelity][reuse]") {
  RunningEmu emu;  // --now fixed at the sample time, no events
  REQUIRE(emu.ok());
  const std::string aql = "SELECT sourceip FROM events LAST 10 MINUTES";
  const json first = emu.waitSearch(emu.createSearch(aql)["search_id"].get<std::string>());
  REQUIRE(first["status"] == "COMPLETED");
  CHECK(first["record_count"] == 0);
  // Without new events the identical query still shares the search.
  CHECK(emu.createSearch(aql)["search_id"] == first["search_id"]);

  const auto now = aihunt::core::parseTimestamp(kSampleNow).value();
  REQUIRE(emu.admin("POST", "/admin/events",
                    "{\"starttime\": " + std::to_string(now - 60'000) +
                        ", \"sourceip\": \"10.9.9.9\"}\n")
              .status == 200);
  const json second = emu.createSearch(aql);
  CHECK(second["search_id"] != first["search_id"]);
  const json done = emu.waitSearch(second["search_id"].get<std::string>());
  CHECK(done["record_count"] == 1);

  // A clock moved through /admin/clock ends reuse too: LAST 10 MINUTES now means another range.
  CHECK(emu.createSearch(aql)["search_id"] == second["search_id"]);
  REQUIRE(emu.admin("POST", "/admin/clock?advance=1s").status == 200);
  CHECK(emu.createSearch(aql)["search_id"] != second["search_id"]);
}

TEST_CASE("results of a search in ERROR say it failed", "[fidelity][error]") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_error}\n").status == 200);
  const json created = emu.createSearch("SELECT sourceip FROM events LAST 1 DAYS");
  const std::string id = created["search_id"].get<std::string>();
  REQUIRE(emu.waitSearch(id)["status"] == "ERROR");
  const HttpReply results = emu.call("GET", "/api/ariel/searches/" + id + "/results");
  CHECK(results.status == 404);
  const json body = parseJson(results.body);
  CHECK(body["code"] == 1003);
  CHECK(body["details"]["status"] == "ERROR");
  CHECK_FALSE(body["details"]["error_messages"].empty());
}

TEST_CASE("idle connections are closed after the idle timeout", "[fidelity][http]") {
  RunningEmu emu({"--http-idle-timeout-ms", "300", "--plain-http", "--http-port", "0"});
  REQUIRE(emu.ok());
  SECTION("a client that connects to HTTPS and sends nothing") {
    const int fd = connectTcp(emu.ports()["https"].get<int>());
    REQUIRE(fd >= 0);
    CHECK(closedByPeerWithin(fd, std::chrono::seconds(10)));
    ::close(fd);
  }
  SECTION("a keep-alive client that goes quiet after one request") {
    const int fd = connectTcp(emu.ports()["http"].get<int>());
    REQUIRE(fd >= 0);
    const std::string request =
        std::string("GET /api/help/versions HTTP/1.1\r\nHost: localhost\r\n") +
        "SEC: " + kHunterToken + "\r\nConnection: keep-alive\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    std::string received;
    CHECK(closedByPeerWithin(fd, std::chrono::seconds(10), &received));
    CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
    ::close(fd);
  }
  SECTION("a client that sends half a header") {
    const int fd = connectTcp(emu.ports()["http"].get<int>());
    REQUIRE(fd >= 0);
    const std::string partial = "GET /api/help/versions HTTP/1.1\r\nHost: loc";
    REQUIRE(::send(fd, partial.data(), partial.size(), 0) == static_cast<ssize_t>(partial.size()));
    std::string received;
    CHECK(closedByPeerWithin(fd, std::chrono::seconds(10), &received));
    CHECK(received.empty());
    ::close(fd);
  }
  // The server still answers afterwards.
  CHECK(emu.call("GET", "/api/help/versions").status == 200);
}
