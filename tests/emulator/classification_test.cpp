// The setup API of a custom event source against qradar-emu, as IBM's API reference describes
// it: log source types, QID records, DSM event mappings and log sources are created (201),
// listed with filter, Range and fields, read by id, and refused with the documented codes.
#include <catch2/catch.hpp>

#include <string>

#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {

constexpr const char* kTypes = "/api/config/event_sources/log_source_management/log_source_types";
constexpr const char* kSources = "/api/config/event_sources/log_source_management/log_sources";
constexpr const char* kQids = "/api/data_classification/qid_records";
constexpr const char* kMappings = "/api/data_classification/dsm_event_mappings";

struct Api {
  RunningEmu& emu;
  HttpReply post(const std::string& path, const json& body) {
    return emu.call("POST", path, {"Version: 20.0", "Content-Type: application/json"}, body.dump(),
                    kAdminApiToken);
  }
  HttpReply get(const std::string& path, std::vector<std::string> headers = {}) {
    headers.emplace_back("Version: 20.0");
    return emu.call("GET", path, std::move(headers), {}, kAdminApiToken);
  }
  // A log source type made by the administrator: its id.
  std::int64_t createType(const std::string& name) {
    const HttpReply type = post(kTypes, {{"name", name}});
    REQUIRE(type.status == 201);
    return parseJson(type.body)["id"].get<std::int64_t>();
  }
};

int errorCode(const HttpReply& reply) { return parseJson(reply.body).value("code", 0); }

}  // namespace

TEST_CASE("a custom log source type, its QID map and a log source are created and listed",
          "[classification]") {
  RunningEmu emu({}, adminApiConfigYaml());
  REQUIRE(emu.ok());
  Api api{emu};

  const HttpReply type = api.post(kTypes, {{"name", "aihunt"}});
  REQUIRE(type.status == 201);
  const std::int64_t type_id = parseJson(type.body)["id"].get<std::int64_t>();
  CHECK(parseJson(type.body)["custom"] == true);
  CHECK(errorCode(api.post(kTypes, {{"name", "AIHUNT"}})) == 1001);  // name in use
  CHECK(api.post(kTypes, {{"name", ""}}).status == 422);
  CHECK(errorCode(api.post(kTypes, {{"name", ""}})) == 1002);
  CHECK(errorCode(api.post(kTypes, {{"name", std::string(242, 'x')}})) == 1003);
  CHECK(errorCode(api.post(kTypes, {{"name", "x"}, {"protocol_types", json::array()}})) == 1004);

  const HttpReply qid = api.post(kQids, {{"log_source_type_id", type_id},
                                         {"name", "AI API key on a command line"},
                                         {"low_level_category_id", 7024},
                                         {"severity", 8}});
  REQUIRE(qid.status == 201);
  const json record = parseJson(qid.body);
  CHECK(record["qid"].get<std::int64_t>() > 0);
  CHECK(record["severity"] == 8);
  CHECK(record["log_source_type_id"].is_null());  // IBM: a placeholder, null
  CHECK(record["uuid"].is_string());
  const std::int64_t qid_id = record["id"].get<std::int64_t>();
  // Without a name, category or known log source type: 422/1005.
  for (const json& bad :
       {json{{"log_source_type_id", type_id}, {"low_level_category_id", 7024}},
        json{{"log_source_type_id", type_id}, {"name", "n"}},
        json{{"log_source_type_id", 999999}, {"name", "n"}, {"low_level_category_id", 7024}},
        json{{"log_source_type_id", type_id},
             {"name", "n"},
             {"low_level_category_id", 7024},
             {"severity", "8"}}}) {
    const HttpReply refused = api.post(kQids, bad);
    INFO(bad.dump());
    CHECK(refused.status == 422);
    CHECK(errorCode(refused) == 1005);
  }

  const json mapping_body = {{"log_source_type_id", type_id},
                             {"log_source_event_id", "AI_Key_On_CommandLine"},
                             {"log_source_event_category", "CredentialExposure"},
                             {"qid_record_id", qid_id}};
  const HttpReply mapping = api.post(kMappings, mapping_body);
  REQUIRE(mapping.status == 201);
  CHECK(parseJson(mapping.body)["custom_event"] == true);
  const HttpReply duplicate = api.post(kMappings, mapping_body);
  CHECK(duplicate.status == 409);
  CHECK(errorCode(duplicate) == 1008);
  json unknown_qid = mapping_body;
  unknown_qid["log_source_event_category"] = "Other";
  unknown_qid["qid_record_id"] = 424242;
  CHECK(api.post(kMappings, unknown_qid).status == 422);

  const HttpReply source = api.post(
      kSources, {{"name", "aihunt @ aihunt-sidecar"},
                 {"type_id", type_id},
                 {"protocol_type_id", 0},
                 {"protocol_parameters", {{{"name", "identifier"}, {"value", "aihunt-sidecar"}}}},
                 {"enabled", true}});
  REQUIRE(source.status == 201);
  CHECK(parseJson(source.body)["protocol_parameters"][0]["value"] == "aihunt-sidecar");
  CHECK(api.post(kSources, {{"name", "x"}, {"type_id", 999999}, {"protocol_type_id", 0}}).status ==
        422);

  SECTION("lists take filter, Range and fields") {
    api.post(kQids, {{"log_source_type_id", type_id},
                     {"name", "AI SDK installed"},
                     {"low_level_category_id", 7023}});
    const json all = parseJson(api.get(kQids).body);
    REQUIRE(all.size() == 2);
    CHECK(all[1]["severity"] == 5);  // no severity given (unconfirmed default)

    const HttpReply filtered =
        api.get(std::string(kQids) + "?filter=" + urlEncode("name=\"AI SDK installed\"") +
                "&fields=" + urlEncode("id, qid"));
    const json rows = parseJson(filtered.body);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].size() == 2);
    CHECK(rows[0].contains("qid"));

    const HttpReply ranged = api.get(kQids, {"Range: items=1-1"});
    CHECK(parseJson(ranged.body).size() == 1);
    CHECK(ranged.header("content-range") == "items 1-1/2");

    const json types =
        parseJson(api.get(std::string(kTypes) + "?filter=" + urlEncode("name=\"aihunt\"")).body);
    REQUIRE(types.size() == 1);
    CHECK(types[0]["id"] == type_id);
    const json mappings =
        parseJson(api.get(std::string(kMappings) +
                          "?filter=" + urlEncode("log_source_type_id=" + std::to_string(type_id)))
                      .body);
    CHECK(mappings.size() == 1);
  }
  SECTION("one object by id; unknown ids 404/1002, malformed ones 422/1005") {
    const HttpReply one = api.get(std::string(kQids) + "/" + std::to_string(qid_id));
    CHECK(one.status == 200);
    CHECK(parseJson(one.body)["name"] == "AI API key on a command line");
    const HttpReply missing = api.get(std::string(kQids) + "/987654");
    CHECK(missing.status == 404);
    CHECK(errorCode(missing) == 1002);
    const HttpReply malformed = api.get(std::string(kQids) + "/abc");
    CHECK(malformed.status == 422);
    CHECK(errorCode(malformed) == 1005);
  }
  SECTION("a token without the Admin capability is refused (403/1009)") {
    const HttpReply refused =
        emu.call("POST", kTypes, {"Content-Type: application/json"}, R"({"name": "other"})");
    CHECK(refused.status == 403);
    CHECK(errorCode(refused) == 1009);
  }
}

// The sample's Zeek events are log source type 4000, where the emulator's custom types start: a
// type made through the API must not take an id that loaded events or lookups already use, or
// LOGSOURCETYPENAME would name those events after it.
TEST_CASE("a custom log source type skips the ids of the loaded events and lookups",
          "[classification]") {
  RunningEmu emu({"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json")},
                 adminApiConfigYaml());
  REQUIRE(emu.ok());
  Api api{emu};
  const HttpReply created = api.post(kTypes, {{"name", "aihunt"}});
  REQUIRE(created.status == 201);
  const std::int64_t id = parseJson(created.body)["id"].get<std::int64_t>();
  CHECK(id > 4000);
  const json rows = emu.searchRows(
      "SELECT LOGSOURCETYPENAME(devicetype) AS type_name FROM events WHERE devicetype = 4000 "
      "LAST 3 DAYS");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["type_name"] == "Zeek");
  CHECK(emu.searchRows("SELECT devicetype FROM events WHERE devicetype = " + std::to_string(id) +
                       " LAST 3 DAYS")
            .empty());
}

TEST_CASE("any client lists log source types, but only an administrator sees more than names",
          "[classification]") {
  RunningEmu emu({}, adminApiConfigYaml());
  REQUIRE(emu.ok());
  Api api{emu};
  const std::int64_t id = api.createType("aihunt");
  const auto asHunter = [&](const std::string& path) {
    return emu.call("GET", path, {"Version: 20.0"}, {}, kHunterToken);
  };
  const auto isNameAndId = [&](const json& object) {
    return object.is_object() && object.size() == 2 && object["id"] == id &&
           object["name"] == "aihunt";
  };
  const HttpReply listed = asHunter(std::string(kTypes) + "?filter=name%3D%22aihunt%22");
  REQUIRE(listed.status == 200);
  REQUIRE(parseJson(listed.body).size() == 1);
  CHECK(isNameAndId(parseJson(listed.body)[0]));
  const HttpReply one = asHunter(std::string(kTypes) + "/" + std::to_string(id));
  REQUIRE(one.status == 200);
  CHECK(isNameAndId(parseJson(one.body)));
  // The administrator sees every field; the other setup endpoints stay the administrator's.
  CHECK(parseJson(api.get(std::string(kTypes) + "/" + std::to_string(id)).body).size() > 2);
  CHECK(asHunter(kQids).status == 403);
  CHECK(asHunter(kSources).status == 403);
}
