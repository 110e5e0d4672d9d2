// Ariel through qradar-emu's REST API, driven with libcurl: the search lifecycle, Prefer: wait,
// results before completion, paging, cancel, delete, reuse, retention, the concurrency cap, the
// 60-second default window, AQL errors, the catalog, and the seed query's rows against the aql
// evaluator's own answer.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include "aql/evaluator.h"
#include "aql/lookups_file.h"
#include "aql/parser.h"
#include "core/time.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {

std::vector<std::string> sampleArgs() {
  return {"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
          sourcePath("content/samples/qradar_lookups.json")};
}

std::vector<std::string> withArgs(std::vector<std::string> args,
                                  const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

const std::string kAllLastDay =
    "SELECT sourceip, starttime FROM events ORDER BY starttime LAST 1 DAYS";

}  // namespace

TEST_CASE("seed query through the API returns exactly the aql evaluator's rows") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  const std::string aql = seedQueryLast24h();
  const json created = emu.createSearch(aql);
  REQUIRE(created.contains("search_id"));
  const json done = emu.waitSearch(created["search_id"]);
  REQUIRE(done["status"] == "COMPLETED");
  const HttpReply results = emu.call(
      "GET", "/api/ariel/searches/" + created["search_id"].get<std::string>() + "/results");
  REQUIRE(results.status == 200);

  auto query = aihunt::aql::parse(aql);
  REQUIRE(query.ok());
  auto lookups = aihunt::aql::loadLookupTables(sourcePath("content/samples/qradar_lookups.json"));
  REQUIRE(lookups.ok());
  aihunt::aql::EvalOptions options;
  options.now = aihunt::core::parseTimestamp(kSampleNow).value();
  options.lookups = &*lookups;
  std::ifstream events(sourcePath("content/samples/events.jsonl"));
  aihunt::aql::ResultSet expected;
  auto columns = aihunt::aql::evaluateJsonl(*query, events, options, [&](aihunt::aql::Row&& row) {
    expected.rows.push_back(std::move(row));
  });
  REQUIRE(columns.ok());
  expected.columns = *columns;
  const json want = parseJson(aihunt::aql::toArielJson(expected));
  const json got = parseJson(results.body);
  REQUIRE(want["events"].size() >= 3);  // the sample holds three matching proxy rows
  CHECK(done["record_count"] == want["events"].size());
  CHECK(got == want);
}

TEST_CASE("lifecycle: WAIT with progress 0, 206 under Prefer: wait, 404/1003, then COMPLETED") {
  RunningEmu emu(withArgs(sampleArgs(), {"--phase-delay-ms", "400"}));
  REQUIRE(emu.ok());
  const json created = emu.createSearch(kAllLastDay);
  REQUIRE(created["status"] == "WAIT");
  CHECK(created["progress"] == 0);
  CHECK(created["completed"] == false);
  CHECK(created["search_id"] == created["cursor_id"]);
  CHECK(created["desired_retention_time_msec"] == 86400000);
  CHECK(created["query_string"] == kAllLastDay);
  for (const char* field :
       {"record_count", "processed_record_count", "error_messages", "query_execution_time",
        "save_results", "progress_details", "data_total_size", "size_on_disk",
        "compressed_data_file_count", "subsearch_ids", "snapshot"}) {
    INFO(field);
    CHECK(created.contains(field));
  }
  const std::string id = created["search_id"];
  const HttpReply early = emu.call("GET", "/api/ariel/searches/" + id + "/results");
  CHECK(early.status == 404);
  CHECK(parseJson(early.body)["code"] == 1003);
  const HttpReply held = emu.call("GET", "/api/ariel/searches/" + id, {"Prefer: wait=0"});
  CHECK(held.status == 206);
  std::set<std::string> seen;
  json status;
  for (int i = 0; i < 100; ++i) {
    status = parseJson(emu.call("GET", "/api/ariel/searches/" + id).body);
    seen.insert(status["status"].get<std::string>());
    if (status["status"] == "COMPLETED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(seen.count("EXECUTE") == 1);
  CHECK(seen.count("SORTING") == 1);
  REQUIRE(status["status"] == "COMPLETED");
  CHECK(status["progress"] == 100);
  CHECK(status["completed"] == true);
  CHECK(status["record_count"].get<int>() > 50);
  const HttpReply done = emu.call("GET", "/api/ariel/searches/" + id, {"Prefer: wait=5"});
  CHECK(done.status == 200);
  CHECK(emu.call("GET", "/api/ariel/searches/" + id + "/results").status == 200);
  const json listed = parseJson(emu.call("GET", "/api/ariel/searches").body);
  CHECK(listed == json::array({id}));
}

TEST_CASE("results paging with Range and Content-Range") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  const json done = emu.waitSearch(emu.createSearch(kAllLastDay)["search_id"]);
  REQUIRE(done["status"] == "COMPLETED");
  const std::string id = done["search_id"];
  const std::size_t total = done["record_count"];
  const std::string path = "/api/ariel/searches/" + id + "/results";
  const json whole = parseJson(emu.call("GET", path).body)["events"];
  REQUIRE(whole.size() == total);
  json paged = json::array();
  for (std::size_t first = 0; first < total; first += 50) {
    const std::size_t last = first + 49;
    const HttpReply page = emu.call(
        "GET", path, {"Range: items=" + std::to_string(first) + "-" + std::to_string(last)});
    REQUIRE(page.status == 200);
    const std::size_t shown_last = std::min(last, total - 1);
    CHECK(page.header("content-range") == "items " + std::to_string(first) + "-" +
                                              std::to_string(shown_last) + "/" +
                                              std::to_string(total));
    const json body = parseJson(page.body);
    for (const json& row : body["events"]) paged.push_back(row);
  }
  CHECK(paged == whole);
  const HttpReply past = emu.call("GET", path, {"Range: items=100000-100009"});
  CHECK(past.status == 200);
  CHECK(past.header("content-range") == "items */" + std::to_string(total));
  CHECK(parseJson(past.body)["events"].empty());
  const HttpReply malformed = emu.call("GET", path, {"Range: rows=1-2"});
  CHECK(malformed.status == 422);
  CHECK(parseJson(malformed.body)["message"].get<std::string>().find("items=x-y") !=
        std::string::npos);
  CHECK(emu.call("GET", path, {"Range: items=5-2"}).status == 422);
}

TEST_CASE("cancel keeps partial results; DELETE answers 202 and then 404/1002") {
  RunningEmu emu(withArgs(sampleArgs(), {"--phase-delay-ms", "3000"}));
  REQUIRE(emu.ok());
  const std::string id = emu.createSearch(kAllLastDay)["search_id"];
  const HttpReply cancel = emu.call("POST", "/api/ariel/searches/" + id + "?status=CANCELED");
  CHECK(cancel.status == 200);
  CHECK(parseJson(cancel.body)["status"] == "CANCELED");
  CHECK(emu.call("GET", "/api/ariel/searches/" + id + "/results").status == 200);
  CHECK(emu.call("POST", "/api/ariel/searches/" + id + "?status=CANCELLED").status == 422);
  const HttpReply removed = emu.call("DELETE", "/api/ariel/searches/" + id);
  CHECK(removed.status == 202);
  for (const std::string& path :
       {"/api/ariel/searches/" + id, "/api/ariel/searches/" + id + "/results"}) {
    const HttpReply gone = emu.call("GET", path);
    CHECK(gone.status == 404);
    CHECK(parseJson(gone.body)["code"] == 1002);
  }
  CHECK(emu.call("DELETE", "/api/ariel/searches/" + id).status == 404);
}

TEST_CASE("an identical recent query reuses the search id; another query does not") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  const json a = emu.createSearch(kAllLastDay);
  const json b = emu.createSearch(kAllLastDay);
  const json c = emu.createSearch(kAllLastDay + " ");
  CHECK(a["search_id"] == b["search_id"]);
  CHECK(a["search_id"] != c["search_id"]);
  // Past the reuse window (60 s on the emulator clock) a new search starts.
  emu.admin("POST", "/admin/clock?advance=61s");
  CHECK(emu.createSearch(kAllLastDay)["search_id"] != a["search_id"]);
}

TEST_CASE("results expire after the retention time unless save_results") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  const std::string kept = emu.waitSearch(emu.createSearch(kAllLastDay)["search_id"])["search_id"];
  const std::string dropped =
      emu.waitSearch(emu.createSearch(kAllLastDay + " ")["search_id"])["search_id"];
  const HttpReply save = emu.call("POST", "/api/ariel/searches/" + kept + "?save_results=true");
  CHECK(parseJson(save.body)["save_results"] == true);
  emu.admin("POST", "/admin/clock?advance=23h");
  CHECK(emu.call("GET", "/api/ariel/searches/" + dropped).status == 200);
  emu.admin("POST", "/admin/clock?advance=2h");
  const HttpReply gone = emu.call("GET", "/api/ariel/searches/" + dropped + "/results");
  CHECK(gone.status == 404);
  CHECK(parseJson(gone.body)["code"] == 1002);
  CHECK(emu.call("GET", "/api/ariel/searches/" + kept + "/results").status == 200);
}

TEST_CASE("the cap on unfinished searches answers 503/1010") {
  RunningEmu emu(withArgs(sampleArgs(), {"--phase-delay-ms", "3000", "--max-searches", "2"}));
  REQUIRE(emu.ok());
  CHECK(emu.createSearch(kAllLastDay).contains("search_id"));
  CHECK(emu.createSearch(kAllLastDay + " ").contains("search_id"));
  const HttpReply third =
      emu.call("POST", "/api/ariel/searches?query_expression=" + urlEncode(kAllLastDay + "  "));
  CHECK(third.status == 503);
  CHECK(parseJson(third.body)["code"] == 1010);
}

TEST_CASE("no time clause covers the last 60 seconds of the emulator clock") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const auto now = aihunt::core::parseTimestamp(kSampleNow).value();
  const std::string events =
      "{\"starttime\": " + std::to_string(now - 30'000) +
      ", \"sourceip\": \"10.0.0.1\"}\n{\"starttime\": " + std::to_string(now - 300'000) +
      ", \"sourceip\": \"10.0.0.2\"}\n";
  REQUIRE(emu.admin("POST", "/admin/events", events).status == 200);
  const json recent = emu.waitSearch(emu.createSearch("SELECT sourceip FROM events")["search_id"]);
  const json rows = parseJson(
      emu.call("GET", "/api/ariel/searches/" + recent["search_id"].get<std::string>() + "/results")
          .body)["events"];
  CHECK(rows == json::array({{{"sourceip", "10.0.0.1"}}}));
  const json wider =
      emu.waitSearch(emu.createSearch("SELECT sourceip FROM events LAST 10 MINUTES")["search_id"]);
  CHECK(wider["record_count"] == 2);
}

TEST_CASE("bad AQL answers 422/2000 with the position; query_expression in the query string") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply bad =
      emu.call("POST", "/api/ariel/searches?query_expression=" +
                           urlEncode("SELECT sourceip FROM events WHERE AND LAST 1 HOURS"));
  CHECK(bad.status == 422);
  const json body = parseJson(bad.body);
  CHECK(body["code"] == 2000);
  CHECK(body["details"]["line"] == 1);
  CHECK(body["details"]["column"] == 35);
  CHECK(body["message"].get<std::string>().find("column 35") != std::string::npos);
  CHECK(emu.call("POST", "/api/ariel/searches?query_expression=" + urlEncode("DELETE FROM events"))
            .status == 422);
  CHECK(emu.call("POST", "/api/ariel/searches?query_expression=" +
                             urlEncode("SELECT NOSUCHFUNCTION(sourceip) FROM events"))
            .status == 422);
  const HttpReply missing = emu.call("POST", "/api/ariel/searches");
  CHECK(missing.status == 422);
  const HttpReply good =
      emu.call("POST", "/api/ariel/searches?query_expression=" +
                           urlEncode("SELECT sourceip FROM events LAST 5 MINUTES"));
  CHECK(good.status == 201);
}

TEST_CASE("the events catalog lists loaded properties") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  const json catalog = parseJson(emu.call("GET", "/api/ariel/databases/events").body);
  std::map<std::string, json> columns;
  for (const json& column : catalog["columns"]) columns[column["name"]] = column;
  for (const char* name :
       {"starttime", "sourceip", "URL", "Bytes Sent", "Application", "Process CommandLine"}) {
    INFO(name);
    CHECK(columns.count(name) == 1);
  }
  CHECK(columns["Bytes Sent"]["argument_type"] == "NUMERIC");
  CHECK(columns["URL"]["argument_type"] == "STRING");
  CHECK(columns["sourceip"]["indexable"] == true);
  CHECK(emu.call("GET", "/api/ariel/databases/nosuch").status == 404);
}

TEST_CASE("concurrency smoke: parallel create/poll/page/delete cycles without errors") {
  RunningEmu emu(sampleArgs());
  REQUIRE(emu.ok());
  std::atomic<int> errors{0};
  std::atomic<int> cycles{0};
  std::vector<std::thread> clients;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
        const std::string aql = "SELECT sourceip, \"URL\" FROM events WHERE destinationport > " +
                                std::to_string(c * 1000 + i) + " LAST 1 DAYS";
        const json created = emu.createSearch(aql);
        if (!created.contains("search_id")) {
          ++errors;
          continue;
        }
        const std::string id = created["search_id"];
        const json done = emu.waitSearch(id, 10);
        if (done.value("status", "") != "COMPLETED") ++errors;
        const HttpReply page =
            emu.call("GET", "/api/ariel/searches/" + id + "/results", {"Range: items=0-9"});
        if (page.status != 200) ++errors;
        if (emu.call("DELETE", "/api/ariel/searches/" + id).status != 202) ++errors;
        ++cycles;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  CHECK(errors == 0);
  CHECK(cycles > 8);
}
