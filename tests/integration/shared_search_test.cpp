// Searches shared by identical queries (issue 9, point 5): QRadar hands an identical recent query
// the existing search, so two clients sending one query share it and the first to finish DELETEs
// it from under the other. Real aihunt against real qradar-emu (identical-query reuse on): since
// issue 12 every aihunt search carries its own marker, so two aihunt runs of one hunt no longer
// share; a search that vanishes while it pages (another client's DELETE, scripted) fails the
// hunt rather than being read on from a new search (Ariel's rows have no fixed order).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/online_support.h"
#include "tests/support/background_process.h"

using namespace aihunt::testing;
using namespace aihunt::testing::online;
using nlohmann::json;

namespace {

// One search per run: proxy-ai-api also sends its aggregated upload query (aggregate_uploads).
constexpr const char* kHunt = "endpoint-process";

std::multiset<std::string> offlineFindings() {
  const auto offline =
      runProcess(binaryPath("aihunt"),
                 {"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json"), "--now", kSampleNow,
                  "--format", "jsonl", "--hunt", kHunt, "--show-suppressed"});
  REQUIRE(offline.exit_code == 0);
  return findingKeys(offline.out);
}

// Results reads (GET .../results) in the log, in order: {search id, Range, status}.
struct ResultsRead {
  std::string search_id;
  std::string range;
  int status = 0;
};

std::vector<ResultsRead> resultsReads(const json& log) {
  std::vector<ResultsRead> out;
  const std::string prefix = "/api/ariel/searches/";
  for (const auto& r : log) {
    const std::string target = r["target"];
    if (r["method"] != "GET" || target.rfind(prefix, 0) != 0 || !target.ends_with("/results")) {
      continue;
    }
    out.push_back({target.substr(prefix.size(), target.size() - prefix.size() - 8),
                   r["headers"].value("range", ""), r["status"].get<int>()});
  }
  return out;
}

}  // namespace

TEST_CASE(
    "two hunts of one query at once each get their own search (the marker); both complete with "
    "every finding once",
    "[online][shared]") {
  // Every results page takes 150 ms, so that the two runs page side by side.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults",
                    R"({"faults":[{"kind":"latency","latency_ms":150,"method":"GET",)"
                    R"("path":"/api/ariel/searches/*/results","times":-1}]})")
              .status == 200);
  const std::string token_file = emu.dir() + "/token";
  std::ofstream(token_file) << kToken;
  chmod(token_file.c_str(), 0600);
  const auto args = concat(huntArgs(emu, {"--hunt", kHunt, "--page-size", "1", "--show-suppressed",
                                          "--token-file", token_file}),
                           {"--log-level", "debug"});

  BackgroundProcess first(binaryPath("aihunt"), args);
  // The second run starts once the first is reading results: without the marker it would get
  // the same search.
  bool paging = false;
  for (int i = 0; i < 200 && !paging; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    paging = !resultsReads(requestLog(emu)).empty();
  }
  REQUIRE(paging);
  BackgroundProcess second(binaryPath("aihunt"), args);
  for (int i = 0; i < 1200 && (first.running() || second.running()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const int first_code = first.stop(1000);
  const int second_code = second.stop(1000);
  INFO(first.err());
  INFO(second.err());
  CHECK(first_code == 0);
  CHECK(second_code == 0);

  const auto expected = offlineFindings();
  REQUIRE(expected.size() >= 2);
  CHECK(findingKeys(first.out()) == expected);
  CHECK(findingKeys(second.out()) == expected);  // none lost, none twice

  const json log = requestLog(emu);
  // Each run made and read its own search: no query text was identical, nothing was lost to the
  // other's DELETE.
  CHECK(countTarget(log, "POST", "/api/ariel/searches") == 2);
  const auto reads = resultsReads(log);
  std::set<std::string> searched;
  int gone = 0;
  for (const auto& read : reads) {
    searched.insert(read.search_id);
    gone += read.status == 404 ? 1 : 0;
  }
  CHECK(gone == 0);
  CHECK(searched.size() == 2);
}

TEST_CASE(
    "a search that vanishes after rows were read fails the hunt, with no findings printed and no "
    "new search read on from that row",
    "[online][shared]") {
  // A review: the new search was read on from the row where the old one stopped, but Ariel
  // keeps no fixed row order: rows could be missed, and the run would say nothing of it.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults",
                    R"({"faults":[{"kind":"search_vanish","on":"results","polls":2}]})")
              .status == 200);
  const auto result =
      runAihunt(huntArgs(emu, {"--hunt", kHunt, "--page-size", "2", "--show-suppressed"}));
  INFO(result.err);
  CHECK(result.exit_code == 4);  // a failed search
  CHECK(findingKeys(result.out).empty());

  const json log = requestLog(emu);
  CHECK(countTarget(log, "POST", "/api/ariel/searches") == 1);
  const auto reads = resultsReads(log);
  REQUIRE(reads.size() == 3);
  CHECK(reads[0].range == "items=0-1");
  CHECK(reads[1].range == "items=2-3");
  CHECK(reads[2].status == 404);  // the third read: gone
}

TEST_CASE("a search another client cancels is created again once, and the hunt completes",
          "[online][shared]") {
  // Each phase takes 1.5 s: the search is still running when the other client cancels it.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "1500"}), emuConfig());
  REQUIRE(emu.ok());
  const std::string token_file = emu.dir() + "/token";
  std::ofstream(token_file) << kToken;
  chmod(token_file.c_str(), 0600);
  BackgroundProcess hunt(
      binaryPath("aihunt"),
      concat(huntArgs(emu, {"--hunt", kHunt, "--show-suppressed", "--token-file", token_file}),
             {"--log-level", "debug"}));
  std::string id;
  for (int i = 0; i < 200 && id.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const json ids = parseJson(emu.call("GET", "/api/ariel/searches", {}, {}, kToken).body);
    if (ids.is_array() && !ids.empty()) id = ids[0].get<std::string>();
  }
  REQUIRE_FALSE(id.empty());
  // Another client (an analyst, a second run sharing the search) cancels it.
  const HttpReply cancelled =
      emu.call("POST", "/api/ariel/searches/" + id + "?status=CANCELED", {}, {}, kToken);
  REQUIRE(cancelled.status == 200);
  for (int i = 0; i < 1200 && hunt.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const int code = hunt.stop(1000);
  INFO(hunt.err());
  CHECK(code == 0);
  CHECK(findingKeys(hunt.out()) == offlineFindings());
  const json log = requestLog(emu);
  CHECK(countTarget(log, "POST", "/api/ariel/searches") == 2);             // created once more
  CHECK(countTarget(log, "DELETE", "/api/ariel/searches/" + id) == 1);     // the remains deleted
  for (const auto& read : resultsReads(log)) CHECK(read.search_id != id);  // partial rows unread
}
