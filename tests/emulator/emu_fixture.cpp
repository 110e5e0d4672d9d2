#include "tests/emulator/emu_fixture.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/process_runner.h"

namespace aihunt::testing {

std::string defaultConfigYaml() {
  return R"(tokens:
  - {token: hunter-token-0001, user: aihunt, role: hunter}
  - {token: searcher-token-0002, user: reader, role: searcher}
users:
  - {name: analyst, password: s3cret-pass, role: hunter}
admin_token: admin-token-0003
ariel:
  workers: 2
rules:
  - id: 100001
    name: "AIHUNT: T1588.007 AI API use"
    event_ids: ["AIHUNT-T1588.007"]
    index: sourceip
    description: "AI API use by non-browser process"
    magnitude: 6
    categories: ["Suspicious Activity"]
)";
}

std::string adminApiConfigYaml() {
  std::string yaml = defaultConfigYaml();
  const std::string anchor = "tokens:\n";
  yaml.insert(yaml.find(anchor) + anchor.size(),
              std::string("  - {token: ") + kAdminApiToken + ", user: admin, role: admin}\n");
  return yaml;
}

nlohmann::json parseJson(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

std::int64_t addLogSource(RunningEmu& emu, const std::string& type_name,
                          const std::string& identifier) {
  const std::vector<std::string> headers = {"Version: 20.0", "Content-Type: application/json"};
  const HttpReply type =
      emu.call("POST", "/api/config/event_sources/log_source_management/log_source_types", headers,
               nlohmann::json{{"name", type_name}}.dump(), kAdminApiToken);
  INFO(type.body);
  REQUIRE(type.status == 201);
  const std::int64_t type_id = parseJson(type.body).at("id").get<std::int64_t>();
  const nlohmann::json source = {
      {"name", type_name + " @ " + identifier},
      {"type_id", type_id},
      {"protocol_type_id", 0},
      {"enabled", true},
      {"protocol_parameters", {{{"name", "identifier"}, {"value", identifier}}}}};
  const HttpReply created =
      emu.call("POST", "/api/config/event_sources/log_source_management/log_sources", headers,
               source.dump(), kAdminApiToken);
  INFO(created.body);
  REQUIRE(created.status == 201);
  return type_id;
}

std::vector<std::vector<std::string>> qidMapRows() {
  std::ifstream in(sourcePath("content/qradar/qid_map.txt"));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> cells;
    std::istringstream split(line);
    for (std::string cell; std::getline(split, cell, '|');) cells.push_back(cell);
    REQUIRE(cells.size() == 5);
    rows.push_back(std::move(cells));
  }
  return rows;
}

void addQidMap(RunningEmu& emu, std::int64_t type_id) {
  const std::vector<std::string> headers = {"Version: 20.0", "Content-Type: application/json"};
  int rows = 0;
  for (const std::vector<std::string>& cells : qidMapRows()) {
    const HttpReply record =
        emu.call("POST", "/api/data_classification/qid_records", headers,
                 nlohmann::json{{"log_source_type_id", type_id},
                                {"name", cells[2]},
                                {"low_level_category_id", std::stoll(cells[3])},
                                {"severity", std::stoll(cells[4])}}
                     .dump(),
                 kAdminApiToken);
    INFO(record.body);
    REQUIRE(record.status == 201);
    const HttpReply mapping =
        emu.call("POST", "/api/data_classification/dsm_event_mappings", headers,
                 nlohmann::json{{"log_source_type_id", type_id},
                                {"log_source_event_id", cells[0]},
                                {"log_source_event_category", cells[1]},
                                {"qid_record_id", parseJson(record.body).at("id")}}
                     .dump(),
                 kAdminApiToken);
    INFO(mapping.body);
    REQUIRE(mapping.status == 201);
    ++rows;
  }
  REQUIRE(rows == 6);
}

std::string seedQueryLast24h() {
  std::ifstream in(sourcePath("content/seed_query.aql"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str() + "\nLAST 24 HOURS";
}

RunningEmu::RunningEmu(const std::vector<std::string>& args, const std::string& config_yaml) {
  dir_ = makeTempDir("qradar-emu-test-");
  ca_file_ = dir_ + "/ca.pem";
  const std::string ports_file = dir_ + "/ports.json";
  const std::string config_file = dir_ + "/config.yaml";
  std::ofstream(config_file) << config_yaml;
  std::vector<std::string> all = {"--ports-file", ports_file,  "--ca-out",    ca_file_,
                                  "--config",     config_file, "--log-level", "warn"};
  bool has_port = false;
  bool has_now = false;
  for (const std::string& arg : args) {
    has_port = has_port || arg == "--https-port";
    has_now = has_now || arg == "--now";
  }
  if (!has_port) all.insert(all.end(), {"--https-port", "0"});
  if (!has_now) all.insert(all.end(), {"--now", kSampleNow});
  all.insert(all.end(), args.begin(), args.end());
  process_ = std::make_unique<BackgroundProcess>(binaryPath("qradar-emu"), all);
  if (!process_->waitForFile(ports_file, 20000)) return;
  std::ifstream in(ports_file);
  std::ostringstream text;
  text << in.rdbuf();
  ports_ = parseJson(text.str());
  ok_ = ports_.is_object();
}

RunningEmu::~RunningEmu() {
  if (!process_) return;
  const int code = process_->stop(10000);
  if (ok_) {
    INFO(diagnostics());
    CHECK(code == 0);
  }
}

std::string RunningEmu::base() const {
  return "https://localhost:" + std::to_string(ports_.value("https", 0));
}

std::string RunningEmu::diagnostics() const {
  return "stdout:\n" + process_->out() + "\nstderr:\n" + process_->err();
}

HttpReply RunningEmu::call(const std::string& method, const std::string& path_and_query,
                           std::vector<std::string> headers, const std::string& body,
                           const char* token) {
  HttpCall request;
  request.method = method;
  request.url = base() + path_and_query;
  if (token != nullptr && token[0] != '\0') headers.push_back(std::string("SEC: ") + token);
  request.headers = std::move(headers);
  request.body = body;
  request.has_body = method == "POST" || method == "PATCH" || method == "PUT";
  request.ca_file = ca_file_;
  return perform(request);
}

HttpReply RunningEmu::admin(const std::string& method, const std::string& path_and_query,
                            const std::string& body) {
  return call(method, path_and_query, {}, body, kAdminToken);
}

nlohmann::json RunningEmu::createSearch(const std::string& aql) {
  const HttpReply reply =
      call("POST", "/api/ariel/searches", {"Content-Type: application/x-www-form-urlencoded"},
           "query_expression=" + urlEncode(aql));
  nlohmann::json status = parseJson(reply.body);
  if (reply.status != 201) return nlohmann::json{{"error", reply.status}, {"body", reply.body}};
  return status;
}

nlohmann::json RunningEmu::waitSearch(const std::string& id, int max_seconds) {
  nlohmann::json status;
  for (int i = 0; i < max_seconds; ++i) {
    const HttpReply reply = call("GET", "/api/ariel/searches/" + id, {"Prefer: wait=1"});
    status = parseJson(reply.body);
    if (reply.status == 200 && status.value("status", "") != "WAIT" &&
        status.value("status", "") != "EXECUTE" && status.value("status", "") != "SORTING") {
      return status;
    }
    if (reply.status != 200 && reply.status != 206) return status;
  }
  return status;
}

nlohmann::json RunningEmu::searchRows(const std::string& aql) {
  const nlohmann::json done = waitSearch(createSearch(aql)["search_id"]);
  INFO(done.dump());
  REQUIRE(done["status"] == "COMPLETED");
  const nlohmann::json results = parseJson(
      call("GET", "/api/ariel/searches/" + done["search_id"].get<std::string>() + "/results").body);
  return results.contains("events") ? results["events"] : results["flows"];
}

}  // namespace aihunt::testing
