// `aihunt hunt` and `aihunt check` as a user runs them, against the real qradar-emu over TLS on
// loopback (port 0): the happy path over several pages, scripted faults, Ctrl-C, the TLS matrix,
// and the token kept out of every output at trace level.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/exit_codes.h"
#include "tests/emulator/emu_fixture.h"
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
constexpr const char* kNoSearchToken = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

std::string emuConfig() {
  return std::string(R"(roles:
  refonly: [REFERENCE_DATA]
tokens:
  - {token: )") +
         kToken + R"(, user: aihunt, role: hunter}
  - {token: )" +
         kNoSearchToken + R"(, user: norole, role: refonly}
  - {token: hunter-token-0001, user: other, role: hunter}
admin_token: admin-token-0003
ariel:
  workers: 2
)";
}

std::vector<std::string> sampleData() {
  return {"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
          sourcePath("content/samples/qradar_lookups.json")};
}

std::string writeFile(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Every run is at trace level, and no output of any run may hold the token.
ProcessResult runAihunt(const std::vector<std::string>& args, const std::string& token = kToken) {
  std::vector<std::string> all = args;
  all.insert(all.end(), {"--log-level", "trace"});
  ProcessResult result =
      runProcess(binaryPath("aihunt"), all, {}, 60, {"AIHUNT_QRADAR_TOKEN=" + token});
  INFO(result.err);
  CHECK(result.out.find(token) == std::string::npos);
  CHECK(result.err.find(token) == std::string::npos);
  return result;
}

std::vector<std::string> connect(const RunningEmu& emu) {
  return {"--qradar-url",  emu.base(), "--ca-file",    emu.caFile(),
          "--retry-delay", "20ms",     "--poll-delay", "20ms"};
}

std::vector<std::string> checkArgs(const RunningEmu& emu) {
  return {"--qradar-url", emu.base(), "--ca-file", emu.caFile(), "--retry-delay", "20ms"};
}

std::vector<std::string> huntArgs(const RunningEmu& emu, std::vector<std::string> extra = {}) {
  return concat(
      concat({"hunt", "--now", aihunt::testing::kSampleNow, "--format", "jsonl"}, connect(emu)),
      extra);
}

std::vector<json> jsonLines(const std::string& text) {
  std::vector<json> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) rows.push_back(json::parse(line));
  }
  return rows;
}

std::multiset<std::string> keys(const std::string& jsonl) {
  std::multiset<std::string> out;
  for (const auto& f : jsonLines(jsonl)) {
    out.insert(f["hunt"].get<std::string>() + "|" + f["log_source"].get<std::string>() + "|" +
               f["event_time"].get<std::string>() + "|" + f["finding_id"].get<std::string>());
  }
  return out;
}

// The emulator's request log, as "METHOD target" lines.
std::vector<std::string> requestLines(RunningEmu& emu) {
  const auto reply = emu.admin("GET", "/admin/requests");
  std::vector<std::string> lines;
  const json parsed = aihunt::testing::parseJson(reply.body);
  for (const auto& r : parsed["requests"]) {
    lines.push_back(r["method"].get<std::string>() + " " + r["target"].get<std::string>());
  }
  return lines;
}

int countPrefix(const std::vector<std::string>& lines, const std::string& prefix) {
  int n = 0;
  for (const auto& line : lines) n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

std::string publicKeyPin(const RunningEmu& emu) {
  const std::string command =
      "openssl s_client -connect 127.0.0.1:" + std::to_string(emu.ports()["https"].get<int>()) +
      " </dev/null 2>/dev/null | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der "
      "| openssl dgst -sha256 -binary | base64";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return "sha256//" + out;
}

}  // namespace

TEST_CASE("online hunts find what offline hunts find, over several pages", "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto online = runAihunt(huntArgs(emu, {"--page-size", "3", "--show-suppressed"}));
  REQUIRE(online.exit_code == 0);
  const auto offline =
      runProcess(binaryPath("aihunt"),
                 {"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json"), "--now",
                  aihunt::testing::kSampleNow, "--format", "jsonl", "--show-suppressed"});
  REQUIRE(offline.exit_code == 0);
  CHECK(keys(online.out) == keys(offline.out));
  CHECK(keys(online.out).size() >= 17);

  const auto lines = requestLines(emu);
  const int creates = countPrefix(lines, "POST /api/ariel/searches");
  CHECK(creates >= 5);  // one per built-in hunt
  CHECK(countPrefix(lines, "DELETE /api/ariel/searches/") == creates);
  CHECK(countPrefix(lines, "GET /api/ariel/searches/") > creates * 2);  // status + pages
  CHECK(online.err.find("requests") != std::string::npos);
}

TEST_CASE("--seed-query runs the seed's AQL with an added time clause", "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto seed = runAihunt(huntArgs(emu, {"--seed-query", "--page-size", "4"}));
  REQUIRE(seed.exit_code == 0);
  CHECK(seed.err.find("has no time clause; added: LAST 24 HOURS") != std::string::npos);
  // --now moves the built-in hunts' window, not this clause: said (an online trial).
  CHECK(seed.err.find("--now does not move the seed query's time clause") != std::string::npos);
  const auto offline = runProcess(
      binaryPath("aihunt"),
      {"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--lookups",
       sourcePath("content/samples/qradar_lookups.json"), "--now", aihunt::testing::kSampleNow,
       "--format", "jsonl", "--seed-query", "--last", "24h"});
  REQUIRE(offline.exit_code == 0);
  CHECK(keys(seed.out) == keys(offline.out));
  std::set<std::string> hosts;
  for (const auto& f : jsonLines(seed.out)) hosts.insert(f["source_ip"].get<std::string>());
  // The seed reads proxy-shaped events ("URL", "Application"): in the sample, the proxy
  // records of the scenarios and the SOAR false positive.
  CHECK(hosts.size() >= 3);
  // The search body carried the seed verbatim plus the clause.
  const auto log = aihunt::testing::parseJson(emu.admin("GET", "/admin/requests").body);
  bool seen = false;
  for (const auto& r : log["requests"]) {
    if (r["method"] == "POST" && r["target"] == "/api/ariel/searches") {
      seen = r["body"].get<std::string>().find("LAST%2024%20HOURS") != std::string::npos;
    }
  }
  CHECK(seen);
}

TEST_CASE("the console named by --qradar-url, the rest tuned by --config", "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string config =
      writeFile(emu.dir(), "no-url.yaml", "qradar:\n  max_concurrent_searches: 1\n");
  const auto run = runAihunt(huntArgs(emu, {"--config", config, "--hunt", "proxy-ai-api"}));
  CHECK(run.exit_code == 0);
  CHECK_FALSE(jsonLines(run.out).empty());
  // Without a URL from anywhere: a usage error, and no output that looks like an empty result.
  const auto none = runAihunt({"hunt", "--config", config, "--hunt", "proxy-ai-api", "--now",
                               aihunt::testing::kSampleNow, "--format", "jsonl"});
  CHECK(none.exit_code == aihunt::core::kExitUsage);
  CHECK(none.out.empty());
}

TEST_CASE("scripted faults", "[online][faults]") {
  SECTION("503 twice, then success") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    emu.admin(
        "POST", "/admin/faults",
        R"({"faults":[{"kind":"status_503","method":"POST","path":"/api/ariel/searches","times":2}]})");
    const auto result = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api"}));
    CHECK(result.exit_code == 0);
    // Two refused, then the per-event query and the aggregated upload query.
    CHECK(countPrefix(requestLines(emu), "POST /api/ariel/searches") == 4);
    CHECK(result.err.find("retrying") != std::string::npos);
  }
  SECTION("a search that vanishes mid-poll is created again") {
    RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "100"}), emuConfig());
    REQUIRE(emu.ok());
    emu.admin("POST", "/admin/faults", R"({"faults":[{"kind":"search_vanish","polls":1}]})");
    const auto result = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--prefer-wait", "0"}));
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("vanished") != std::string::npos);
    // Created, created again, then the aggregated upload query.
    CHECK(countPrefix(requestLines(emu), "POST /api/ariel/searches") == 3);
  }
  SECTION("stuck in EXECUTE past the deadline: exit 4, search deleted") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    emu.admin("POST", "/admin/faults", R"({"faults":[{"kind":"search_stuck"}]})");
    const auto started = std::chrono::steady_clock::now();
    const auto result = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--timeout", "2s"}));
    CHECK(result.exit_code == 4);
    CHECK(result.err.find("deadline") != std::string::npos);
    CHECK(result.err.find("(raise --timeout)") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
    const auto lines = requestLines(emu);
    CHECK(countPrefix(lines, "DELETE /api/ariel/searches/") == 1);
    CHECK(countPrefix(lines, "POST /api/ariel/searches/") == 1);  // ?status=CANCELED
  }
  SECTION("the deadline passing while results are read is said as the deadline, not the network") {
    // An online trial: it read "reading results: timed out: Operation timed out after 28 ms".
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    REQUIRE(emu.admin("POST", "/admin/faults",
                      "faults:\n  - {kind: latency, method: GET, path: "
                      "\"/api/ariel/searches/*/results\", latency_ms: 700, times: -1}\n")
                .status == 200);
    const auto result =
        runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--page-size", "1", "--timeout", "2s"}));
    INFO(result.err);
    CHECK(result.exit_code == 4);
    CHECK(result.err.find("passed while the results were read") != std::string::npos);
    CHECK(result.err.find("(raise --timeout)") != std::string::npos);
  }
  SECTION("422 on bad AQL is reported with QRadar's message, not retried") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    const std::string bad =
        writeFile(emu.dir(), "bad.aql",
                  "SELECT NOSUCHFUNCTION(sourceip), \"URL\" AS DestinationURL FROM events "
                  "LAST 1 HOURS");
    const auto result = runAihunt(huntArgs(emu, {"--aql", bad}));
    CHECK(result.exit_code == 4);
    CHECK(result.err.find("HTTP 422") != std::string::npos);
    CHECK(countPrefix(requestLines(emu), "POST /api/ariel/searches") == 1);
  }
  SECTION("422 past FROM on its line: the note gives what turns its column into the file's") {
    // The console counts positions in the text it was sent, which holds the marker column
    // before FROM; the note says where it was added and how long it is.
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    const std::string text =
        "SELECT sourceip, \"URL\" AS DestinationURL FROM events WHERE NOSUCH(sourceip) = 1 "
        "LAST 1 HOURS";
    const std::string bad = writeFile(emu.dir(), "bad.aql", text);
    const auto result = runAihunt(huntArgs(emu, {"--aql", bad}));
    CHECK(result.exit_code == 4);
    CHECK(result.err.find("HTTP 422") != std::string::npos);
    std::smatch console;
    std::smatch note;
    REQUIRE(std::regex_search(result.err, console, std::regex(R"(at line 1, column (\d+)\.)")));
    REQUIRE(std::regex_search(
        result.err, note,
        std::regex(R"(adds a (\d+)-character marker column at line 1, column (\d+) )")));
    CHECK(std::stoul(note[2].str()) == text.find("FROM") + 1);
    CHECK(std::stoul(console[1].str()) - std::stoul(note[1].str()) == text.find("NOSUCH") + 1);
  }
  SECTION("401: a wrong token, exit 3, not retried") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    const auto result = runAihunt(huntArgs(emu), "ffffffff-ffff-4fff-8fff-ffffffffffff");
    CHECK(result.exit_code == 3);
    CHECK(result.err.find("HTTP 401") != std::string::npos);
    // The first request, without the token, has its 401; the version question, with it, is
    // refused, not retried, and no hunt starts.
    CHECK(requestLines(emu).size() == 2);
    CHECK(countPrefix(requestLines(emu), "POST /api/ariel/searches") == 0);
  }
  SECTION("403: a token without Log Activity, exit 3") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    const auto result = runAihunt(huntArgs(emu), kNoSearchToken);
    CHECK(result.exit_code == 3);
    CHECK(result.err.find("HTTP 403") != std::string::npos);
    CHECK(result.err.find("insufficient capabilities") != std::string::npos);
  }
  SECTION("malformed and truncated bodies are read again") {
    RunningEmu emu(sampleData(), emuConfig());
    REQUIRE(emu.ok());
    const auto clean = runAihunt(
        huntArgs(emu, {"--hunt", "proxy-ai-api", "--page-size", "2", "--show-suppressed"}));
    REQUIRE(clean.exit_code == 0);
    emu.admin(
        "POST", "/admin/faults",
        R"({"faults":[{"kind":"malformed_json","method":"GET","path":"/api/ariel/searches/*/results","times":1},
                            {"kind":"truncate","method":"GET","path":"/api/ariel/searches/*/results","after":1,"times":1},
                            {"kind":"malformed_json","method":"GET","path":"/api/ariel/searches/*","times":1}]})");
    const auto faulty = runAihunt(
        huntArgs(emu, {"--hunt", "proxy-ai-api", "--page-size", "2", "--show-suppressed"}));
    CHECK(faulty.exit_code == 0);
    CHECK(keys(faulty.out) == keys(clean.out));
  }
}

TEST_CASE("the row cap is reported on stderr and in the exit code", "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto result = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--row-cap", "2"}));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("row cap") != std::string::npos);
  // --quiet keeps errors: a run that exits 4 for the cap still says so.
  const auto quiet =
      runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--row-cap", "2", "--quiet"}));
  CHECK(quiet.exit_code == 4);
  CHECK(quiet.err.find("row cap") != std::string::npos);
}

TEST_CASE("an own query whose columns keep logical names and starttime is read, online as offline",
          "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string query =
      writeFile(emu.dir(), "logical.aql",
                "SELECT \"URL\" AS url, \"User Agent\" AS user_agent, sourceip AS source_ip, "
                "starttime FROM events WHERE \"URL\" IS NOT NULL LAST 24 HOURS");
  const auto online = runAihunt(huntArgs(emu, {"--aql", query}));
  INFO(online.err);
  CHECK(online.exit_code == 0);
  const auto online_findings = jsonLines(online.out);
  REQUIRE_FALSE(online_findings.empty());
  for (const auto& finding : online_findings) {
    CHECK_FALSE(finding["event_time"].is_null());
    CHECK_FALSE(finding["url"].is_null());
  }
  const auto offline =
      runAihunt({"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--aql", query,
                 "--now", aihunt::testing::kSampleNow, "--format", "jsonl"});
  CHECK(offline.exit_code == 0);
  CHECK(jsonLines(offline.out).size() == online_findings.size());
}

TEST_CASE("Ctrl-C mid-search cancels and deletes the search", "[online][cancel]") {
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "20000"}), emuConfig());
  REQUIRE(emu.ok());
  const std::string token_file = writeFile(emu.dir(), "token", kToken);
  chmod(token_file.c_str(), 0600);
  auto args =
      huntArgs(emu, {"--hunt", "proxy-ai-api", "--token-file", token_file, "--log-level", "trace"});
  aihunt::testing::BackgroundProcess hunt(binaryPath("aihunt"), args);
  bool created = false;
  for (int i = 0; i < 100 && !created; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    created = countPrefix(requestLines(emu), "POST /api/ariel/searches") > 0;
  }
  INFO(hunt.err());
  REQUIRE(created);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a status read is in flight
  // Twice at once, as `timeout -s INT` delivers it (to the process, then to its group): one
  // stop, with its cleanup, not the second Ctrl-C that skips it.
  ::kill(hunt.pid(), SIGINT);
  ::kill(hunt.pid(), SIGINT);
  for (int i = 0; i < 100 && hunt.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_FALSE(hunt.running());
  const int code = hunt.stop(1000);
  CHECK(code == 130);  // 128 + SIGINT, the shell's convention
  CHECK(hunt.err().find("interrupted; every running search was cancelled and deleted") !=
        std::string::npos);
  CHECK(hunt.out().empty());  // no findings document for a run that did not finish
  CHECK(hunt.err().find(kToken) == std::string::npos);
  CHECK(hunt.out().find(kToken) == std::string::npos);
  const auto lines = requestLines(emu);
  CHECK(countPrefix(lines, "DELETE /api/ariel/searches/") == 1);
}

TEST_CASE("TLS matrix", "[online][tls]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string port = std::to_string(emu.ports()["https"].get<int>());
  auto check = [&](std::vector<std::string> extra) {
    return runAihunt(concat({"check", "--qradar-url", emu.base(), "--retries", "1"}, extra));
  };
  SECTION("self-signed without a CA: refused, with advice") {
    const auto result = check({});
    CHECK(result.exit_code == 3);
    CHECK(result.out.find("FAIL  TLS handshake") != std::string::npos);
    CHECK(result.out.find("--ca-file") != std::string::npos);
  }
  SECTION("CA given: accepted") {
    const auto result = check({"--ca-file", emu.caFile()});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("verdict: READY") != std::string::npos);
  }
  SECTION("a URL whose path holds no API: the connection fails, the token is not judged") {
    const auto result = runAihunt({"check", "--qradar-url", emu.base() + "/console", "--ca-file",
                                   emu.caFile(), "--retries", "1", "--format", "json"});
    CHECK(result.exit_code == 3);
    const json document = json::parse(result.out);
    std::map<std::string, std::string> status;
    for (const auto& item : document["checks"]) status[item["name"]] = item["status"];
    CHECK(status["connection"] == "fail");
    CHECK(status["token"] == "skip");
    CHECK(status["API version"] == "skip");  // not tried: never read as ok
  }
  SECTION("wrong host name: refused") {
    const auto result =
        runAihunt({"check", "--qradar-url", "https://console.wrong.test:" + port, "--connect-to",
                   "console.wrong.test:" + port + ":127.0.0.1:" + port, "--ca-file", emu.caFile(),
                   "--retries", "1"});
    CHECK(result.exit_code == 3);
    CHECK(result.out.find("FAIL  TLS handshake") != std::string::npos);
  }
  SECTION("matching pin: accepted; wrong pin: refused") {
    const std::string pin = publicKeyPin(emu);
    REQUIRE(pin.size() == 8 + 44);
    CHECK(check({"--pin-sha256", pin}).exit_code == 0);
    const auto wrong =
        check({"--pin-sha256", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});
    CHECK(wrong.exit_code == 3);
    CHECK(wrong.out.find("pin") != std::string::npos);
  }
  SECTION("plain http to a non-loopback host is refused before connecting") {
    const auto result = runAihunt({"check", "--qradar-url", "http://qradar.example.com"});
    CHECK(result.exit_code == 2);
  }
}

TEST_CASE("aihunt check: every check, --fix creates the reference sets", "[online][check]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string config = writeFile(
      emu.dir(), "aihunt.yaml",
      "qradar:\n  url: " + emu.base() + "\noutputs:\n  reference_sets:\n    enabled: true\n");
  // The sets do not exist yet: said, but READY (the daemon creates them at its first delivery).
  const auto before = runAihunt(concat({"check", "--config", config}, checkArgs(emu)));
  CHECK(before.exit_code == 0);
  CHECK(before.out.find("info  reference set") != std::string::npos);
  CHECK(before.out.find("ok    token") != std::string::npos);
  CHECK(before.out.find("ok    mapped properties") != std::string::npos);
  // A mapping the console does not have fails the check by name: a console refuses a search
  // that names it.
  const std::string typo = writeFile(emu.dir(), "typo.yaml",
                                     "qradar:\n  url: " + emu.base() +
                                         "\nhunts:\n  - name: proxy-typo\n    database: events\n"
                                         "    fields:\n      url: URLL\n");
  const auto named = runAihunt(concat({"check", "--config", typo}, checkArgs(emu)));
  CHECK(named.exit_code != 0);
  CHECK(named.out.find("FAIL  mapped properties       missing from the events catalog: \"URLL\" "
                       "(hunt proxy-typo)") != std::string::npos);
  CHECK(before.out.find("--fix") != std::string::npos);
  const auto fixed = runAihunt(concat({"check", "--config", config, "--fix"}, checkArgs(emu)));
  CHECK(fixed.exit_code == 0);
  CHECK(fixed.out.find("created") != std::string::npos);
  const auto after = runAihunt(concat({"check", "--config", config}, checkArgs(emu)));
  CHECK(after.exit_code == 0);
  CHECK(after.out.find("verdict: READY") != std::string::npos);
  // 401 in check: exit 3 and the token line says so.
  const auto bad =
      runAihunt(concat({"check"}, checkArgs(emu)), "ffffffff-ffff-4fff-8fff-ffffffffffff");
  CHECK(bad.exit_code == 3);
  CHECK(bad.out.find("FAIL  token") != std::string::npos);
  CHECK(bad.out.find("skip  API version             not tried") != std::string::npos);
  // A token without Log Activity: its failed Ariel search has one line, the checks after it are
  // not tried (a review: the search read "skip" as well as "FAIL").
  const auto no_search =
      runAihunt(concat({"check", "--format", "json"}, checkArgs(emu)), kNoSearchToken);
  INFO(no_search.out << no_search.err);
  CHECK(no_search.exit_code == 3);
  std::map<std::string, std::vector<std::string>> lines;
  const json document = json::parse(no_search.out);
  for (const auto& item : document["checks"]) {
    lines[item["name"].get<std::string>()].push_back(item["status"].get<std::string>());
  }
  CHECK(lines["API version"] == std::vector<std::string>{"ok"});
  CHECK(lines["Ariel search"] == std::vector<std::string>{"fail"});
  CHECK(lines["mapped properties"] == std::vector<std::string>{"skip"});
}
