// outputs.reference_sets end to end: the real `aihunt run --once` against the real qradar-emu
// over TLS, on both API generations (a pinned 20.0: the legacy sets and bulk_load; auto, which
// settles on 26.0: the collections API, PATCH set_entries and its task). The sets end up holding
// exactly the source IPs and user names of the findings at or above each set's minimum severity
// (computed from the JSONL the same run wrote), with the configured TTL and element type; running
// the same windows again (a fresh state file: every finding raised and delivered again) adds no
// value twice, and a run with nothing due adds nothing.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/http_client.h"
#include "tests/support/background_process.h"
#include "tests/support/process_runner.h"

using aihunt::testing::binaryPath;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";
constexpr const char* kSources = "AIHunt AI API Sources";
constexpr const char* kUsers = "AIHunt AI API Users";

std::string emuConfig() {
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\nadmin_token: admin-token-0003\nariel:\n  workers: 2\n";
}

std::vector<std::string> sampleData() {
  return {"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
          sourcePath("content/samples/qradar_lookups.json")};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct RunDir {
  std::string dir;
  std::string config;
  [[nodiscard]] std::string path(const std::string& name) const { return dir + "/" + name; }
};

// Removes a test's folder when the test ends, however it ends.
struct RemoveAtEnd {
  const RunDir& run;
  ~RemoveAtEnd() {
    std::error_code ignored;
    std::filesystem::remove_all(run.dir, ignored);
  }
};

// Sources at medium and above (the default), users at high and above, a 7-day TTL.
RunDir makeRunDir(const RunningEmu& emu, const std::string& api_version) {
  RunDir run;
  run.dir = aihunt::testing::makeTempDir("aihunt-refsets-test-");
  const std::string token = run.path("token");
  std::ofstream(token) << kToken;
  ::chmod(token.c_str(), 0600);
  run.config = run.path("aihunt.yaml");
  std::ofstream(run.config) << "qradar:\n  url: " << emu.base() << "\n  token_file: " << token
                            << "\n  api_version: \"" << api_version
                            << "\"\n  tls:\n    ca_file: " << emu.caFile()
                            << "\noutputs:\n  jsonl:\n    path: findings.jsonl\n"
                               "  reference_sets:\n    enabled: true\n    time_to_live: 7d\n"
                               "    sets:\n"
                               "      - {name: "
                            << kSources
                            << ", field: source_ip}\n"
                               "      - {name: "
                            << kUsers
                            << ", field: username, min_severity: high}\n"
                               "state:\n  path: state.db\n";
  return run;
}

ProcessResult runOnce(const RunDir& run) {
  ProcessResult result = runProcess(
      binaryPath("aihunt"),
      {"run", "-c", run.config, "--once", "--now", aihunt::testing::kSampleNow}, {}, 120);
  INFO(result.err);
  CHECK(result.out.find(kToken) == std::string::npos);
  CHECK(result.err.find(kToken) == std::string::npos);
  return result;
}

int rank(const std::string& severity) {
  const std::vector<std::string> order = {"low", "medium", "high", "critical"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (aihunt::core::iequals(order[i], severity)) return static_cast<int>(i);
  }
  return -1;
}

std::string text(const json& f, const char* key) {
  const auto it = f.find(key);
  return it != f.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Expected {
  std::set<std::string> sources;
  std::set<std::string> users;  // lower-cased: the set is ALNIC
  std::size_t findings = 0;
  std::size_t below_high_with_user = 0;  // findings whose user the severity filter keeps out
  std::size_t in_no_set = 0;             // suppressed, or with no value either set takes
};

// What the sets must hold, from the findings the run wrote to its JSONL file.
Expected expectedFrom(const std::string& jsonl_path) {
  Expected out;
  std::istringstream lines(readFile(jsonl_path));
  std::string line;
  while (std::getline(lines, line)) {
    const json f = json::parse(line);
    ++out.findings;
    if (f.contains("suppressed") && f["suppressed"] == true) {
      ++out.in_no_set;
      continue;
    }
    const int severity = rank(text(f, "severity"));
    const std::string ip = text(f, "source_ip");
    const std::string user = text(f, "username");
    if (!(severity >= 1 && !ip.empty()) && !(severity >= 2 && !user.empty())) ++out.in_no_set;
    if (severity >= 1 && !ip.empty()) out.sources.insert(ip);
    if (severity >= 2 && !user.empty()) out.users.insert(aihunt::core::asciiLowered(user));
    if (severity < 2 && !user.empty()) ++out.below_high_with_user;
  }
  return out;
}

struct SetContents {
  bool exists = false;
  std::string element_type;
  json time_to_live;
  std::string expiry;               // timeout_type (legacy) or expiry_type (collections)
  std::vector<std::string> values;  // as stored (duplicates would show)
  std::set<std::string> value_set;  // lower-cased for ALNIC
};

SetContents legacySet(RunningEmu& emu, const std::string& name) {
  SetContents out;
  const auto reply = emu.call("GET", "/api/reference_data/sets/" + aihunt::testing::urlEncode(name),
                              {"Version: 20.0"}, {}, kToken);
  if (reply.status == 404) return out;
  REQUIRE(reply.status == 200);
  const json set = json::parse(reply.body);
  out.exists = true;
  out.element_type = set.value("element_type", "");
  out.time_to_live = set.value("time_to_live", json());
  out.expiry = set.value("timeout_type", "");
  for (const auto& entry : set.value("data", json::array())) {
    const std::string value = entry["value"];
    out.values.push_back(value);
    out.value_set.insert(out.element_type == "ALNIC" ? aihunt::core::asciiLowered(value) : value);
  }
  return out;
}

SetContents collectionSet(RunningEmu& emu, const std::string& name) {
  SetContents out;
  const auto list =
      emu.call("GET", "/api/reference_data_collections/sets", {"Version: 26.0"}, {}, kToken);
  REQUIRE(list.status == 200);
  std::int64_t id = -1;
  for (const auto& set : json::parse(list.body)) {
    if (set["name"] != name) continue;
    id = set["id"];
    out.exists = true;
    out.element_type = set.value("entry_type", "");
    out.time_to_live = set.value("time_to_live", json());
    out.expiry = set.value("expiry_type", "");
  }
  if (!out.exists) return out;
  const auto entries =
      emu.call("GET",
               "/api/reference_data_collections/set_entries?filter=" +
                   aihunt::testing::urlEncode("collection_id=" + std::to_string(id)),
               {"Version: 26.0"}, {}, kToken);
  REQUIRE(entries.status == 200);
  for (const auto& entry : json::parse(entries.body)) {
    const std::string value = entry["value"];
    out.values.push_back(value);
    out.value_set.insert(out.element_type == "ALNIC" ? aihunt::core::asciiLowered(value) : value);
  }
  return out;
}

// Requests in the emulator's log whose method matches and target starts with `prefix`.
int countRequests(RunningEmu& emu, const std::string& method, const std::string& prefix) {
  const json log = json::parse(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  int n = 0;
  for (const auto& r : log) {
    n += r["method"] == method && r["target"].get<std::string>().rfind(prefix, 0) == 0 ? 1 : 0;
  }
  return n;
}

void runBothTimes(RunningEmu& emu, const std::string& api_version, bool collections) {
  const RunDir run = makeRunDir(emu, api_version);
  const RemoveAtEnd cleanup{run};
  const auto read = [&](const std::string& name) {
    return collections ? collectionSet(emu, name) : legacySet(emu, name);
  };
  REQUIRE_FALSE(read(kSources).exists);
  const ProcessResult first = runOnce(run);
  INFO(first.out);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const Expected expected = expectedFrom(run.path("findings.jsonl"));
  REQUIRE(expected.findings > 0);
  // Each destination's count: every new finding went to both.
  const std::string count = std::to_string(expected.findings);
  // Those that went to no set are said so, not taken for values added.
  const std::string detail =
      expected.in_no_set == 0
          ? std::string()
          : " (" + std::to_string(expected.in_no_set) +
                " in no set: suppressed, below each set's min_severity, or with no value a set "
                "takes)";
  CHECK(first.out.find("delivered: " + count + " to " + run.path("findings.jsonl") + ", " + count +
                       " to QRadar reference sets" + detail + "\n") != std::string::npos);
  REQUIRE_FALSE(expected.sources.empty());
  REQUIRE_FALSE(expected.users.empty());
  INFO("findings whose user is below high: " << expected.below_high_with_user);

  const SetContents sources = read(kSources);
  const SetContents users = read(kUsers);
  REQUIRE(sources.exists);
  REQUIRE(users.exists);
  CHECK(sources.element_type == "IP");
  CHECK(users.element_type == "ALNIC");
  CHECK(sources.value_set == expected.sources);
  CHECK(users.value_set == expected.users);
  CHECK(sources.values.size() == expected.sources.size());  // each value once
  CHECK(users.values.size() == expected.users.size());
  if (collections) {
    CHECK(sources.time_to_live == json(7 * 86'400));
    CHECK(users.time_to_live == json(7 * 86'400));
    CHECK(sources.expiry == "LAST_SEEN");
    CHECK(countRequests(emu, "PATCH", "/api/reference_data_collections/set_entries") == 2);
    CHECK(countRequests(emu, "POST", "/api/reference_data/sets") == 0);
  } else {
    CHECK(sources.time_to_live == json("7 days"));
    CHECK(users.time_to_live == json("7 days"));
    CHECK(sources.expiry == "LAST_SEEN");
    CHECK(countRequests(emu, "POST", "/api/reference_data/sets/bulk_load/") == 2);
    CHECK(countRequests(emu, "PATCH", "/api/reference_data_collections/") == 0);
  }

  // The same windows again with a fresh state file: every finding is raised and delivered once
  // more (the adds really happen), and the sets hold the same values, each once.
  std::filesystem::remove(run.path("state.db"));
  std::filesystem::remove(run.path("findings.jsonl"));
  const ProcessResult second = runOnce(run);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  // Which finding of an actor carries first_seen (and its score) depends on which hunt got
  // there first, so severities may differ between the runs: the sets hold both runs' values.
  Expected both = expectedFrom(run.path("findings.jsonl"));
  both.sources.insert(expected.sources.begin(), expected.sources.end());
  both.users.insert(expected.users.begin(), expected.users.end());
  if (collections) {
    CHECK(countRequests(emu, "PATCH", "/api/reference_data_collections/set_entries") == 4);
    CHECK(countRequests(emu, "POST", "/api/reference_data_collections/sets") == 2);  // once each
  } else {
    CHECK(countRequests(emu, "POST", "/api/reference_data/sets/bulk_load/") == 4);
  }
  const SetContents sources_again = read(kSources);
  const SetContents users_again = read(kUsers);
  CHECK(sources_again.value_set == both.sources);
  CHECK(sources_again.values.size() == both.sources.size());  // still each value once
  CHECK(users_again.value_set == both.users);
  CHECK(users_again.values.size() == both.users.size());

  // And a run with nothing due delivers nothing and adds nothing.
  const ProcessResult third = runOnce(run);
  REQUIRE(third.exit_code == 0);
  CHECK(read(kSources).values.size() == sources_again.values.size());
  CHECK(read(kUsers).values.size() == users_again.values.size());
}

}  // namespace

TEST_CASE("reference sets over the legacy API (20.0): exactly the expected values, with TTL",
          "[reference_sets][integration]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  runBothTimes(emu, "20.0", /*collections=*/false);
}

TEST_CASE("reference sets over the collections API (auto: 26.0): exactly the expected values",
          "[reference_sets][integration]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  runBothTimes(emu, "auto", /*collections=*/true);
}

// The daemon works from the config it loaded (or the last one a SIGHUP accepted). An edit of the
// file on disk without a SIGHUP changes nothing, also for what connects later: the reference-set
// sink connects at its first delivery, after the hunts' searches.
TEST_CASE("the daemon's later connections use its running config, not the file edited since",
          "[reference_sets][integration]") {
  std::vector<std::string> args = sampleData();
  args.insert(args.end(), {"--phase-delay-ms", "300"});  // searches take a while
  RunningEmu emu(args, emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(emu, "26.0");
  const RemoveAtEnd cleanup{run};
  aihunt::testing::BackgroundProcess daemon(
      binaryPath("aihunt"),
      {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow, "--log-level", "warn"});
  // A search was created: the hunts have connected, and their findings are still to come.
  bool searching = false;
  for (int i = 0; i < 400 && !searching; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    searching = countRequests(emu, "POST", "/api/ariel/searches") >= 1;
  }
  INFO(daemon.err());
  REQUIRE(searching);
  std::ofstream(run.config) << "qradar: [this, is, not, a, config\n";  // and no SIGHUP
  // The findings reach the sets all the same.
  bool delivered = false;
  for (int i = 0; i < 1200 && !delivered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    delivered = !collectionSet(emu, kSources).value_set.empty();
  }
  const std::string err = daemon.err();
  INFO(err);
  CHECK(delivered);
  CHECK(err.find("config error") == std::string::npos);
  CHECK(daemon.stop(10000) == 0);
}

TEST_CASE("aihunt check: each configured set's element type; --fix creates the missing ones",
          "[reference_sets][integration][check]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(emu, "20.0");
  const RemoveAtEnd cleanup{run};
  // Someone made the sources set as ALN: an IP set is needed.
  REQUIRE(emu.call("POST",
                   "/api/reference_data/sets?name=" + aihunt::testing::urlEncode(kSources) +
                       "&element_type=ALN",
                   {"Version: 20.0"}, {}, kToken)
              .status == 201);
  const auto check = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"check", "-c", run.config};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult result = runProcess(binaryPath("aihunt"), args, {}, 60);
    INFO(result.out << result.err);
    CHECK(result.out.find(kToken) == std::string::npos);
    return result;
  };
  const ProcessResult before = check({});
  CHECK(before.exit_code == 3);
  CHECK(before.out.find("'AIHunt AI API Sources' holds ALN values, but source_ip needs IP") !=
        std::string::npos);
  CHECK(before.out.find("'AIHunt AI API Users' does not exist") != std::string::npos);
  const ProcessResult fixed = check({"--fix"});
  CHECK(fixed.exit_code == 3);  // --fix does not replace a set of the wrong type
  CHECK(fixed.out.find("'AIHunt AI API Users' created (ALNIC)") != std::string::npos);
  CHECK(legacySet(emu, kUsers).element_type == "ALNIC");
  CHECK(legacySet(emu, kUsers).time_to_live == json("7 days"));
  REQUIRE(emu.call("DELETE", "/api/reference_data/sets/" + aihunt::testing::urlEncode(kSources),
                   {"Version: 20.0"}, {}, kToken)
              .status < 300);
  CHECK(check({"--fix"}).out.find("'AIHunt AI API Sources' created (IP)") != std::string::npos);
  const ProcessResult after = check({});
  CHECK(after.exit_code == 0);
  CHECK(after.out.find("'AIHunt AI API Sources' exists (IP)") != std::string::npos);
  CHECK(after.out.find("'AIHunt AI API Users' exists (ALNIC)") != std::string::npos);
  // A missing output set alone does not make the console NOT READY: run creates it.
  REQUIRE(emu.call("DELETE", "/api/reference_data/sets/" + aihunt::testing::urlEncode(kUsers),
                   {"Version: 20.0"}, {}, kToken)
              .status < 300);
  const ProcessResult missing = check({});
  CHECK(missing.exit_code == 0);
  CHECK(missing.out.find("'AIHunt AI API Users' does not exist yet") != std::string::npos);
}

// A chaos trial: the sink's connection was made again while the console was away (or answered
// its versions with an error), fell back to the oldest API version aihunt speaks, and sent the
// batch in it once the console was back (the legacy API, or a 422 from a console without 20.0).
// With qradar.api_version auto, a connection whose versions could not be read is not used: the
// batch waits, and goes in the negotiated version at the next attempt.
TEST_CASE("a sink whose connection could not read the console's API versions sends nothing",
          "[reference_sets][integration]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(emu, "auto");
  const RemoveAtEnd cleanup{run};
  // One hunt: one connection for the hunts, then the sink's.
  std::ofstream(run.config, std::ios::app)
      << "hunts:\n  - name: proxy-ai-api\n    database: events\n    fields: {url: URL, "
         "application: Application, user_agent: User Agent, bytes_sent: Bytes Sent, host: "
         "Hostname}\n";
  // The request without the token and the hunt's negotiation get through; every later read of
  // the versions (the sink's) answers 503.
  REQUIRE(emu.admin("POST", "/admin/faults",
                    R"({"faults":[{"kind":"status_503","path":"/api/help/versions","after":2,)"
                    R"("times":-1}]})")
              .status == 200);
  const ProcessResult first =
      runProcess(binaryPath("aihunt"),
                 {"run", "-c", run.config, "--once", "--now", aihunt::testing::kSampleNow,
                  "--retries", "2", "--retry-delay", "10ms"},
                 {}, 120);
  INFO(first.err);
  CHECK(first.exit_code == 4);  // a delivery that failed: the batch waits in the outbox
  const json log = json::parse(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  int versions_asked = 0;
  for (const auto& r : log) {
    const std::string target = r["target"];
    versions_asked += target == "/api/help/versions" ? 1 : 0;
    // Nothing reached the reference data APIs, in any version.
    CHECK(target.rfind("/api/reference_data", 0) != 0);
  }
  CHECK(versions_asked > 2);  // the sink asked, and was answered 503
  CHECK(legacySet(emu, kSources).value_set.empty());

  // The console answers again: the waiting batch goes in the negotiated version (26.0).
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  const ProcessResult second = runProcess(
      binaryPath("aihunt"),
      {"run", "-c", run.config, "--once", "--now", aihunt::testing::kSampleNow}, {}, 120);
  INFO(second.err);
  CHECK(second.exit_code == 0);
  CHECK_FALSE(collectionSet(emu, kSources).value_set.empty());
  CHECK(countRequests(emu, "POST", "/api/reference_data/sets") == 0);  // the legacy API unused
}
