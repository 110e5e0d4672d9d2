// The reference-set sink against a fake console (tests/support/fake_http_transport.h): which
// values go to which set (severity, dedupe, element types), the legacy and the 26.0 requests,
// the bulk update task's states, errors that keep the rows in the outbox; and the config shape
// outputs.reference_sets.
#include <catch2/catch.hpp>

#include <algorithm>

#include <unistd.h>

#include <filesystem>
#include <map>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/environment.h"
#include "config/example_config.h"
#include "config/loader.h"
#include "core/metrics.h"
#include "service/outbox.h"
#include "service/reference_set_sink.h"
#include "state/state_store.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/fake_qradar_connection.h"
#include "tests/support/outbox_rows.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

std::shared_ptr<spdlog::logger> quietLogger() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

std::string finding(const std::string& id, const std::string& severity, const std::string& ip,
                    const std::string& user, bool suppressed = false) {
  return nlohmann::json{{"finding_id", id}, {"severity", severity}, {"source_ip", ip},
                        {"username", user}, {"host", "ws-" + id},   {"suppressed", suppressed}}
      .dump();
}

std::vector<state::OutboxRow> rowsOf(const std::vector<std::string>& payloads) {
  return testing::outboxRows("reference_sets", payloads);
}

std::vector<config::ReferenceSetTarget> twoSets() {
  return {{"AIHunt Sources", config::ReferenceSetField::kSourceIp, detection::Severity::kMedium,
           std::chrono::hours(24 * 7)},
          {"AIHunt Users", config::ReferenceSetField::kUsername, detection::Severity::kHigh,
           std::chrono::hours(24)}};
}

// A console that keeps reference sets, for either API generation.
struct FakeConsole {
  struct Set {
    std::string type;
    std::int64_t id = 0;
    std::vector<std::string> values;
  };
  std::map<std::string, Set> sets;
  std::vector<std::string> task_states = {"PROCESSING", "COMPLETED"};  // after QUEUED
  std::size_t task_reads = 0;
  nlohmann::json task_failure = nlohmann::json::object();  // error_code/error_message, at the end
  int fail_with = 0;                                       // answer every request with this status

  static std::string query(const std::string& url, const std::string& key) {
    return testing::queryParam(url, key);
  }

  core::Result<qradar::HttpResponse> answer(const qradar::HttpRequest& r) {
    if (fail_with != 0) return jsonResponse(fail_with, R"({"code":1020,"message":"down"})");
    const std::string path = r.url.substr(r.url.find("/api/"));
    const std::string legacy = "/api/reference_data/sets";
    const std::string collections = "/api/reference_data_collections/";
    if (path.rfind(legacy + "/bulk_load/", 0) == 0) {
      const std::string name = query("x=" + path.substr(legacy.size() + 11), "x");
      auto it = sets.find(name);
      if (it == sets.end()) return jsonResponse(404, R"({"code":1002,"message":"no set"})");
      for (const auto& v : nlohmann::json::parse(r.body)) it->second.values.push_back(v);
      return jsonResponse(200, "{}");
    }
    if (path.rfind(legacy + "?", 0) == 0 && r.method == "POST") {
      const std::string name = query(path, "name");
      if (sets.count(name) != 0) return jsonResponse(409, R"({"code":1004,"message":"in use"})");
      sets[name] = {query(path, "element_type"), 0, {}};
      return jsonResponse(201, "{}");
    }
    if (path.rfind(legacy + "/", 0) == 0 && r.method == "GET") {
      const std::string name =
          query("x=" + path.substr(legacy.size() + 1, path.find('?') - legacy.size() - 1), "x");
      auto it = sets.find(name);
      if (it == sets.end()) return jsonResponse(404, R"({"code":1002,"message":"no set"})");
      return jsonResponse(200, nlohmann::json{{"name", name},
                                              {"element_type", it->second.type},
                                              {"number_of_elements", it->second.values.size()}}
                                   .dump());
    }
    if (path.rfind(collections + "sets", 0) == 0 && r.method == "GET") {
      const std::string filter = query(path, "filter");  // name="..."
      const std::string name = filter.substr(6, filter.size() - 7);
      nlohmann::json list = nlohmann::json::array();
      if (auto it = sets.find(name); it != sets.end()) {
        list.push_back({{"id", it->second.id},
                        {"name", name},
                        {"entry_type", it->second.type},
                        {"number_of_entries", it->second.values.size()}});
      }
      return jsonResponse(200, list.dump());
    }
    if (path == collections + "sets" && r.method == "POST") {
      const auto body = nlohmann::json::parse(r.body);
      if (!body["time_to_live"].is_number()) return jsonResponse(422, R"({"code":10007})");
      const std::string name = body["name"];
      if (sets.count(name) != 0) return jsonResponse(409, R"({"code":10006,"message":"dup"})");
      const auto id = static_cast<std::int64_t>(100 + sets.size());
      sets[name] = {body["entry_type"], id, {}};
      return jsonResponse(201, nlohmann::json{{"id", id}, {"name", name}}.dump());
    }
    if (path == collections + "set_entries" && r.method == "PATCH") {
      for (const auto& entry : nlohmann::json::parse(r.body)) {
        for (auto& [name, set] : sets) {
          if (set.id == entry["collection_id"]) set.values.push_back(entry["value"]);
        }
      }
      task_reads = 0;
      return jsonResponse(202, R"({"id":7,"status":"QUEUED"})");
    }
    if (path == collections + "set_bulk_update_tasks/7") {
      const std::string status = task_states[std::min(task_reads, task_states.size() - 1)];
      ++task_reads;
      nlohmann::json task = {{"id", 7}, {"status", status}};
      if (task_reads >= task_states.size()) task.update(task_failure);
      return jsonResponse(200, task.dump());
    }
    return jsonResponse(404, R"({"code":1002,"message":"unknown path"})");
  }
};

struct Harness {
  testing::FakeConnectionSeams seams;
  FakeConsole console;
  testing::FakeHttpTransport transport{
      [this](const qradar::HttpRequest& r) { return console.answer(r); }};
  std::string version;
  int connects = 0;

  explicit Harness(std::string api_version) : version(std::move(api_version)) {}

  service::QRadarConnector connector() {
    return [this]() -> core::Result<std::unique_ptr<service::QRadarConnection>> {
      ++connects;
      return testing::fakeConnection(transport, seams, version);
    };
  }

  core::Metrics metrics;

  std::unique_ptr<service::ReferenceSetSink> sink(
      std::vector<config::ReferenceSetTarget> sets = twoSets()) {
    service::ReferenceSetSinkOptions options;
    options.sets = std::move(sets);
    options.metrics = &metrics;
    return std::make_unique<service::ReferenceSetSink>(options, connector(), quietLogger());
  }

  // "POST /api/reference_data/sets/bulk_load/..." without query strings.
  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    for (const auto& line : transport.lines()) out.push_back(line.substr(0, line.find('?')));
    return out;
  }
};

config::LoadOutcome loadYaml(const std::string& yaml) {
  config::LoadOptions options;
  options.resolve_token = false;
  return config::loadConfigText(yaml, "test.yaml", config::MapEnvironment{}, options);
}

const std::string kQRadar = "qradar: {url: 'https://qradar.example.com'}\n";

}  // namespace

TEST_CASE("a batch's values: per set, deduplicated, by severity and element type",
          "[reference_sets]") {
  const auto sets = twoSets();
  const auto grouped = service::groupReferenceSetValues(
      sets,
      rowsOf({finding("1", "medium", "10.0.0.1", "alice"), finding("2", "high", "10.0.0.1", "Bob"),
              finding("3", "critical", "2001:db8::7", "bob"),  // ALNIC: Bob == bob
              finding("4", "low", "10.0.0.9", "carol"),        // below both minimums
              finding("5", "high", "", ""),                    // empty values skipped
              finding("6", "high", "not-an-ip", "dave\nx"),    // refused by the types
              finding("7", "critical", "10.0.0.66", "eve", /*suppressed=*/true),
              finding("8", "High", "10.0.0.2", "frank"), "not json", R"({"a":1})"}));
  REQUIRE(grouped.sets.size() == 2);
  CHECK(grouped.sets[0].set->name == "AIHunt Sources");
  CHECK(grouped.sets[0].values == std::vector<std::string>{"10.0.0.1", "2001:db8::7", "10.0.0.2"});
  CHECK(grouped.sets[0].invalid == 1);
  CHECK(grouped.sets[1].values == std::vector<std::string>{"Bob", "frank"});
  CHECK(grouped.sets[1].invalid == 1);
  CHECK(grouped.unreadable == 2);  // no JSON, no severity
  CHECK(grouped.in_no_set == 4);   // 4 below, 5 empty, 6 refused, 7 suppressed
}

TEST_CASE("element types: an IP set takes only IP literals", "[reference_sets]") {
  CHECK(service::isReferenceSetValue("IP", "192.168.1.20"));
  CHECK(service::isReferenceSetValue("IP", "fe80::1"));
  CHECK_FALSE(service::isReferenceSetValue("IP", "192.168.1.300"));
  CHECK_FALSE(service::isReferenceSetValue("IP", "10.0.0.1/24"));
  CHECK_FALSE(service::isReferenceSetValue("IP", "host.example.com"));
  CHECK_FALSE(service::isReferenceSetValue("IP", ""));
  CHECK(service::isReferenceSetValue("ALNIC", "CORP\\alice"));
  CHECK_FALSE(service::isReferenceSetValue("ALNIC", std::string(256, 'a')));
  CHECK_FALSE(service::isReferenceSetValue("ALNIC", std::string("a\0b", 3)));
  // Non-ASCII letters are values like any other...
  CHECK(service::isReferenceSetValue("ALNIC", "J\xC3\xBCrgen"));
  CHECK(service::isReferenceSetValue("ALN", "\xE5\xB1\xB1\xE7\x94\xB0"));
  // ...but what reads differently from what it is, or does not decode, is refused: C1 controls
  // (U+009B is CSI to some terminals), bidi overrides, zero-width characters, a tab, bad UTF-8.
  for (const std::string hidden : {"bob\xC2\x9B"
                                   "31m",
                                   "evil\xE2\x80\xAEtxt.exe", "bob\xE2\x80\x8B", "a\tb", "a\x7f",
                                   "bad\xC3", "\xFF\xFE", "bob\xEF\xBB\xBF"}) {
    INFO(hidden);
    CHECK_FALSE(service::isReferenceSetValue("ALNIC", hidden));
    CHECK_FALSE(service::isReferenceSetValue("ALN", hidden));
  }
}

TEST_CASE("legacy API (below 26.0): sets created once with TTL and type, then bulk_load",
          "[reference_sets]") {
  Harness h("20.0");
  auto sink = h.sink();
  CHECK(sink->name() == "reference_sets");
  CHECK(sink->deliveredDetail().empty());
  REQUIRE(sink->deliver(rowsOf(
      {finding("1", "high", "10.0.0.1", "alice"), finding("2", "medium", "10.0.0.2", "bob")})));
  // Every set checked (and made) before any takes a value.
  CHECK(h.calls() ==
        std::vector<std::string>{
            "GET /api/reference_data/sets/AIHunt%20Sources", "POST /api/reference_data/sets",
            "GET /api/reference_data/sets/AIHunt%20Users", "POST /api/reference_data/sets",
            "POST /api/reference_data/sets/bulk_load/AIHunt%20Sources",
            "POST /api/reference_data/sets/bulk_load/AIHunt%20Users"});
  const auto lines = h.transport.lines();
  CHECK(lines[1] ==
        "POST /api/reference_data/sets?name=AIHunt%20Sources&element_type=IP&timeout_type="
        "LAST_SEEN&time_to_live=7%20days");
  CHECK(lines[3].find("element_type=ALNIC") != std::string::npos);
  CHECK(lines[3].find("time_to_live=1%20days") != std::string::npos);
  CHECK(h.transport.requests[4].body == R"(["10.0.0.1","10.0.0.2"])");
  CHECK(h.transport.requests[5].body == R"(["alice"])");  // bob is only medium
  // The next batch: the sets are known, one request each; the same values again are harmless.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")})));
  CHECK(h.calls() ==
        std::vector<std::string>{"POST /api/reference_data/sets/bulk_load/AIHunt%20Sources",
                                 "POST /api/reference_data/sets/bulk_load/AIHunt%20Users"});
  CHECK(h.console.sets["AIHunt Sources"].values.size() == 3);
  CHECK(h.connects == 1);
  CHECK(h.metrics.value("aihunt_reference_set_values_total", {"AIHunt Sources", "added"}) == 3);
  CHECK(h.metrics.value("aihunt_reference_set_values_total", {"AIHunt Users", "added"}) == 2);
  // A batch of findings that go to no set asks nothing, and is said as such.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(rowsOf({finding("9", "low", "10.0.0.9", "zed")})));
  CHECK(h.transport.requests.empty());
  CHECK(sink->deliveredDetail() ==
        "1 in no set: suppressed, below each set's min_severity, or with no value a set takes");
  // A value the IP set refuses is counted, not sent.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(rowsOf({finding("5", "high", "not-an-ip", "")})));
  CHECK(h.transport.requests.empty());
  CHECK(h.metrics.value("aihunt_reference_set_values_total", {"AIHunt Sources", "invalid"}) == 1);
  // Nothing at or above the minimums: no request at all.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(rowsOf({finding("9", "low", "10.0.0.9", "zed")})));
  CHECK(h.transport.requests.empty());
}

TEST_CASE("collections API (26.0): numeric TTL, PATCH set_entries, the task polled to COMPLETED",
          "[reference_sets]") {
  Harness h("26.0");
  h.console.task_states = {"QUEUED", "PROCESSING", "PROCESSING", "COMPLETED"};
  h.console.sets["AIHunt Users"] = {"ALNIC", 55, {}};  // exists: not created again
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")})));
  const auto calls = h.calls();
  REQUIRE(calls.size() >= 8);
  CHECK(calls[0] == "GET /api/reference_data_collections/sets");
  CHECK(calls[1] == "POST /api/reference_data_collections/sets");
  const auto created = nlohmann::json::parse(h.transport.requests[1].body);
  CHECK(created["name"] == "AIHunt Sources");
  CHECK(created["entry_type"] == "IP");
  CHECK(created["time_to_live"] == 7 * 86'400);
  CHECK(created["expiry_type"] == "LAST_SEEN");
  // The sets are all checked before the first entries go.
  const auto patch =
      std::find(calls.begin(), calls.end(), "PATCH /api/reference_data_collections/set_entries");
  REQUIRE(patch != calls.end());
  CHECK(std::count(calls.begin(), patch, "GET /api/reference_data_collections/sets") >= 2);
  const auto entries = nlohmann::json::parse(
      h.transport.requests[static_cast<std::size_t>(patch - calls.begin())].body);
  CHECK(entries ==
        nlohmann::json::parse(R"([{"collection_id":101,"value":"10.0.0.1","source":"aihunt"}])"));
  CHECK(h.console.task_reads == 4);  // QUEUED, PROCESSING, PROCESSING, COMPLETED
  CHECK(h.console.sets["AIHunt Users"].values == std::vector<std::string>{"alice"});
  CHECK(h.console.sets.size() == 2);
}

TEST_CASE("a task ending in CONFLICT, EXCEPTION or INTERRUPTED fails the batch with its error",
          "[reference_sets]") {
  for (const std::string state : {"CONFLICT", "EXCEPTION", "INTERRUPTED"}) {
    Harness h("26.0");
    h.console.task_states = {"PROCESSING", state};
    h.console.task_failure = {{"error_code", 23001}, {"error_message", "entries rejected"}};
    auto sink = h.sink({twoSets()[0]});
    auto result = sink->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")}));
    REQUIRE_FALSE(result);
    INFO(result.error().message);
    CHECK(result.error().message.find(state) != std::string::npos);
    CHECK(result.error().message.find("23001") != std::string::npos);
    CHECK(result.error().message.find("entries rejected") != std::string::npos);
    CHECK(result.error().message.find("AIHunt Sources") != std::string::npos);
    // The next attempt opens a new connection and looks the set up again.
    h.console.task_states = {"COMPLETED"};
    h.console.task_failure = nlohmann::json::object();
    REQUIRE(sink->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")})));
    CHECK(h.connects == 2);
  }
}

TEST_CASE("a set of the wrong element type is an error, not a silent mismatch",
          "[reference_sets]") {
  Harness h("20.0");
  h.console.sets["AIHunt Sources"] = {"ALN", 0, {}};
  auto sink = h.sink();
  auto result = sink->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")}));
  REQUIRE_FALSE(result);
  CHECK(result.error().code == core::ErrorCode::kConfig);
  CHECK(result.error().message.find("holds ALN values") != std::string::npos);
  CHECK(h.console.sets["AIHunt Sources"].values.empty());

  // The wrong type on the second set: the first, checked (and made) first, takes no value either,
  // on either API generation. The batch is delivered to every set or to none.
  for (const std::string version : {"20.0", "26.0"}) {
    INFO(version);
    Harness second(version);
    second.console.sets["AIHunt Users"] = {"IP", 0, {}};
    auto later = second.sink();
    auto refused = later->deliver(rowsOf({finding("1", "high", "10.0.0.1", "alice")}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("AIHunt Users") != std::string::npos);
    REQUIRE(second.console.sets.count("AIHunt Sources") == 1);
    CHECK(second.console.sets["AIHunt Sources"].values.empty());
  }
}

TEST_CASE("errors keep the rows in the outbox; they are delivered when the console is back",
          "[reference_sets][outbox]") {
  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / "aihunt-refsink-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  {
    auto store = state::StateStore::open(dir + "/state.db", state::OpenOptions{});
    REQUIRE(store);
    state::Commit commit;
    commit.hunt = "h";
    commit.now = 1'000;
    commit.sinks = {"reference_sets"};
    int i = 0;
    for (const auto& payload :
         {finding("a", "high", "10.0.0.1", "alice"), finding("b", "high", "10.0.0.2", "bob")}) {
      state::FindingItem item;
      item.finding_id = "id-" + std::to_string(i);
      item.event_time = ++i;
      item.payload = payload;
      commit.findings.push_back(item);
    }
    REQUIRE((*store)->commit(commit));
    Harness h("20.0");
    h.console.fail_with = 503;
    core::Metrics metrics;
    metrics.declare("aihunt_sink_delivery_errors_total", core::MetricType::kCounter, "e", {"sink"});
    std::vector<std::unique_ptr<service::Sink>> sinks;
    sinks.push_back(h.sink());
    service::OutboxOptions options;
    options.initial_backoff = std::chrono::milliseconds(0);
    service::Outbox outbox(**store, std::move(sinks), options, metrics, quietLogger());
    auto report = outbox.drain(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    CHECK(report.delivered == 0);
    CHECK_FALSE(report.empty);
    CHECK(*(*store)->outboxDepth("reference_sets") == 2);
    h.console.fail_with = 0;
    report = outbox.drain(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    CHECK(report.delivered == 2);
    CHECK(report.empty);
    CHECK(h.console.sets["AIHunt Sources"].values ==
          std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
    CHECK(h.console.sets["AIHunt Users"].values == std::vector<std::string>{"alice", "bob"});
  }
  fs::remove_all(dir);
}

TEST_CASE("config: source_ips_set and users_set still name two sets; sets: lists any",
          "[reference_sets][config]") {
  SECTION("the old keys") {
    const auto outcome =
        loadYaml(kQRadar +
                 "outputs:\n  reference_sets:\n    enabled: true\n    source_ips_set: Src\n"
                 "    min_severity: high\n    time_to_live: 2d\n");
    REQUIRE(outcome.ok());
    const auto& sets = outcome.config->outputs.reference_sets.sets;
    REQUIRE(sets.size() == 2);
    CHECK(sets[0].name == "Src");
    CHECK(sets[0].field == config::ReferenceSetField::kSourceIp);
    CHECK(sets[0].min_severity == detection::Severity::kHigh);
    CHECK(sets[0].time_to_live == std::chrono::hours(48));
    CHECK(sets[1].name == "AIHunt AI API Users");
    CHECK(sets[1].field == config::ReferenceSetField::kUsername);
  }
  SECTION("the defaults") {
    const auto outcome = loadYaml(kQRadar + "outputs:\n  reference_sets: {enabled: true}\n");
    REQUIRE(outcome.ok());
    const auto& sets = outcome.config->outputs.reference_sets.sets;
    REQUIRE(sets.size() == 2);
    CHECK(sets[0].name == "AIHunt AI API Sources");
    CHECK(sets[0].min_severity == detection::Severity::kMedium);
    CHECK(sets[0].time_to_live == std::chrono::hours(24 * 30));
  }
  SECTION("a sets: list, with per-set severity and TTL") {
    const auto outcome =
        loadYaml(kQRadar +
                 "outputs:\n  reference_sets:\n    enabled: true\n    time_to_live: 3d\n    sets:\n"
                 "      - {name: Hosts, field: host, min_severity: critical}\n"
                 "      - {name: Domains, field: domain, time_to_live: 1h}\n"
                 "      - {name: Procs, field: process_name}\n");
    REQUIRE(outcome.ok());
    const auto& sets = outcome.config->outputs.reference_sets.sets;
    REQUIRE(sets.size() == 3);
    CHECK(sets[0].field == config::ReferenceSetField::kHost);
    CHECK(sets[0].min_severity == detection::Severity::kCritical);
    CHECK(sets[0].time_to_live == std::chrono::hours(72));
    CHECK(sets[1].field == config::ReferenceSetField::kDomain);
    CHECK(sets[1].time_to_live == std::chrono::hours(1));
    CHECK(sets[2].field == config::ReferenceSetField::kProcessName);
    CHECK(config::referenceSetElementType(sets[2].field) == "ALNIC");
    CHECK(config::referenceSetElementType(config::ReferenceSetField::kSourceIp) == "IP");
  }
  SECTION("errors, each with its path") {
    const auto outcome = loadYaml(kQRadar +
                                  "outputs:\n  reference_sets:\n    users_set: U\n    sets:\n"
                                  "      - {name: 'a/b', field: source_ip}\n"
                                  "      - {name: ok, field: hostname}\n"
                                  "      - {name: ok, field: host}\n"
                                  "      - {field: host, min_severity: huge}\n");
    REQUIRE_FALSE(outcome.ok());
    std::map<std::string, std::string> at;
    for (const auto& error : outcome.errors) at[error.path] = error.message;
    CHECK(at["outputs.reference_sets.users_set"] ==
          "give the sets either in sets: or here, not both");
    CHECK(at["outputs.reference_sets.sets[0].name"].find("is not a reference set name") !=
          std::string::npos);
    CHECK(at["outputs.reference_sets.sets[1].field"].find("is not one of: source_ip") !=
          std::string::npos);
    CHECK(at["outputs.reference_sets.sets[2].name"] == "'ok' is listed twice");
    CHECK(at["outputs.reference_sets.sets[3].name"] == "missing required key");
    CHECK(at["outputs.reference_sets.sets[3].min_severity"].find("'huge'") != std::string::npos);
    CHECK(outcome.errors.size() == 6);
  }
  SECTION("the example config lists three sets") {
    config::MapEnvironment env;
    env.set("AIHUNT_QRADAR_TOKEN", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    const auto outcome = config::loadConfigText(config::exampleConfigText(), "example.yaml", env);
    REQUIRE(outcome.ok());
    const auto& sets = outcome.config->outputs.reference_sets.sets;
    REQUIRE(sets.size() == 3);
    CHECK(sets[2].name == "AIHunt AI API Hosts");
    CHECK(sets[2].min_severity == detection::Severity::kHigh);
  }
}
