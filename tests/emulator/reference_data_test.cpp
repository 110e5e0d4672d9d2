// Reference data through the REST API with libcurl: legacy sets (create, add, bulk_load, get with
// Range, delete value, delete set as a task, TTL, ALNIC, 409/1004, 404/1002/1003), maps of sets,
// the v26 collections API (PATCH set_entries -> task), and REFERENCESETCONTAINS in searches.
#include <catch2/catch.hpp>

#include <map>

#include "tests/emulator/emu_fixture.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {
const std::vector<std::string> kJson = {"Content-Type: application/json"};
}

TEST_CASE("legacy reference sets") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const std::string set = "/api/reference_data/sets";
  const std::string name = urlEncode("AIHunt AI Hosts");
  const HttpReply created = emu.call(
      "POST", set + "?name=" + name + "&element_type=ALNIC&time_to_live=" + urlEncode("1 hour") +
                  "&timeout_type=LAST_SEEN");
  REQUIRE(created.status == 201);
  CHECK(parseJson(created.body)["element_type"] == "ALNIC");
  CHECK(parseJson(created.body)["timeout_type"] == "LAST_SEEN");
  const HttpReply again = emu.call("POST", set + "?name=" + name + "&element_type=ALN");
  CHECK(again.status == 409);
  CHECK(parseJson(again.body)["code"] == 1004);
  CHECK(emu.call("POST", set + "?name=x&element_type=WRONG").status == 422);

  CHECK(emu.call("POST", set + "/" + name + "?value=API.OpenAI.com&source=test").status == 200);
  const HttpReply bulk = emu.call("POST", set + "/bulk_load/" + name, kJson,
                                  R"(["api.anthropic.com","API.OPENAI.COM","api.groq.com"])");
  CHECK(bulk.status == 200);
  CHECK(parseJson(bulk.body)["number_of_elements"] == 3);  // case-insensitive duplicates
  CHECK(emu.call("POST", set + "/bulk_load/" + name, kJson, "{not json").status == 422);
  CHECK(parseJson(emu.call("POST", set + "/bulk_load/" + name, kJson, "{not json").body)["code"] ==
        1001);

  const HttpReply page = emu.call("GET", set + "/" + name, {"Range: items=0-1"});
  CHECK(page.status == 200);
  CHECK(page.header("content-range") == "items 0-1/3");
  const json body = parseJson(page.body);
  REQUIRE(body["data"].size() == 2);
  for (const char* field : {"value", "source", "first_seen", "last_seen"}) {
    CHECK(body["data"][0].contains(field));
  }

  CHECK(emu.call("DELETE", set + "/" + name + "/" + urlEncode("api.groq.com")).status == 200);
  const HttpReply absent = emu.call("DELETE", set + "/" + name + "/" + urlEncode("api.groq.com"));
  CHECK(absent.status == 404);
  CHECK(parseJson(absent.body)["code"] == 1003);
  const HttpReply unknown = emu.call("GET", set + "/nosuch");
  CHECK(unknown.status == 404);
  CHECK(parseJson(unknown.body)["code"] == 1002);

  // TTL: LAST_SEEN one hour on the emulator clock.
  emu.admin("POST", "/admin/clock?advance=61m");
  CHECK(parseJson(emu.call("GET", set + "/" + name).body)["number_of_elements"] == 0);

  const HttpReply removal = emu.call("DELETE", set + "/" + name);
  CHECK(removal.status == 202);
  const json task = parseJson(removal.body);
  CHECK(task["status"] == "QUEUED");
  const std::string task_path =
      "/api/reference_data/set_delete_tasks/" + std::to_string(task["id"].get<int>());
  std::string status;
  for (int i = 0; i < 5 && status != "COMPLETED"; ++i) {
    status = parseJson(emu.call("GET", task_path).body)["status"];
  }
  CHECK(status == "COMPLETED");
  CHECK(emu.call("GET", set + "/" + name).status == 404);
}

TEST_CASE("REFERENCESETCONTAINS in a search sees the sets") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  emu.call("POST", "/api/reference_data/sets?name=watch&element_type=IP");
  emu.call("POST", "/api/reference_data/sets/bulk_load/watch", kJson, R"(["10.0.0.2"])");
  emu.admin("POST", "/admin/events",
            "{\"starttime\": 1795715990000, \"sourceip\": \"10.0.0.1\"}\n"
            "{\"starttime\": 1795715995000, \"sourceip\": \"10.0.0.2\"}\n");
  const json rows = emu.searchRows(
      "SELECT sourceip FROM events WHERE REFERENCESETCONTAINS('watch', sourceip) LAST 5 MINUTES");
  CHECK(rows == json::array({{{"sourceip", "10.0.0.2"}}}));
}

TEST_CASE("maps of sets") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const std::string base = "/api/reference_data/map_of_sets";
  CHECK(emu.call("POST",
                 base + "?name=users_by_host&element_type=ALN&key_label=host&value_label=user")
            .status == 201);
  CHECK(emu.call("POST", base + "/users_by_host?key=ws-1&value=alice").status == 200);
  const HttpReply bulk = emu.call("POST", base + "/bulk_load/users_by_host", kJson,
                                  R"({"ws-1": ["bob"], "ws-2": ["carol", "dave"]})");
  CHECK(bulk.status == 200);
  CHECK(parseJson(bulk.body)["number_of_elements"] == 4);
  const json map = parseJson(emu.call("GET", base + "/users_by_host").body);
  CHECK(map["data"]["ws-1"].size() == 2);
  CHECK(map["data"]["ws-2"][0]["value"] == "carol");
  CHECK(emu.call("DELETE", base + "/users_by_host/ws-1?value=alice").status == 200);
  CHECK(emu.call("DELETE", base + "/users_by_host/ws-1?value=alice").status == 404);
  CHECK(emu.call("DELETE", base + "/users_by_host").status == 202);
  CHECK(emu.call("GET", base + "/users_by_host").status == 404);
}

TEST_CASE("v26 collections: sets and PATCH set_entries as a task that completes") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply created =
      emu.call("POST", "/api/reference_data_collections/sets", kJson,
               R"({"name": "AI Providers", "entry_type": "ALNIC", "description": "hosts"})");
  REQUIRE(created.status == 201);
  const int id = parseJson(created.body)["id"];
  const HttpReply patch = emu.call(
      "PATCH", "/api/reference_data_collections/set_entries", kJson,
      "[{\"collection_id\": " + std::to_string(id) +
          ", \"value\": \"api.openai.com\", \"source\": \"aihunt\"}, {\"collection_id\": " +
          std::to_string(id) + ", \"value\": \"api.mistral.ai\", \"source\": \"aihunt\"}]");
  REQUIRE(patch.status == 202);
  const json task = parseJson(patch.body);
  const std::string task_path = "/api/reference_data_collections/set_bulk_update_tasks/" +
                                std::to_string(task["id"].get<int>());
  std::vector<std::string> statuses = {task["status"]};
  for (int i = 0; i < 5 && statuses.back() != "COMPLETED"; ++i) {
    statuses.push_back(parseJson(emu.call("GET", task_path).body)["status"]);
  }
  // IBM's task states, over several reads: QUEUED and PROCESSING are not final.
  CHECK(statuses == std::vector<std::string>{"QUEUED", "PROCESSING", "PROCESSING", "COMPLETED"});
  const HttpReply entries = emu.call("GET", "/api/reference_data_collections/set_entries?filter=" +
                                                urlEncode("collection_id=" + std::to_string(id)));
  CHECK(parseJson(entries.body).size() == 2);
  // The legacy API sees the same set.
  CHECK(parseJson(emu.call("GET", "/api/reference_data/sets/" + urlEncode("AI Providers"))
                      .body)["number_of_elements"] == 2);
  const HttpReply bad = emu.call("PATCH", "/api/reference_data_collections/set_entries", kJson,
                                 R"([{"collection_id": 999, "value": "x"}])");
  CHECK(bad.status == 422);
  const HttpReply no_task =
      emu.call("GET", "/api/reference_data_collections/set_bulk_update_tasks/999");
  CHECK(no_task.status == 404);
  CHECK(parseJson(no_task.body)["code"] == 23001);
}

TEST_CASE("v26 collections as IBM's 26.0 reference has them") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const std::string sets = "/api/reference_data_collections/sets";
  // time_to_live is a number (seconds); the set counts its entries in number_of_entries.
  const HttpReply created = emu.call(
      "POST", sets, kJson,
      R"({"name": "users", "entry_type": "ALN", "expiry_type": "LAST_SEEN", "time_to_live": 3600})");
  REQUIRE(created.status == 201);
  const json set = parseJson(created.body);
  CHECK(set["time_to_live"] == 3600);
  CHECK(set["number_of_entries"] == 0);
  CHECK_FALSE(set.contains("entry_count"));
  // Interval text is the legacy API's: refused here.
  const HttpReply text = emu.call(
      "POST", sets, kJson,
      R"({"name": "other", "entry_type": "ALN", "expiry_type": "LAST_SEEN", "time_to_live": "1 hour"})");
  CHECK(text.status == 422);
  CHECK(parseJson(text.body)["code"] == 10007);
  // A duplicate name: 409 with the collections API's own code.
  const HttpReply again =
      emu.call("POST", sets, kJson, R"({"name": "users", "entry_type": "ALN"})");
  CHECK(again.status == 409);
  CHECK(parseJson(again.body)["code"] == 10006);

  // TTL in seconds on the emulator clock, LAST_SEEN.
  const int id = set["id"];
  const std::string entry = "[{\"collection_id\": " + std::to_string(id) +
                            ", \"value\": \"alice\", \"source\": \"aihunt\"}]";
  REQUIRE(emu.call("PATCH", "/api/reference_data_collections/set_entries", kJson, entry).status ==
          202);
  CHECK(parseJson(emu.call("GET", sets + "/" + std::to_string(id)).body)["number_of_entries"] == 1);
  emu.admin("POST", "/admin/clock?advance=61m");
  CHECK(parseJson(emu.call("GET", sets + "/" + std::to_string(id)).body)["number_of_entries"] == 0);

  // task_exception: the task read answers EXCEPTION with error_code and error_message.
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: task_exception}\n").status == 200);
  const HttpReply patch =
      emu.call("PATCH", "/api/reference_data_collections/set_entries", kJson, entry);
  REQUIRE(patch.status == 202);
  const std::string task_path = "/api/reference_data_collections/set_bulk_update_tasks/" +
                                std::to_string(parseJson(patch.body)["id"].get<int>());
  const json failed = parseJson(emu.call("GET", task_path).body);
  CHECK(failed["status"] == "EXCEPTION");
  CHECK(failed["id"] == parseJson(patch.body)["id"]);
  CHECK(failed["error_code"].is_number_integer());
  CHECK(failed["error_message"].is_string());
  // Other requests are not touched by it, and it fires once.
  CHECK(parseJson(emu.call("GET", task_path).body)["status"] == "PROCESSING");
}

TEST_CASE("a legacy set value added without a source gets 'reference data api'") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const std::string set = "/api/reference_data/sets";
  REQUIRE(emu.call("POST", set + "?name=hosts&element_type=ALN").status == 201);
  REQUIRE(emu.call("POST", set + "/hosts?value=a.example").status == 200);
  REQUIRE(emu.call("POST", set + "/hosts?value=b.example&source=aihunt").status == 200);
  REQUIRE(emu.call("POST", set + "/bulk_load/hosts", kJson, R"(["c.example"])").status == 200);
  const json data = parseJson(emu.call("GET", set + "/hosts").body)["data"];
  std::map<std::string, std::string> sources;
  for (const auto& entry : data) sources[entry["value"]] = entry["source"];
  CHECK(sources["a.example"] == "reference data api");
  CHECK(sources["b.example"] == "aihunt");
  CHECK(sources["c.example"] == "reference data api");
}

TEST_CASE("reading a set's values, both generations, as a client finds them") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const std::string legacy = "/api/reference_data/sets";
  const std::string name = urlEncode("AIHunt Allowed Sources");
  REQUIRE(emu.call("POST", legacy + "?name=" + name + "&element_type=IP").status == 201);
  REQUIRE(emu.call("POST", legacy + "/bulk_load/" + name, kJson,
                   R"(["10.0.0.1","10.0.0.2","10.0.0.3"])")
              .status == 200);
  // Legacy: data[].value, paged by Range.
  const HttpReply page = emu.call("GET", legacy + "/" + name, {"Range: items=1-5"});
  REQUIRE(page.status == 200);
  const json body = parseJson(page.body);
  CHECK(body["element_type"] == "IP");
  REQUIRE(body["data"].size() == 2);
  CHECK(body["data"][0]["value"].is_string());
  CHECK(page.header("content-range") == "items 1-2/3");

  // Collections: the set found by a name filter (others left out), then its entries.
  const std::string sets = "/api/reference_data_collections/sets";
  REQUIRE(emu.call("POST", sets, kJson, R"({"name": "Other", "entry_type": "ALN"})").status == 201);
  const HttpReply found =
      emu.call("GET", sets + "?filter=" + urlEncode("name=\"AIHunt Allowed Sources\""));
  REQUIRE(found.status == 200);
  const json list = parseJson(found.body);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["entry_type"] == "IP");
  CHECK(list[0]["number_of_entries"] == 3);
  const std::string id = std::to_string(list[0]["id"].get<int>());
  CHECK(parseJson(emu.call("GET", sets + "?filter=" + urlEncode("name = \"nope\"")).body).empty());
  const HttpReply bad = emu.call("GET", sets + "?filter=" + urlEncode("entry_type=\"IP\""));
  CHECK(bad.status == 422);
  CHECK(parseJson(bad.body)["code"] == 14001);

  const HttpReply entries = emu.call(
      "GET",
      "/api/reference_data_collections/set_entries?filter=" + urlEncode("collection_id=" + id),
      {"Range: items=0-1"});
  REQUIRE(entries.status == 200);
  const json values = parseJson(entries.body);
  REQUIRE(values.size() == 2);
  CHECK(values[0]["collection_id"].get<int>() == list[0]["id"].get<int>());
  CHECK(values[0]["value"] == "10.0.0.1");
  CHECK(entries.header("content-range") == "items 0-1/3");
}
