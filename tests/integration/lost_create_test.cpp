// Issue 12 (no orphaned searches): a create whose answer is lost after the console made the
// search. Real aihunt against real qradar-emu over TLS, the emulator's late_response and
// reset_after faults making the search and then answering after aihunt's request timeout, or
// never. aihunt must adopt the search it made (the findings of a clean run), never create a
// second one for the same lost create, and leave no search on the console at the end.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/daemon_support.h"
#include "tests/integration/online_support.h"

using aihunt::testing::RunningEmu;
using nlohmann::json;
namespace online = aihunt::testing::online;

namespace {

// GET /api/ariel/searches on the emulator, as aihunt's own token sees it.
json consoleSearches(RunningEmu& emu) {
  const auto reply = emu.call("GET", "/api/ariel/searches", {}, {}, online::kToken);
  REQUIRE(reply.status == 200);
  return aihunt::testing::parseJson(reply.body);
}

void setFaults(RunningEmu& emu, const std::string& yaml) {
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  REQUIRE(emu.admin("POST", "/admin/faults", yaml).status == 200);
  REQUIRE(emu.admin("DELETE", "/admin/requests").status == 200);
}

// Creates sent (the form-body POST to the collection, not ?status=CANCELED on one search).
int creates(const json& log) { return online::countTarget(log, "POST", "/api/ariel/searches"); }
int listings(const json& log) { return online::countTarget(log, "GET", "/api/ariel/searches"); }

// The request log once `fired` requests with fault `kind` are in it: a late answer is logged
// when it is sent, after aihunt has moved on (bounded; the log is returned as it is by then).
json logAfterFaults(RunningEmu& emu, const std::string& kind, int fired) {
  json log;
  aihunt::testing::waitUntil(
      [&] {
        log = online::requestLog(emu);
        int seen = 0;
        for (const auto& r : log) seen += r["fault"] == kind ? 1 : 0;
        return seen >= fired;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(100));
  return log;
}

}  // namespace

TEST_CASE("aihunt hunt: a create answered after the request timeout is adopted, not repeated",
          "[online][lost]") {
  RunningEmu emu(online::sampleData(), online::emuConfig());
  REQUIRE(emu.ok());
  const auto clean = online::runAihunt(online::huntArgs(emu));
  REQUIRE(clean.exit_code == 0);
  const auto expected = online::findingKeys(clean.out);
  REQUIRE_FALSE(expected.empty());
  const int hunts = creates(online::requestLog(emu));

  std::string kind = "late_response";
  SECTION("late answers") {
    setFaults(emu,
              "- {kind: late_response, method: POST, path: /api/ariel/searches, "
              "latency_ms: 2500, times: -1}\n");
  }
  SECTION("connections cut after the search is made") {
    kind = "reset_after";
    setFaults(emu, "- {kind: reset_after, method: POST, path: /api/ariel/searches, times: -1}\n");
  }
  const auto lost = online::runAihunt(online::huntArgs(emu, {"--request-timeout", "1s"}), 120);
  INFO(lost.err);
  CHECK(lost.exit_code == 0);
  CHECK(online::findingKeys(lost.out) == expected);
  const json log = logAfterFaults(emu, kind, hunts);
  CHECK(creates(log) == hunts);   // each create sent once
  CHECK(listings(log) == hunts);  // each lost answer looked for once
  CHECK(lost.err.find("adopted Ariel search") != std::string::npos);
  CHECK(consoleSearches(emu).empty());
}

TEST_CASE("aihunt hunt: a lost create that cannot be looked for fails cleanly, leaving nothing",
          "[online][lost]") {
  RunningEmu emu(online::sampleData(), online::emuConfig());
  REQUIRE(emu.ok());
  // The first listing answers garbage; the sweep on the way out lists normally.
  setFaults(emu,
            "- {kind: late_response, method: POST, path: /api/ariel/searches, latency_ms: 2500}\n"
            "- {kind: malformed_json, method: GET, path: /api/ariel/searches}\n");
  const auto result = online::runAihunt(
      online::huntArgs(emu, {"--hunt", "proxy-ai-api", "--request-timeout", "1s"}), 60);
  CHECK(result.exit_code == 4);  // the search failed (README, exit codes)
  CHECK(result.err.find("looking for it failed") != std::string::npos);
  const json log = logAfterFaults(emu, "late_response", 1);
  CHECK(creates(log) == 1);
  CHECK(listings(log) == 2);  // looking, then the sweep
  CHECK(online::countRequests(log, "DELETE", "/api/ariel/searches/") == 1);
  CHECK(consoleSearches(emu).empty());
}

TEST_CASE("aihunt run --once: lost creates are adopted; every finding, no search left",
          "[daemon][lost]") {
  RunningEmu emu(online::sampleData(), online::emuConfig("ariel:\n  workers: 2\n"));
  REQUIRE(emu.ok());
  const std::string now = aihunt::testing::kSampleNow;
  const auto clean_dir =
      aihunt::testing::makeRunDir(emu, "aihunt-lost-clean-", online::kToken, {}, {});
  const auto clean = aihunt::testing::runOnce(clean_dir, now);
  REQUIRE(clean.exit_code == 0);
  const auto expected = aihunt::testing::readFindings(clean_dir.findings()).idSet();
  REQUIRE_FALSE(expected.empty());

  // The first five creates are answered after the request timeout; the rest at once.
  setFaults(emu,
            "- {kind: late_response, method: POST, path: /api/ariel/searches, "
            "latency_ms: 2500, times: 5}\n");
  const auto lost_dir = aihunt::testing::makeRunDir(emu, "aihunt-lost-", online::kToken,
                                                    "  timeouts:\n    request: 1s\n", {});
  const auto lost = aihunt::testing::runOnce(lost_dir, now);
  INFO(lost.out << lost.err);
  CHECK(lost.exit_code == 0);
  const auto found = aihunt::testing::readFindings(lost_dir.findings());
  CHECK(found.problem.empty());
  CHECK(found.idSet() == expected);
  CHECK(found.rows.size() == expected.size());
  const json log = logAfterFaults(emu, "late_response", 5);
  CHECK(listings(log) == 5);
  CHECK(creates(log) == online::countRequests(log, "DELETE", "/api/ariel/searches/"));
  CHECK(consoleSearches(emu).empty());
}
