// docs/qradar-setup.md's REST calls, replayed exactly as written against qradar-emu: every
// ```sh block marked "replayed by tests/emulator/setup_doc_test.cpp" runs, in order, in one bash
// with real curl and jq, as a reader would paste them. Then the console's state must be what the
// guide promises: the aihunt log source type, one QID record and one DSM event mapping per row
// of the guide's EventID table (and per EventID aihunt's LEEF encoder sends, with its `cat`),
// the log source, the reference sets; and no call may have failed.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "qradar_client/leef_encoder.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {

constexpr std::string_view kMarker = "<!-- replayed by tests/emulator/setup_doc_test.cpp -->";

std::string readSource(const std::string& relative) {
  std::ifstream in(sourcePath(relative));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The ```sh blocks that follow the marker line, in order.
std::vector<std::string> replayedBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream lines(markdown);
  std::string line;
  bool armed = false;
  bool inside = false;
  std::string block;
  while (std::getline(lines, line)) {
    if (inside) {
      if (line == "```") {
        blocks.push_back(block);
        block.clear();
        inside = false;
      } else {
        block += line + "\n";
      }
    } else if (line == kMarker) {
      armed = true;
    } else if (armed && line == "```sh") {
      inside = true;
      armed = false;
    } else if (armed && !line.empty()) {
      armed = false;  // a marker must sit right above its block
    }
  }
  return blocks;
}

struct QidRow {
  std::string category;
  std::string qid_name;
  std::int64_t low_level_category = 0;
  std::int64_t severity = 0;
};

// The guide's table: | `EventID` | `cat` | when | QID name | category (id) | severity |
std::map<std::string, QidRow> qidTable(const std::string& markdown) {
  static const std::regex kRow(
      R"(^\| `(AI_[A-Za-z_]+)` \| `([A-Za-z]+)` \| [^|]+ \| ([^|]+?) \| [^|(]+\((\d+)\) \| (\d+) \|$)");
  std::map<std::string, QidRow> rows;
  std::istringstream lines(markdown);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, kRow)) continue;
    rows[m[1]] = QidRow{m[2], m[3], std::stoll(m[4]), std::stoll(m[5])};
  }
  return rows;
}

std::string privateFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text << "\n";
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  return path;
}

}  // namespace

TEST_CASE("the setup guide's REST calls work as written", "[setup-doc]") {
  const std::string markdown = readSource("docs/qradar-setup.md");
  const std::vector<std::string> blocks = replayedBlocks(markdown);
  REQUIRE(blocks.size() >= 6);
  const std::map<std::string, QidRow> table = qidTable(markdown);

  RunningEmu emu({"--rules", sourcePath("content/qradar/rule.yaml"), "--events",
                  sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json")},
                 adminApiConfigYaml());
  REQUIRE(emu.ok());
  const std::string script = "set -euo pipefail\n" + [&blocks] {
    std::string all;
    for (const std::string& block : blocks) all += block;
    return all;
  }();
  const ProcessResult run =
      runProcess("/bin/bash", {"-c", script}, {}, 120,
                 {"QRADAR=" + emu.base(), "CURL_CA_BUNDLE=" + emu.caFile(),
                  "AIHUNT_TOKEN_FILE=" + privateFile(emu.dir() + "/aihunt.token", kHunterToken),
                  "ADMIN_TOKEN_FILE=" + privateFile(emu.dir() + "/admin.token", kAdminApiToken),
                  "AIHUNT_HOSTNAME=aihunt-sidecar", "API_VERSION=20.0"});
  INFO("script:\n" << script << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE(run.exit_code == 0);

  // Every documented call reached the API with a Version header and succeeded (the log holds
  // only the script's calls so far): the token check 3 (Log Activity, Manage Reference Data,
  // Offenses), the type 1, a QID record and a mapping per row, the log source 1, the rule 1, the
  // search 1, the reference sets 2.
  const json log = parseJson(emu.admin("GET", "/admin/requests?limit=1000").body);
  REQUIRE(log["requests"].size() == 3 + 1 + 2 * table.size() + 1 + 1 + 1 + 2);
  for (const json& request : log["requests"]) {
    INFO(request["method"] << " " << request["target"]);
    CHECK(request["headers"].contains("version"));
    CHECK(request["status"].get<int>() >= 200);
    CHECK(request["status"].get<int>() < 300);
  }

  auto get = [&emu](const std::string& path) {
    const HttpReply reply = emu.call("GET", path, {"Version: 20.0"}, {}, kAdminApiToken);
    REQUIRE(reply.status == 200);
    return parseJson(reply.body);
  };
  const json types = get("/api/config/event_sources/log_source_management/log_source_types");
  REQUIRE(types.size() == 1);
  CHECK(types[0]["name"] == "aihunt");
  const std::int64_t type_id = types[0]["id"].get<std::int64_t>();

  // The table covers exactly the EventIDs the encoder sends, each with the encoder's `cat`.
  const std::set<std::string_view> vocabulary = {
      aihunt::qradar::kLeefKeyOnCommandLine, aihunt::qradar::kLeefLargeUpload,
      aihunt::qradar::kLeefNonBrowser,       aihunt::qradar::kLeefSdkInstall,
      aihunt::qradar::kLeefFirstSeen,        aihunt::qradar::kLeefContact};
  REQUIRE(table.size() == vocabulary.size());
  for (const auto& [event_id, row] : table) {
    INFO(event_id);
    CHECK(vocabulary.count(event_id) == 1);
    CHECK(row.category == aihunt::qradar::leefCategoryFor(event_id));
    // Offense notes know aihunt's offenses by the word in the QID name that names them.
    CHECK(row.qid_name.rfind("aihunt: ", 0) == 0);
  }
  // content/qradar/qid_map.txt (qradar-emu's --qid-map) holds the same rows.
  std::map<std::string, QidRow> shipped;
  for (const std::vector<std::string>& cells : qidMapRows()) {
    shipped[cells[0]] = QidRow{cells[1], cells[2], std::stoll(cells[3]), std::stoll(cells[4])};
  }
  REQUIRE(shipped.size() == table.size());
  for (const auto& [event_id, row] : table) {
    INFO(event_id);
    REQUIRE(shipped.count(event_id) == 1);
    CHECK(shipped.at(event_id).category == row.category);
    CHECK(shipped.at(event_id).qid_name == row.qid_name);
    CHECK(shipped.at(event_id).low_level_category == row.low_level_category);
    CHECK(shipped.at(event_id).severity == row.severity);
  }

  // One QID record per table row, as the table says; one mapping per (EventID, cat) to it.
  std::map<std::int64_t, json> qids;
  for (const json& record : get("/api/data_classification/qid_records")) {
    qids[record["id"].get<std::int64_t>()] = record;
  }
  const json mappings = get("/api/data_classification/dsm_event_mappings");
  REQUIRE(mappings.size() == table.size());
  REQUIRE(qids.size() == table.size());
  for (const json& mapping : mappings) {
    const std::string event_id = mapping["log_source_event_id"].get<std::string>();
    INFO(event_id);
    REQUIRE(table.count(event_id) == 1);
    const QidRow& row = table.at(event_id);
    CHECK(mapping["log_source_type_id"] == type_id);
    CHECK(mapping["log_source_event_category"] == row.category);
    const json& record = qids.at(mapping["qid_record_id"].get<std::int64_t>());
    CHECK(record["name"] == row.qid_name);
    CHECK(record["low_level_category_id"] == row.low_level_category);
    CHECK(record["severity"] == row.severity);
  }

  const json sources = get("/api/config/event_sources/log_source_management/log_sources");
  REQUIRE(sources.size() == 1);
  CHECK(sources[0]["type_id"] == type_id);
  CHECK(sources[0]["protocol_parameters"][0]["value"] == "aihunt-sidecar");

  const json legacy = get("/api/reference_data/sets?fields=name,element_type");
  CHECK(legacy.dump().find("AIHunt AI API Sources") != std::string::npos);
  const HttpReply collections =
      emu.call("GET", "/api/reference_data_collections/sets", {"Version: 26.0"}, {}, kHunterToken);
  CHECK(collections.body.find("AIHunt AI API Users") != std::string::npos);
}
