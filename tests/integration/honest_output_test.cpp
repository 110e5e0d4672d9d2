// Output that never lies (issue 13), with the real aihunt, offline and against the real qradar-emu
// over TLS: a failed run prints no findings (JSON: an envelope that says it is incomplete), one
// failing hunt does not stop the others, an offline window that misses the data says so, an
// --aql query without a time clause gets the same window online and offline, and the evidence of
// a PowerShell script block arrives byte for byte in JSON, only its key redacted.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "tests/integration/online_support.h"
#include "tests/support/background_process.h"
#include "tests/support/output_cap.h"
#include "tests/support/temp_dir.h"

using aihunt::testing::kSampleNow;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using aihunt::testing::online::concat;
using aihunt::testing::online::emuConfig;
using aihunt::testing::online::huntArgs;
using aihunt::testing::online::kToken;
using aihunt::testing::online::sampleData;
using nlohmann::json;

namespace {

const std::string kEvents = sourcePath("content/samples/events.jsonl");
const std::string kLookups = sourcePath("content/samples/qradar_lookups.json");

ProcessResult runCli(const std::vector<std::string>& args) {
  return aihunt::testing::online::runAihunt(args);
}

// huntArgs() asks for JSON Lines; these runs want another format.
std::vector<std::string> withFormat(std::vector<std::string> args, const std::string& format) {
  const auto at = std::find(args.begin(), args.end(), "--format");
  if (at != args.end() && at + 1 != args.end()) *(at + 1) = format;
  return args;
}

std::vector<std::string> offlineArgs(const std::vector<std::string>& extra) {
  return concat({"hunt", "--offline", kEvents, "--lookups", kLookups, "--now", kSampleNow}, extra);
}

std::string writeFile(const std::string& name, const std::string& text) {
  const std::string dir = aihunt::testing::makeTempDir("honest");
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::vector<json> lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<json> sampleEvents() {
  std::ifstream in(kEvents);
  std::stringstream text;
  text << in.rdbuf();
  return lines(text.str());
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

std::multiset<std::string> ids(const std::vector<json>& findings) {
  std::multiset<std::string> out;
  for (const auto& f : findings) out.insert(f["finding_id"].get<std::string>());
  return out;
}

std::vector<std::string> statuses(const json& document) {
  std::vector<std::string> out;
  for (const auto& hunt : document["hunts"]) out.push_back(hunt["status"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("json: the envelope, a version in every record, evidence exactly as it ran",
          "[honest][offline]") {
  const auto run = runCli(offlineArgs({"--format", "json"}));
  REQUIRE(run.exit_code == 0);
  const json document = json::parse(run.out);
  CHECK(document["schema_version"] == 1);
  CHECK(document["complete"] == true);
  CHECK(document["view"] == "findings");
  REQUIRE(document["hunts"].size() == 5);
  std::uint64_t counted = 0;
  for (const auto& hunt : document["hunts"]) {
    CHECK(hunt["status"] == "ok");
    CHECK_FALSE(hunt.contains("error"));
    counted += hunt["findings"].get<std::uint64_t>();
  }
  REQUIRE(!document["findings"].empty());
  CHECK(counted == document["findings"].size());  // no --show-suppressed: unsuppressed only
  for (const auto& finding : document["findings"]) CHECK(finding["schema_version"] == 1);

  // The sample's PowerShell 4104 script block: newlines, quotes, a variable reference and a key.
  std::string script;
  for (const auto& event : sampleEvents()) {
    if (event.contains("Script Block Text") && event["username"] == "CORP\\ckent") {
      script = event["Script Block Text"].get<std::string>();
    }
  }
  REQUIRE(script.find('\n') != std::string::npos);
  const std::string key = "sk-proj-4fJ9kL2mN8pQ1rS5tU7vW0xY3zA6bC9dE2fG";
  REQUIRE(script.find(key) != std::string::npos);
  std::string expected = script;
  expected.replace(expected.find(key), key.size(), "[REDACTED]");
  // Exactly one finding (the script block's) carries it, byte for byte.
  int matched = 0;
  for (const auto& finding : document["findings"]) {
    if (finding["evidence"].is_string() && finding["evidence"].get<std::string>() == expected) {
      CHECK(finding["username"] == "CORP\\ckent");
      ++matched;
    }
  }
  CHECK(matched == 1);
  // `Bearer $env:OPENAI_API_KEY` names the variable: it stays.
  CHECK(expected.find("Bearer $env:OPENAI_API_KEY") != std::string::npos);
}

TEST_CASE("csv: an evidence column, one line a record, formulas neutralised", "[honest][offline]") {
  const auto run = runCli(offlineArgs({"--format", "csv", "--hunt", "endpoint-process"}));
  REQUIRE(run.exit_code == 0);
  std::istringstream in(run.out);
  std::string header;
  std::getline(in, header);
  CHECK(header.rfind(",evidence\r") == header.size() - 10);
  const auto records = static_cast<std::size_t>(std::count(run.out.begin(), run.out.end(), '\n'));
  const auto jsonl = runCli(offlineArgs({"--format", "jsonl", "--hunt", "endpoint-process"}));
  CHECK(records == lines(jsonl.out).size() + 1);  // no newline inside a cell
  CHECK(run.out.find("$env:OPENAI_API_KEY = '[REDACTED]' $body") != std::string::npos);
}

TEST_CASE("offline: a failing hunt does not stop the others; nothing printed but the envelope",
          "[honest][offline]") {
  const std::string config = writeFile(
      "two-hunts.yaml",
      "hunts:\n"
      "  - name: broken\n"
      "    aql: SELECT * FROM events\n"
      "  - name: hosts\n"
      "    aql: \"SELECT starttime AS event_time, sourceip AS source_ip, username, "
      "\\\"Destination Host Name\\\" AS dest_host, Application AS application FROM events\"\n");
  SECTION("jsonl: no findings on stdout, the table on stderr, exit 2") {
    const auto run = runCli(offlineArgs({"--config", config, "--format", "jsonl"}));
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("SELECT * has no column names") != std::string::npos);
    CHECK(run.err.find("the run is incomplete") != std::string::npos);
    // The summary table: one line per hunt, statuses aligned.
    const auto broken = run.err.find("\nbroken  failed");
    const auto hosts = run.err.find("\nhosts   ok");
    CHECK(broken != std::string::npos);
    CHECK(hosts != std::string::npos);
    // The run's summary counts the findings it found, and says they were not printed.
    CHECK(run.err.find("findings (not printed: the run is incomplete)") != std::string::npos);
  }
  SECTION("table: not 'No findings.'") {
    const auto run = runCli(offlineArgs({"--config", config}));
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
  }
  SECTION("a run that failed before any finding: its summary's zero is said to be incomplete") {
    const std::string only_broken =
        writeFile("broken-only.yaml", "hunts:\n  - name: broken\n    aql: SELECT * FROM events\n");
    const auto run = runCli(offlineArgs({"--config", only_broken, "--format", "jsonl"}));
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("0 findings (the run is incomplete)") != std::string::npos);
  }
  SECTION("json: complete false, each hunt's status, the findings of the hunt that ran") {
    const auto run = runCli(offlineArgs({"--config", config, "--format", "json"}));
    CHECK(run.exit_code == 2);
    const json document = json::parse(run.out);
    CHECK(document["complete"] == false);
    CHECK(statuses(document) == std::vector<std::string>{"failed", "ok"});
    CHECK(document["hunts"][0]["error"].get<std::string>().find("SELECT *") != std::string::npos);
    CHECK(document["hunts"][1]["rows"].get<int>() > 0);
    CHECK(document["hunts"][1]["findings"] == document["findings"].size());
    CHECK(run.err.find("not printed") == std::string::npos);  // they are, in the document
  }
}

TEST_CASE("offline: a window that misses the data says so, with the data's time range",
          "[honest][offline]") {
  std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
  std::int64_t latest = std::numeric_limits<std::int64_t>::min();
  for (const auto& event : sampleEvents()) {
    if (!event["starttime"].is_number_integer()) continue;
    earliest = std::min(earliest, event["starttime"].get<std::int64_t>());
    latest = std::max(latest, event["starttime"].get<std::int64_t>());
  }
  const auto run = runCli({"hunt", "--offline", kEvents, "--lookups", kLookups, "--now",
                           "2027-06-01T00:00:00Z", "--last", "1h"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "No findings.\n");
  CHECK(run.err.find("none of the events read falls inside the window 2027-05-31T23:00") !=
        std::string::npos);
  CHECK(run.err.find("starttime runs from " + aihunt::core::formatIso8601(earliest) + " to " +
                     aihunt::core::formatIso8601(latest)) != std::string::npos);
  // Under --quiet too: a script that reads "No findings." must see why.
  const auto quiet = runCli({"hunt", "--offline", kEvents, "--lookups", kLookups, "--now",
                             "2027-06-01T00:00:00Z", "--last", "1h", "--quiet", "--format", "csv"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.find("warning: none of the events read falls inside the window") !=
        std::string::npos);
  // A window that holds data but no findings says nothing of the kind.
  const auto covered = runCli(offlineArgs({"--hunt", "linux-audit", "--last", "24h"}));
  CHECK(covered.err.find("none of the events read") == std::string::npos);
}

TEST_CASE("--aql without a time clause: LAST 24 HOURS online and offline, the same findings",
          "[honest][online][offline]") {
  const std::string seed = sourcePath("content/seed_query.aql");
  const auto offline = runCli(offlineArgs({"--aql", seed, "--format", "jsonl"}));
  REQUIRE(offline.exit_code == 0);
  CHECK(offline.err.find("has no time clause; added: LAST 24 HOURS") != std::string::npos);

  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto online = runCli(huntArgs(emu, {"--aql", seed}));
  REQUIRE(online.exit_code == 0);
  CHECK(online.err.find("has no time clause; added: LAST 24 HOURS") != std::string::npos);
  const auto offline_ids = ids(lines(offline.out));
  CHECK(!offline_ids.empty());
  CHECK(ids(lines(online.out)) == offline_ids);

  // A window given is the one added, in both.
  const auto narrow_offline = runCli(offlineArgs({"--aql", seed, "--last", "1h"}));
  const auto narrow_online = runCli(huntArgs(emu, {"--aql", seed, "--last", "1h"}));
  const std::string added = "added: START '2026-11-26 17:00";
  CHECK(narrow_offline.err.find(added) != std::string::npos);
  CHECK(narrow_online.err.find(added) != std::string::npos);
}

TEST_CASE("online: a run that cannot authenticate prints no findings", "[honest][online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string token_file = writeFile("wrong-token", "0a0a0a0a-0000-4000-8000-000000000000");
  ::chmod(token_file.c_str(), 0600);
  const auto args = [&](const std::string& format) {
    return withFormat(huntArgs(emu, {"--token-file", token_file}), format);
  };
  for (const char* format : {"jsonl", "table", "csv"}) {
    INFO(format);
    const auto run = runCli(args(format));
    INFO(run.err);
    CHECK(run.exit_code == 3);
    CHECK(run.out.empty());
  }
  const auto run = runCli(args("json"));
  CHECK(run.exit_code == 3);
  const json document = json::parse(run.out);
  CHECK(document["complete"] == false);
  CHECK(document["findings"].empty());
  REQUIRE(document["hunts"].size() == 5);
  for (const auto& hunt : document["hunts"]) CHECK(hunt["status"] == "failed");
  // The first request (the API version's) is refused: no hunt runs, and stderr says why once.
  // The document alone says why: each hunt's error carries the cause.
  for (const auto& hunt : document["hunts"]) {
    const std::string error = hunt["error"];
    CHECK(error.rfind("not run: the console refuses the credentials: ", 0) == 0);
    CHECK(error.find("HTTP 401") != std::string::npos);
  }
  CHECK(count(run.err, "HTTP 401") == 1);
  CHECK(count(run.err, "the console refuses the credentials") == 1);
  // Which token it refused: the one given with --token-file, not the environment's.
  CHECK(run.err.find("(the token from " + token_file) != std::string::npos);
}

TEST_CASE("online: a console that cannot be reached is said once, and no hunt runs",
          "[honest][online]") {
  // A name that cannot resolve (.invalid never does), and a loopback port nothing listens on.
  // What names the place appears only in the cause, so counting it counts the cause.
  const std::vector<std::pair<std::string, std::string>> consoles = {
      {"https://nonexistent.invalid", "nonexistent.invalid"}, {"https://127.0.0.1:1", "127.0.0.1"}};
  for (const auto& [url, place] : consoles) {
    INFO(url);
    const std::vector<std::string> args = {"hunt", "--now",         kSampleNow, "--qradar-url",
                                           url,    "--retry-delay", "20ms",     "--format"};
    // The default log level: what a person sees.
    const auto run = runProcess(aihunt::testing::binaryPath("aihunt"), concat(args, {"table"}), {},
                                60, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
    INFO(run.err);
    CHECK(run.exit_code == 3);
    CHECK(run.out.empty());
    CHECK(count(run.err, place) == 1);
    CHECK(count(run.err, "the console cannot be reached: ") == 1);
    CHECK(count(run.err, "not run:") == 0);  // the hunts' table does not repeat it

    const auto json_run = runProcess(aihunt::testing::binaryPath("aihunt"), concat(args, {"json"}),
                                     {}, 60, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
    CHECK(json_run.exit_code == 3);
    const json document = json::parse(json_run.out);
    CHECK(document["complete"] == false);
    REQUIRE(document["hunts"].size() == 5);
    for (const auto& hunt : document["hunts"]) {
      CHECK(hunt["status"] == "failed");
      const std::string error = hunt["error"];
      CHECK(error.rfind("not run: the console cannot be reached: ", 0) == 0);
      CHECK(error.find(place) != std::string::npos);
    }
  }
}

TEST_CASE("online: a console lost part-way: the cause once, the hunts after it listed not run",
          "[honest][online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  // Every search creation has its connection reset: the first hunts meet it, the rest never
  // start.
  const auto fault =
      emu.admin("POST", "/admin/faults",
                "faults:\n  - {kind: reset, method: POST, path: /api/ariel/searches, times: -1}\n");
  REQUIRE(fault.status == 200);
  const auto table =
      runProcess(aihunt::testing::binaryPath("aihunt"), withFormat(huntArgs(emu), "table"), {}, 120,
                 {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  INFO(table.err);
  CHECK(table.exit_code == 3);
  CHECK(table.out.empty());
  CHECK(count(table.err, "not run:") == 0);  // the hunts' table shows `not run`, no cause again
  // Each hunt has its row: failed (it ran) or not run, never ok. Two searches at once: the
  // first two hunts start together, so at least two rows read failed.
  const std::regex row(R"((^|\n) *[a-z-]+ +(failed|not run) +0 +0 +0)");
  CHECK(std::distance(std::sregex_iterator(table.err.begin(), table.err.end(), row),
                      std::sregex_iterator()) == 5);
  const std::regex failed_row(R"((^|\n) *[a-z-]+ +failed +0 +0 +0)");
  CHECK(std::distance(std::sregex_iterator(table.err.begin(), table.err.end(), failed_row),
                      std::sregex_iterator()) >= 2);

  const auto json_run =
      runProcess(aihunt::testing::binaryPath("aihunt"), withFormat(huntArgs(emu), "json"), {}, 120,
                 {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  const json document = json::parse(json_run.out);
  const json hunts = document["hunts"];
  REQUIRE(hunts.size() >= 4);
  // The first hunt says why; hunts that ran beside it (they start while its outcome is being
  // taken in) and failed the same way are failed, not "not run"; the rest never started.
  const std::string first = hunts[0]["name"];
  CHECK(hunts[0]["error"].get<std::string>().rfind("not run", 0) != 0);
  std::size_t not_run = 0, beside = 0;
  for (std::size_t i = 1; i < hunts.size(); ++i) {
    const std::string error = hunts[i]["error"];
    INFO(error);
    if (error == "not run: hunt '" + first + "' could not reach the console") {
      ++not_run;
    } else {
      CHECK(error == "the console could not be reached either (see hunt '" + first + "')");
      CHECK(hunts[i]["status"] == "failed");
      ++beside;
    }
  }
  CHECK(not_run + beside == hunts.size() - 1);
  CHECK(beside >= 1);  // the second hunt starts with the first
  // Each hunt called failed did try to create its search (each try is reset).
  std::size_t creates = 0;
  for (const auto& request : aihunt::testing::online::requestLog(emu)) {
    if (request["method"] == "POST" &&
        request["target"].get<std::string>().rfind("/api/ariel/searches", 0) == 0) {
      ++creates;
    }
  }
  CHECK(creates >= 2 * (1 + beside));  // both runs (table and JSON) tried at least this often
}

TEST_CASE("online: a readable token file's warning is said once, however many connections",
          "[honest][online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string dir = aihunt::testing::makeTempDir("aihunt-readable-token");
  const std::string token_file = dir + "/token";
  std::ofstream(token_file) << kToken << "\n";
  REQUIRE(::chmod(token_file.c_str(), 0644) == 0);
  // Two searches at once (qradar.max_concurrent_searches' default): the run opens a second
  // connection, which reads the file again.
  const auto run = runProcess(
      aihunt::testing::binaryPath("aihunt"),
      huntArgs(emu, {"--token-file", token_file, "--allow-readable-token-file"}), {}, 120);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(count(run.err, "is accessible by group or others (mode 0644)") == 1);
}

TEST_CASE("online: the API version's warning once a run, however many connections it opens",
          "[honest][online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  // The version list fails (a console answers, so the hunts go on with the oldest version).
  const auto fault =
      emu.admin("POST", "/admin/faults",
                "faults:\n  - {kind: status_500, path: /api/help/versions, times: -1}\n");
  REQUIRE(fault.status == 200);
  const auto run = runProcess(aihunt::testing::binaryPath("aihunt"), huntArgs(emu), {}, 60,
                              {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_FALSE(run.out.empty());
  CHECK(count(run.err, "API version: ") == 1);
  // Further connections speak the first one's version: the list is read once (after the one
  // request without the token that the first connection starts with).
  const json log = aihunt::testing::online::requestLog(emu);
  std::size_t without_token = 0;
  for (const auto& request : log) {
    without_token += aihunt::testing::isTokenlessProbe(request) ? 1 : 0;
  }
  CHECK(without_token == 1);
  CHECK(aihunt::testing::online::countTarget(log, "GET", "/api/help/versions") == 2);
}

TEST_CASE("online: one search QRadar fails does not stop the other hunts", "[honest][online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto fault = emu.admin("POST", "/admin/faults", "faults:\n  - {kind: search_error}\n");
  REQUIRE(fault.status == 200);
  const auto run = runCli(withFormat(huntArgs(emu), "json"));
  INFO(run.err);
  CHECK(run.exit_code == 4);
  const json document = json::parse(run.out);
  CHECK(document["complete"] == false);
  // Hunts run side by side, so which search the fault hits first depends on which create reaches
  // the emulator first: exactly one hunt fails, says why, and the other four finish.
  const auto hunt_statuses = statuses(document);
  REQUIRE(hunt_statuses.size() == 5);
  CHECK(std::count(hunt_statuses.begin(), hunt_statuses.end(), "failed") == 1);
  CHECK(std::count(hunt_statuses.begin(), hunt_statuses.end(), "ok") == 4);
  for (const auto& hunt : document["hunts"]) {
    CHECK(hunt.contains("error") == (hunt["status"] == "failed"));
  }
  std::uint64_t rows = 0;
  for (const auto& hunt : document["hunts"]) rows += hunt["rows"].get<std::uint64_t>();
  CHECK(rows > 0);
  // The closing summary says so too: the document's findings are of an incomplete run.
  const std::size_t findings = document["findings"].size();
  REQUIRE(findings > 0);
  CHECK(run.err.find(std::to_string(findings) + " findings (the run is incomplete)") !=
        std::string::npos);

  REQUIRE(emu.admin("POST", "/admin/faults", "faults:\n  - {kind: search_error}\n").status == 200);
  const auto jsonl = runCli(huntArgs(emu));
  CHECK(jsonl.exit_code == 4);
  CHECK(jsonl.out.empty());
}

// Past --max-output the held document is cut short: no further hunt starts, the cap is said
// once, and the JSON envelope says the run is incomplete with no findings (exit 4, its size).
TEST_CASE("online: a run past --max-output stops there and prints no findings",
          "[honest][online]") {
  RunningEmu emu({}, emuConfig());
  REQUIRE(emu.ok());
  const std::string body = aihunt::testing::manySampleEvents(200);  // past 1 MiB of findings
  REQUIRE(emu.admin("POST", "/admin/events", body).status == 200);
  const auto run = runCli(concat(withFormat(huntArgs(emu), "json"), {"--max-output", "1"}));
  INFO(run.err);
  CHECK(run.exit_code == 4);
  aihunt::testing::checkCappedDocument(run.out);
  CHECK(count(run.err, "passed 1048576 bytes") == 1);

  const auto jsonl = runCli(concat(huntArgs(emu), {"--max-output", "1"}));
  CHECK(jsonl.exit_code == 4);
  CHECK(jsonl.out.empty());
}

TEST_CASE("offline: Ctrl-C says the run was interrupted, exits 130 and prints no findings",
          "[honest][offline][cancel]") {
  // Two million short events in the window: five hunts over them take seconds.
  const std::string events = aihunt::testing::makeTempDir("honest-sigint") + "/events.jsonl";
  {
    std::ofstream out(events);
    const std::int64_t noon = 1795694400000;  // 2026-11-26T12:00:00Z
    for (std::int64_t i = 0; i < 2'000'000; ++i) {
      out << "{\"starttime\":" << noon + i << ",\"sourceip\":\"10.0.0.1\"}\n";
    }
  }
  aihunt::testing::BackgroundProcess hunt(aihunt::testing::binaryPath("aihunt"),
                                          {"hunt", "--offline", events, "--now", kSampleNow});
  // Bounded wait until it is reading the events: its read count passes a megabyte.
  const auto bytes_read = [&]() -> std::int64_t {
    std::ifstream io("/proc/" + std::to_string(hunt.pid()) + "/io");
    std::string key;
    std::int64_t value = 0;
    while (io >> key >> value) {
      if (key == "rchar:") return value;
    }
    return 0;
  };
  bool reading = false;
  for (int i = 0; i < 500 && !reading && hunt.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    reading = bytes_read() > (1 << 20);
  }
  INFO(hunt.err());
  REQUIRE(reading);
  ::kill(hunt.pid(), SIGINT);
  for (int i = 0; i < 200 && hunt.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_FALSE(hunt.running());
  CHECK(hunt.stop(1000) == 130);  // 128 + SIGINT, the shell's convention
  CHECK(hunt.out().empty());
  CHECK(hunt.err().find("interrupted") != std::string::npos);
  CHECK(hunt.err().find("cancelled") != std::string::npos);  // the hunts' table says which
}

TEST_CASE("online: the default table shows the incidents the offline run shows",
          "[honest][online][incidents]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  // The footer: "13 incidents from 27 findings; ...".
  const auto footer = [](const std::string& table) {
    const std::regex counts(R"((\d+) incidents from (\d+) findings)");
    std::smatch match;
    REQUIRE(std::regex_search(table, match, counts));
    return std::make_pair(std::stoi(match[1]), std::stoi(match[2]));
  };
  const auto offline = runCli(offlineArgs({"--format", "table"}));
  REQUIRE(offline.exit_code == 0);
  const auto online = runCli(withFormat(huntArgs(emu), "table"));
  REQUIRE(online.exit_code == 0);
  const auto offline_counts = footer(offline.out);
  CHECK(offline_counts.first > 0);
  CHECK(footer(online.out) == offline_counts);

  // The same incidents, not only as many: their ids in the JSON envelope's incidents view.
  const auto incident_ids = [](const std::string& out) {
    std::multiset<std::string> found;
    const json document = json::parse(out);
    for (const auto& incident : document["incidents"]) {
      found.insert(incident["incident_id"].get<std::string>());
    }
    return found;
  };
  const auto offline_json = runCli(offlineArgs({"--format", "json", "--view", "incidents"}));
  const auto online_json =
      runCli(concat(withFormat(huntArgs(emu), "json"), {"--view", "incidents"}));
  REQUIRE(offline_json.exit_code == 0);
  REQUIRE(online_json.exit_code == 0);
  const auto offline_incidents = incident_ids(offline_json.out);
  CHECK(offline_incidents.size() == static_cast<std::size_t>(offline_counts.first));
  CHECK(incident_ids(online_json.out) == offline_incidents);
}
