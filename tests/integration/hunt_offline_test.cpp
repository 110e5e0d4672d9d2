// `aihunt hunt --offline` and `aihunt aql` as a user runs them, over the bundled sample events.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/aihunt_cli.h"
#include "tests/support/output_cap.h"
#include "tests/support/temp_dir.h"

using aihunt::testing::binaryPath;
using aihunt::testing::exampleConfigPath;
using aihunt::testing::jsonLines;
using aihunt::testing::runAihunt;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

std::vector<std::string> sampleArgs(std::vector<std::string> extra) {
  std::vector<std::string> args = {"hunt",
                                   "--offline",
                                   sourcePath("content/samples/events.jsonl"),
                                   "--lookups",
                                   sourcePath("content/samples/qradar_lookups.json"),
                                   "--now",
                                   "2026-11-26T18:00:00Z",
                                   "--format",
                                   "jsonl"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// (hunt, log source, event time) of each finding.
std::set<std::tuple<std::string, std::string, std::string>> keys(const std::vector<json>& found) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& f : found) out.emplace(f["hunt"], f["log_source"], f["event_time"]);
  return out;
}

}  // namespace

TEST_CASE("the built-in hunts find all five scenarios from every telemetry source") {
  const auto result = runAihunt(sampleArgs({"--config", exampleConfigPath(), "--show-suppressed"}));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto findings = jsonLines(result.out);
  const auto found = keys(findings);
  // Written from the five test scenarios: each scenario, each source that carries it.
  const std::set<std::tuple<std::string, std::string, std::string>> expected = {
      // 1: PowerShell Invoke-WebRequest: Sysmon 1, Sysmon 3, proxy, 4688
      {"endpoint-process", "Sysmon @ WS-FIN-0193", "2026-11-26T09:14:03.000Z"},
      {"endpoint-network", "Sysmon @ WS-FIN-0193", "2026-11-26T09:14:04.000Z"},
      {"proxy-ai-api", "Bluecoat Proxy", "2026-11-26T09:14:04.000Z"},
      {"endpoint-process", "Microsoft Windows Security Event Log @ WS-FIN-0193",
       "2026-11-26T09:14:03.000Z"},
      // 2: Python SDK: Sysmon 11, pip Sysmon 1, python Sysmon 1, Sysmon 3
      {"endpoint-process", "Sysmon @ WS-MKT-0077", "2026-11-26T10:02:11.000Z"},
      {"endpoint-process", "Sysmon @ WS-MKT-0077", "2026-11-26T10:01:40.000Z"},
      {"endpoint-process", "Sysmon @ WS-MKT-0077", "2026-11-26T10:03:05.000Z"},
      {"endpoint-network", "Sysmon @ WS-MKT-0077", "2026-11-26T10:03:06.000Z"},
      // 3: curl POST: Sysmon 1, Sysmon 3, 4688, proxy
      {"endpoint-process", "Sysmon @ WS-ENG-0412", "2026-11-26T11:20:17.000Z"},
      {"endpoint-network", "Sysmon @ WS-ENG-0412", "2026-11-26T11:20:18.000Z"},
      {"endpoint-process", "Microsoft Windows Security Event Log @ WS-ENG-0412",
       "2026-11-26T11:20:17.000Z"},
      {"proxy-ai-api", "Bluecoat Proxy", "2026-11-26T11:20:18.000Z"},
      // 4: key in an environment variable: Sysmon 1, Sysmon 3, 4104, 4688
      {"endpoint-process", "Sysmon @ WS-HR-0058", "2026-11-26T12:45:50.000Z"},
      {"endpoint-network", "Sysmon @ WS-HR-0058", "2026-11-26T12:45:52.000Z"},
      {"endpoint-process", "Microsoft Windows PowerShell @ WS-HR-0058", "2026-11-26T12:45:51.000Z"},
      {"endpoint-process", "Microsoft Windows Security Event Log @ WS-HR-0058",
       "2026-11-26T12:45:50.000Z"},
      // 5: Linux: auditd EXECVE, Zeek SNI
      {"linux-audit", "Linux OS @ build-07", "2026-11-26T13:30:00.000Z"},
      {"network-sni-dns", "Zeek @ nsm-01", "2026-11-26T13:30:01.000Z"},
      // The NGFW records of scenarios 2, 4 and 5 (URL and initiating application together)
      {"proxy-ai-api", "PA-5220 Firewall", "2026-11-26T10:03:07.000Z"},
      {"proxy-ai-api", "PA-5220 Firewall", "2026-11-26T12:45:53.000Z"},
      {"proxy-ai-api", "PA-5220 Firewall", "2026-11-26T13:30:02.000Z"},
      // Large upload via the Anthropic SDK; mshta resolving Azure OpenAI
      {"proxy-ai-api", "Bluecoat Proxy", "2026-11-26T14:05:09.000Z"},
      {"endpoint-network", "Sysmon @ WS-OPS-0310", "2026-11-26T15:11:44.000Z"},
      // The four false-positive classes (suppressed, shown with --show-suppressed)
      {"endpoint-network", "Sysmon @ DEV-WS-0042", "2026-11-26T08:15:00.000Z"},
      {"endpoint-network", "Sysmon @ ops-jump-02", "2026-11-26T02:00:05.000Z"},
      {"proxy-ai-api", "SOAR proxy", "2026-11-26T07:45:12.000Z"},
      {"endpoint-network", "Linux OS @ etl-03", "2026-11-26T03:20:44.000Z"},
  };
  for (const auto& key : expected) {
    INFO(std::get<0>(key) << " " << std::get<1>(key) << " " << std::get<2>(key));
    CHECK(found.count(key) == 1);
  }
  // Nothing else: browsers, lookalikes, pypi, benign proxy traffic and the week-old event.
  CHECK(found.size() == expected.size());
  int suppressed = 0;
  for (const auto& f : findings) suppressed += f["suppressed"].get<bool>() ? 1 : 0;
  CHECK(suppressed == 4);
}

TEST_CASE("offline hunts honour the window") {
  const auto narrow =
      runAihunt(sampleArgs({"--from", "2026-11-26T13:00:00Z", "--to", "2026-11-26T14:00:00Z"}));
  REQUIRE(narrow.exit_code == 0);
  const auto findings = jsonLines(narrow.out);
  REQUIRE(findings.size() == 3);  // scenario 5's auditd, Zeek and NGFW records
  for (const auto& f : findings) CHECK(f["source_ip"] == "10.8.1.14");
  // The closing line names the window searched, as an online hunt's does.
  CHECK(narrow.err.find("offline hunt (window 2026-11-26T13:00:00.000Z to "
                        "2026-11-26T14:00:00.000Z): ") != std::string::npos);
  // A week back reaches the old event too.
  const auto week = runAihunt(sampleArgs({"--last", "7d", "--hunt", "proxy-ai-api"}));
  REQUIRE(week.exit_code == 0);
  bool old_seen = false;
  for (const auto& f : jsonLines(week.out)) old_seen |= f["username"] == "CORP\\olduser";
  CHECK(old_seen);
}

TEST_CASE("the seed query runs verbatim with an explicit window") {
  const std::string seed = sourcePath("content/seed_query.aql");
  const auto day = runAihunt(sampleArgs({"--aql", seed, "--last", "24h"}));
  INFO(day.err);
  REQUIRE(day.exit_code == 0);
  // The seed demands both a URL and an Application on the same event: the proxy and NGFW records
  // that report the initiating process. One per scenario, plus the SOAR false positive (the seed
  // has no exceptions).
  const auto findings = jsonLines(day.out);
  std::set<std::string> sources;
  for (const auto& f : findings) sources.insert(f["source_ip"]);
  CHECK(findings.size() == 6);
  CHECK(sources == std::set<std::string>{"10.1.4.21", "10.1.7.33", "10.1.9.12", "10.1.2.88",
                                         "10.8.1.14", "10.50.0.10"});
  // As pasted, with no window given, it covers the last 24 hours, as online: the same findings.
  const auto pasted = runAihunt(sampleArgs({"--aql", seed}));
  REQUIRE(pasted.exit_code == 0);
  CHECK(pasted.out == day.out);
  // --seed-query offline is the built-in copy of the same query (it pointed to a file of the
  // source tree, which an installed aihunt has not got): the same findings, hunt name apart.
  const auto built_in = runAihunt(sampleArgs({"--seed-query", "--last", "24h"}));
  INFO(built_in.err);
  REQUIRE(built_in.exit_code == 0);
  const auto seedKeys = [](const std::vector<json>& found) {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& f : found) out.emplace(f["source_ip"], f["url"], f["event_time"]);
    return out;
  };
  CHECK(seedKeys(jsonLines(built_in.out)) == seedKeys(findings));
  CHECK(jsonLines(built_in.out).size() == findings.size());
  // --hunt names a configured hunt, whose property names read the columns: not a label.
  CHECK(runAihunt(sampleArgs({"--seed-query", "--hunt", "aql"})).exit_code == 2);
  CHECK(runAihunt(sampleArgs({"--seed-query", "--aql", seed})).exit_code == 2);
  // Its WHERE filters on starttime (the last day before NOW()): a wider window given does not
  // widen that, and is said so (a trial found a week's window empty without a word).
  const auto week = runAihunt(sampleArgs({"--seed-query", "--last", "7d", "--quiet"}));
  CHECK(week.exit_code == 0);
  CHECK(week.err.find("also filters on starttime in its WHERE clause") != std::string::npos);
  CHECK(day.err.find("also filters on starttime") != std::string::npos);
}

TEST_CASE("aql prints each hunt's query and lint checks files") {
  const auto printed = runAihunt({"aql", "--hunt", "endpoint-process", "--from",
                                  "2026-11-26T10:00:00Z", "--to", "2026-11-26T10:15:00Z"});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.out.find("FROM events") != std::string::npos);
  CHECK(printed.out.find("START '2026-11-26 10:00Z' STOP '2026-11-26 10:15Z'") !=
        std::string::npos);
  // '%openai%' covers '%api.openai.com%': the covered needle is not sent (aql/like_subsumption).
  CHECK(printed.out.find("LOWER(\"Process CommandLine\") LIKE '%openai%'") != std::string::npos);
  CHECK(printed.out.find("'%api.openai.com%'") == std::string::npos);
  std::ofstream("hunt_offline_test.aql") << printed.out;
  const auto clean = runAihunt({"aql", "lint", "hunt_offline_test.aql"});
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("OK") != std::string::npos);

  const auto warned = runAihunt({"aql", "lint", sourcePath("content/seed_query.aql")});
  CHECK(warned.exit_code == 0);
  CHECK(warned.out.find("no-time-clause") != std::string::npos);
  // Listed in the file's order: each line's line:column is at or after the one before.
  std::pair<int, int> last{0, 0};
  std::istringstream listed(warned.out);
  for (std::string line; std::getline(listed, line);) {
    std::smatch at;
    REQUIRE(std::regex_search(line, at, std::regex(R"(\.aql:(\d+):(\d+): )")));
    const std::pair<int, int> here{std::stoi(at[1].str()), std::stoi(at[2].str())};
    CHECK(last <= here);
    last = here;
  }

  // An option after the file is named, not taken for a second file or ignored.
  const auto extra = runAihunt({"aql", "lint", sourcePath("content/seed_query.aql"), "-q"});
  CHECK(extra.exit_code == 2);
  CHECK(extra.out.empty());
  CHECK(extra.err.find("no options (") != std::string::npos);
  CHECK(extra.err.find("; not '-q'") != std::string::npos);
  // Named as an option wherever it stands (a newcomer's trial: alone it was a file that could
  // not be opened; before the file, the file was blamed; with a value, the value was too).
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"aql", "lint", "-q"},
           {"aql", "lint", "-q", sourcePath("content/seed_query.aql")},
           {"aql", "lint", "--format", "json", sourcePath("content/seed_query.aql")}}) {
    const auto option = runAihunt(args);
    INFO(option.err);
    CHECK(option.exit_code == 2);
    CHECK(option.out.empty());
    CHECK(option.err.find("no options (") != std::string::npos);
    CHECK(option.err.find("seed_query.aql") == std::string::npos);
    CHECK(option.err.find("'json'") == std::string::npos);
  }

  // After `--`, names that look like options are files: --help too.
  std::ofstream("--help") << "SELECT sourceip FROM events LAST 1 HOURS";
  std::ofstream("-q") << "SELECT sourceip FROM events WHERE (";
  const auto help_file = runAihunt({"aql", "lint", "--", "--help"});
  CHECK(help_file.exit_code == 0);
  CHECK(help_file.out == "--help: OK\n");
  const auto q_file = runAihunt({"aql", "lint", "--", "-q"});
  CHECK(q_file.exit_code == 2);
  CHECK(q_file.out.rfind("-q:1:", 0) == 0);
  // Before `--`, --help is the usage, whatever else is given.
  const auto usage = runAihunt({"aql", "lint", "--help", "--", "--help"});
  CHECK(usage.exit_code == 0);
  CHECK(usage.out.rfind("Usage: aihunt aql lint FILE|-", 0) == 0);
  std::remove("--help");
  std::remove("-q");

  const auto broken = runAihunt({"aql", "lint", "-"}, "SELECT sourceip FROM events WHERE (");
  CHECK(broken.exit_code == 2);
  CHECK(broken.out.find("<stdin>:1:") != std::string::npos);

  // What `aihunt aql` prints for every hunt (queries apart by a blank line) lints as it is (a
  // trial piped it in and got "unexpected text after the query").
  const auto every_hunt = runAihunt({"aql", "-q", "--now", "2026-11-26T18:00:00Z"});
  REQUIRE(every_hunt.exit_code == 0);
  REQUIRE(every_hunt.out.find("\n\nSELECT") != std::string::npos);
  const auto all = runAihunt({"aql", "lint", "-"}, every_hunt.out);
  INFO(all.out);
  CHECK(all.exit_code == 0);
  CHECK(all.out.find("error") == std::string::npos);
  // An error in the second query is placed on the file's line, not the query's.
  const auto second = runAihunt(
      {"aql", "lint", "-"},
      "SELECT sourceip FROM events LAST 1 HOURS\n\nSELECT username FROM events WHERE (\n");
  CHECK(second.exit_code == 2);
  INFO(second.out);
  // (The end of a query is placed after its last line end, as for a file of one query.)
  CHECK(second.out.rfind("<stdin>:4:1: error [syntax]: AQL syntax error at line 4, column 1", 0) ==
        0);
}

TEST_CASE("offline hunt errors are usage errors") {
  CHECK(runAihunt({"hunt"}).exit_code == 2);
  // A missing events file: said once (not once per hunt), and nothing on stdout.
  const auto missing = runAihunt({"hunt", "--offline", "/nonexistent.jsonl", "--format", "jsonl"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.empty());
  const auto first = missing.err.find("/nonexistent.jsonl");
  REQUIRE(first != std::string::npos);
  CHECK(missing.err.find("/nonexistent.jsonl", first + 1) == std::string::npos);
  // A folder given for the file: also said once.
  const std::string folder = sourcePath("content/samples");
  const auto directory = runAihunt({"hunt", "--offline", folder, "--format", "jsonl"});
  CHECK(directory.exit_code == 2);
  CHECK(directory.out.empty());
  const auto said = directory.err.find("is a folder");
  REQUIRE(said != std::string::npos);
  CHECK(directory.err.find("is a folder", said + 1) == std::string::npos);
  CHECK(directory.err.find("HUNT") == std::string::npos);  // before any hunt: no table of them
  CHECK(runAihunt(sampleArgs({"--hunt", "no-such-hunt"})).exit_code == 2);
  // A window reaching before 1970 (57 years before the sample's day): a usage error, the hunt
  // named once.
  const auto ancient = runAihunt(sampleArgs({"--last", "21000d"}));
  CHECK(ancient.exit_code == 2);
  CHECK(ancient.out.empty());
  const auto named = ancient.err.find("hunt '");
  REQUIRE(named != std::string::npos);
  CHECK(ancient.err.find("hunt '", named + 1) == std::string::npos);
  // Past a century, the duration itself is refused.
  const auto century = runAihunt(sampleArgs({"--last", "99999d"}));
  CHECK(century.exit_code == 2);
  CHECK(century.err.find("longer than 36500d") != std::string::npos);
  CHECK(runAihunt(sampleArgs({"--last", "24h", "--from", "2026-11-26T00:00:00Z"})).exit_code == 2);
  // An own query whose columns the detection cannot read (QRadar's property names, unaliased):
  // every row would pass as clean, so it is refused before the scan, with the names that do.
  std::ofstream("hunt_offline_test.noalias.aql")
      << "SELECT sourceip, \"URL\", \"User Agent\", starttime FROM events LAST 24 HOURS\n";
  const auto unreadable = runAihunt(sampleArgs({"--aql", "hunt_offline_test.noalias.aql"}));
  CHECK(unreadable.exit_code == 2);
  CHECK(unreadable.out.empty());
  CHECK(unreadable.err.find("none of the query's columns (sourceip, URL, User Agent, starttime)") !=
        std::string::npos);
  // SELECT *: an export has no fixed columns. Refused before the scan, not as a failed hunt
  // with a hunts table that reads as a run (a trial).
  std::ofstream("hunt_offline_test.star.aql") << "SELECT * FROM events LAST 24 HOURS\n";
  const auto star = runAihunt(sampleArgs({"--aql", "hunt_offline_test.star.aql"}));
  CHECK(star.exit_code == 2);
  CHECK(star.out.empty());
  CHECK(star.err.find("SELECT * cannot run offline") != std::string::npos);
  CHECK(star.err.find("HUNT") == std::string::npos);
  std::ofstream("hunt_offline_test.aliased.aql")
      << "SELECT sourceip, \"URL\" AS DestinationURL FROM events LAST 24 HOURS\n";
  const auto aliased = runAihunt(sampleArgs({"--aql", "hunt_offline_test.aliased.aql"}));
  CHECK(aliased.exit_code == 0);
  CHECK_FALSE(jsonLines(aliased.out).empty());
  // A function the evaluator (and QRadar) does not know: refused before the scan, said once,
  // nothing on stdout.
  std::ofstream("hunt_offline_test.nosuch.aql")
      << "SELECT sourceip, NOSUCHFUNCTION(username) AS username, \"URL\" AS DestinationURL "
         "FROM events LAST 24 HOURS\n";
  const auto unknown = runAihunt(sampleArgs({"--aql", "hunt_offline_test.nosuch.aql"}));
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  const auto function_named = unknown.err.find("NOSUCHFUNCTION");
  REQUIRE(function_named != std::string::npos);
  CHECK(unknown.err.find("NOSUCHFUNCTION", function_named + 1) == std::string::npos);
  // Two queries in one file (aql lint reads each): said as such, not as a syntax error alone.
  std::ofstream("hunt_offline_test.two.aql")
      << "SELECT sourceip FROM events LAST 1 HOURS\n\nSELECT destinationip FROM events LAST 1 "
         "HOURS\n";
  const auto two = runAihunt(sampleArgs({"--aql", "hunt_offline_test.two.aql"}));
  CHECK(two.exit_code == 2);
  CHECK(two.out.empty());
  CHECK(two.err.find("hunt_offline_test.two.aql holds 2 queries") != std::string::npos);
  CHECK(two.err.find("--aql runs one query") != std::string::npos);
  std::ofstream("hunt_offline_test.bad.jsonl") << "{\"starttime\": 1}\nnot json\n";
  const auto bad = runAihunt({"hunt", "--offline", "hunt_offline_test.bad.jsonl", "--now",
                              "1970-01-01T00:01:00Z", "--last", "1h"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.rfind("aihunt: error: ", 0) == 0);
}

TEST_CASE("an event with text that is not UTF-8 is searched all the same, and counted") {
  // A stray byte planted in one event (a user name, a command line) must neither fail the hunt
  // nor have the event passed over: it is read with U+FFFD in place of the byte, as a result
  // row online is. Each sample line that holds a user name gets a flaw in turn.
  std::vector<std::string> lines;
  {
    std::ifstream sample(sourcePath("content/samples/events.jsonl"));
    for (std::string line; std::getline(sample, line);) lines.push_back(line);
  }
  const auto clean = runAihunt(sampleArgs({}));
  REQUIRE(clean.exit_code == 0);
  const auto expected = keys(jsonLines(clean.out));
  REQUIRE(expected.size() > 10);
  const std::string fffd = "\xEF\xBF\xBD";
  std::size_t planted = 0;
  std::size_t shown = 0;  // findings that show the repaired name
  for (std::size_t i = 0; i < lines.size(); i += 7) {
    const std::size_t user = lines[i].find("\"username\": \"");
    if (user == std::string::npos) continue;
    std::string dirty;
    for (std::size_t j = 0; j < lines.size(); ++j) {
      std::string line = lines[j];
      // A lone surrogate escape every other time: Java-built JSON can carry one.
      if (j == i) line.insert(user + 13, planted % 2 == 0 ? "\xC3\x28" : "\\ud800");
      dirty += line + "\n";
    }
    ++planted;
    std::ofstream("hunt_offline_test.repaired.jsonl") << dirty;
    std::vector<std::string> args = sampleArgs({});
    args[2] = "hunt_offline_test.repaired.jsonl";
    const auto result = runAihunt(args);
    INFO("line " << i + 1 << ": " << result.err);
    REQUIRE(result.exit_code == 0);
    const auto findings = jsonLines(result.out);
    CHECK(keys(findings) == expected);
    shown += static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [&](const json& f) {
          return f["username"].is_string() &&
                 f["username"].get<std::string>().find(fffd) != std::string::npos;
        }));
    CHECK(result.err.find("aihunt: warning: read 1 line of hunt_offline_test.repaired.jsonl with "
                          "U+FFFD in place of text that is not valid UTF-8") != std::string::npos);
    CHECK(result.err.find("the first: events line " + std::to_string(i + 1)) != std::string::npos);
    // The JSON document counts the line for each hunt.
    args[8] = "json";  // sampleArgs: --format jsonl
    const auto document = json::parse(runAihunt(args).out);
    for (const auto& hunt : document["hunts"]) CHECK(hunt["repaired_lines"] == 1);
  }
  CHECK(planted >= 5);
  CHECK(shown > 0);  // some flawed events were findings, shown with U+FFFD
  // Without a flaw, neither the warning nor the count.
  CHECK(clean.err.find("U+FFFD") == std::string::npos);
}

TEST_CASE("--skip-bad-lines passes over lines that are not events, counts them and says so") {
  // The sample with a line cut short and lines that are not JSON between its events: the
  // findings are the sample's.
  std::ifstream sample(sourcePath("content/samples/events.jsonl"));
  std::string dirty;
  int line_number = 0;
  for (std::string line; std::getline(sample, line);) {
    if (++line_number % 10 == 3) dirty += "{\"starttime\": 1764151200000, \"URL\": }\n";
    dirty += line + "\n";
  }
  dirty += "{\"starttime\": 1764151200000, \"URL\": \"https://api.openai.com/\n";
  const int bad_lines = (line_number + 7) / 10 + 1;
  std::ofstream("hunt_offline_test.dirty.jsonl") << dirty;
  std::vector<std::string> args = sampleArgs({});
  args[2] = "hunt_offline_test.dirty.jsonl";

  const auto refused = runAihunt(args);
  CHECK(refused.exit_code == 2);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("events line 3: not valid JSON") != std::string::npos);
  CHECK(refused.err.find("--skip-bad-lines") != std::string::npos);

  args.emplace_back("--skip-bad-lines");
  const auto skipped = runAihunt(args);
  const auto clean = runAihunt(sampleArgs({}));
  CHECK(skipped.exit_code == 0);
  REQUIRE_FALSE(jsonLines(clean.out).empty());
  CHECK(skipped.out == clean.out);
  CHECK(skipped.err.find("aihunt: warning: passed over " + std::to_string(bad_lines) +
                         " lines of hunt_offline_test.dirty.jsonl") != std::string::npos);
  // --quiet keeps it: the findings leave those lines out.
  args.emplace_back("--quiet");
  CHECK(runAihunt(args).err.find("passed over") != std::string::npos);

  // The JSON document counts them for each hunt.
  args[8] = "json";  // sampleArgs: --format jsonl
  const auto document = json::parse(runAihunt(args).out);
  CHECK(document["complete"] == true);
  for (const auto& hunt : document["hunts"]) {
    CHECK(hunt["skipped_lines"].get<int>() == bad_lines);
  }
  // A file of which no line is an event (a CSV export) is an input error still: "No findings."
  // would pass for a clean result. (A UTF-16 one is named as such before: its first bytes.)
  std::ofstream("hunt_offline_test.csv.jsonl") << "starttime,sourceip\n1795692000000,10.0.0.1\n";
  args[2] = "hunt_offline_test.csv.jsonl";
  args[8] = "jsonl";
  const auto nothing = runAihunt(args);
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.out.empty());
  CHECK(nothing.err.find("no line holds an event") != std::string::npos);

  // Online it has no meaning.
  const auto online =
      runAihunt({"hunt", "--skip-bad-lines", "--qradar-url", "https://127.0.0.1:1"});
  CHECK(online.exit_code == 2);
  CHECK(online.err.find("only with --offline") != std::string::npos);
}

TEST_CASE("an events file cut inside its last line is said to be cut short") {
  std::ifstream sample(sourcePath("content/samples/events.jsonl"));
  const std::string whole((std::istreambuf_iterator<char>(sample)),
                          std::istreambuf_iterator<char>());
  const std::size_t cut_at = whole.find('\n', whole.size() / 2) + 20;  // inside a line
  const auto lines_before = std::count(whole.begin(), whole.begin() + cut_at, '\n');
  std::ofstream("hunt_offline_test.cut.jsonl") << whole.substr(0, cut_at);
  std::vector<std::string> args = sampleArgs({});
  args[2] = "hunt_offline_test.cut.jsonl";
  const auto cut = runAihunt(args);
  CHECK(cut.exit_code == 2);
  CHECK(cut.out.empty());
  CHECK(cut.err.find("events line " + std::to_string(lines_before + 1) +
                     ": not valid JSON (the "
                     "input's last line, with no line end after it: is the file cut short?)") !=
        std::string::npos);
}

TEST_CASE("an own query that stops at its own LIMIT says so") {
  std::ofstream("hunt_offline_test.limit2.aql")
      << "SELECT sourceip, \"URL\" AS DestinationURL FROM events WHERE \"URL\" IS NOT NULL "
         "LIMIT 2 LAST 24 HOURS\n";
  const auto capped = runAihunt(sampleArgs({"--aql", "hunt_offline_test.limit2.aql", "--quiet"}));
  CHECK(capped.exit_code == 0);
  CHECK(capped.err.find("the query's own LIMIT 2 was reached") != std::string::npos);
  std::ofstream("hunt_offline_test.limit1000.aql")
      << "SELECT sourceip, \"URL\" AS DestinationURL FROM events WHERE \"URL\" IS NOT NULL "
         "LIMIT 1000 LAST 24 HOURS\n";
  const auto room = runAihunt(sampleArgs({"--aql", "hunt_offline_test.limit1000.aql"}));
  CHECK(room.exit_code == 0);
  CHECK(room.err.find("was reached") == std::string::npos);
}

TEST_CASE("aihunt's own LEEF events, back from QRadar, are not found again") {
  // One event as QRadar stores an aihunt LEEF event (an AI API's URL, a source and a user, no
  // application or user agent: alone, an ai_api_contact finding), from log source type 4001.
  const std::string dir = aihunt::testing::makeTempDir("aihunt-own-events-");
  const std::string events = dir + "/events.jsonl";
  const std::string lookups = dir + "/lookups.json";
  std::ofstream(events)
      << R"({"starttime": 1795683600000, "devicetype": 4001, "logsourceid": 900, "category": 0,)"
      << R"( "sourceip": "10.20.30.40", "username": "jdoe",)"
      << R"( "URL": "https://api.openai.com/v1/chat/completions", "destinationport": 443})" << '\n';
  const std::string config = dir + "/aihunt.yaml";
  std::ofstream(config) << "detection:\n  own_log_source_types: []\n";
  const auto run = [&](const std::string& type_name, const std::vector<std::string>& extra) {
    std::ofstream(lookups, std::ios::trunc)
        << R"({"logsourcetypes": {"4001": ")" << type_name << R"("}})";
    std::vector<std::string> args = {
        "hunt",   "--offline",    events,     "--lookups", lookups, "--now", "2026-11-26T10:00:00Z",
        "--hunt", "proxy-ai-api", "--format", "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = runAihunt(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return jsonLines(result.out).size();
  };
  CHECK(run("aihunt", {}) == 0);                    // the type docs/qradar-setup.md creates
  CHECK(run("Blue Coat SG", {}) == 1);              // any other type is a proxy's event
  CHECK(run("aihunt", {"--config", config}) == 1);  // the list emptied: analysed again
}

TEST_CASE("offline finding ids are the same with and without --lookups") {
  const auto with = runAihunt(sampleArgs({"--config", exampleConfigPath(), "--show-suppressed"}));
  std::vector<std::string> bare =
      sampleArgs({"--config", exampleConfigPath(), "--show-suppressed"});
  const auto at = std::find(bare.begin(), bare.end(), "--lookups");
  REQUIRE(at != bare.end());
  bare.erase(at, at + 2);
  const auto without = runAihunt(bare);
  REQUIRE(with.exit_code == 0);
  REQUIRE(without.exit_code == 0);
  std::multiset<std::string> with_ids, without_ids;
  for (const auto& f : jsonLines(with.out)) {
    with_ids.insert(f["hunt"].get<std::string>() + "|" + f["finding_id"].get<std::string>());
    CHECK(!f["log_source"].is_null());  // the names were there
  }
  for (const auto& f : jsonLines(without.out)) {
    without_ids.insert(f["hunt"].get<std::string>() + "|" + f["finding_id"].get<std::string>());
    CHECK(f["log_source"].is_null());  // and here they were not
  }
  REQUIRE(!with_ids.empty());
  CHECK(with_ids == without_ids);
}

// Past --max-output the held document is cut short: the run stops there (no later hunt runs),
// says why once, and prints no findings: with --format json, an envelope that parses, says
// "complete": false and fails every hunt whose findings were lost; exit 4 (the run's size).
TEST_CASE("a run whose held output breaks says so once and prints no findings") {
  const std::string file = "hunt_offline_test.many.jsonl";
  std::ofstream(file) << aihunt::testing::manySampleEvents(200);
  const std::vector<std::string> base = {
      "hunt", "--offline", file, "--now", "2026-11-26T18:00:00Z", "--max-output", "1"};
  auto args = base;
  args.insert(args.end(), {"--format", "json"});
  const auto document = runAihunt(args);
  INFO(document.err);
  CHECK(document.exit_code == 4);
  aihunt::testing::checkCappedDocument(document.out);
  CHECK(json::parse(document.out)["hunts"].size() == 5);
  const std::string said = "passed 1048576 bytes";
  const auto first = document.err.find(said);
  REQUIRE(first != std::string::npos);
  CHECK(document.err.find(said, first + 1) == std::string::npos);

  args = base;
  args.insert(args.end(), {"--format", "jsonl"});
  const auto lines = runAihunt(args);
  CHECK(lines.exit_code == 4);
  CHECK(lines.out.empty());
}

// proxy-ai-api's aggregated upload query adds findings of its own (requests each under
// large_upload_bytes whose sum passes large_upload_window_bytes): the hunt's count must
// include them, as the printed findings do.
TEST_CASE("a hunt's finding count includes its aggregated upload findings") {
  std::ifstream sample(sourcePath("content/samples/events.jsonl"));
  json proxy;
  for (std::string line; std::getline(sample, line);) {
    const json event = json::parse(line);
    if (event.value("URL", "") == "https://api.openai.com/v1/models") proxy = event;
  }
  REQUIRE(proxy.is_object());
  const std::string file = "hunt_offline_test.uploads.jsonl";
  {
    std::ofstream out(file);
    for (int request = 0; request < 3; ++request) {  // 3 x 900,000 bytes: past 2 MiB together
      json event = proxy;
      event["starttime"] = proxy["starttime"].get<std::int64_t>() + request * 1000;
      event["Bytes Sent"] = 900000;
      out << event.dump() << "\n";
    }
  }
  const auto run = runAihunt({"hunt", "--offline", file, "--now", "2026-11-26T18:00:00Z", "--hunt",
                              "proxy-ai-api", "--format", "json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json parsed = json::parse(run.out);
  REQUIRE(parsed["hunts"].size() == 1);
  const auto& findings = parsed["findings"];
  CHECK(parsed["hunts"][0]["findings"] == findings.size());
  const auto uploads = std::count_if(findings.begin(), findings.end(), [](const json& f) {
    const auto& signals = f["signals"];
    return std::find(signals.begin(), signals.end(), "large_upload") != signals.end();
  });
  CHECK(uploads == 1);
}

// Online without a token: one line that says what to set, in the resolver's words and the
// command line's, without repeating itself.
TEST_CASE("a hunt without a QRadar token says what to set, once") {
  const auto run = runProcess(binaryPath("aihunt"),
                              {"hunt", "--qradar-url", "https://127.0.0.1:1", "--last", "1h"}, {},
                              60, {"AIHUNT_QRADAR_TOKEN="});
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  CHECK(run.err.rfind("aihunt: error: no QRadar token: set the AIHUNT_QRADAR_TOKEN environment "
                      "variable or qradar.token_file (or --token-file FILE)\n",
                      0) == 0);
}

TEST_CASE("a pipe as the events file is refused before any hunt reads it") {
  // Every hunt reads the events again: over a pipe the first would drain it and the others
  // would find nothing and say ok (a newcomer's trial: 7 findings of 27, exit 0).
  std::ifstream in(sourcePath("content/samples/events.jsonl"), std::ios::binary);
  std::stringstream events;
  events << in.rdbuf();
  const auto result = runAihunt(
      {"hunt", "--offline", "/dev/stdin", "--now", "2026-11-26T18:00:00Z", "--format", "jsonl"},
      events.str());
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("is not a regular file") != std::string::npos);
}

TEST_CASE("an own query's columns are read however they are spelt, and its starttime dates them") {
  // A newcomer's trial: `"URL" AS destinationurl` was read as no field (0 findings, exit 0), and
  // a selected `starttime` was not the findings' time, so two events an hour apart got one id.
  const std::string event =
      R"({"starttime": %T%, "sourceip": "10.1.9.99", "username": "CORP\\jdoe", "devicetype": 12,)"
      R"( "Application": "C:\\Windows\\System32\\curl.exe", "URL": "https://api.openai.com/v1/models"})";
  std::ofstream events("hunt_offline_test.twice.jsonl");
  for (const char* at : {"1795692000000", "1795695600000"}) {
    std::string line = event;
    line.replace(line.find("%T%"), 3, at);
    events << line << "\n";
  }
  events.close();
  std::ofstream("hunt_offline_test.spelt.aql")
      << "SELECT starttime, sourceip, username, \"URL\" AS destinationurl, \"Application\" AS "
         "initiatingapplication FROM events WHERE \"URL\" ILIKE '%openai%'\n";
  const auto result = runAihunt({"hunt", "--offline", "hunt_offline_test.twice.jsonl", "--aql",
                                 "hunt_offline_test.spelt.aql", "--now", "2026-11-26T18:00:00Z",
                                 "--last", "24h", "--format", "jsonl"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  const auto found = jsonLines(result.out);
  REQUIRE(found.size() == 2);
  std::set<std::string> ids;
  std::set<std::string> times;
  for (const auto& finding : found) {
    ids.insert(finding["finding_id"].get<std::string>());
    times.insert(finding["event_time"].is_string() ? finding["event_time"].get<std::string>()
                                                   : std::string("null"));
    CHECK(finding["url"] == "https://api.openai.com/v1/models");
    CHECK(finding["process_name"] == "curl");
  }
  CHECK(ids.size() == 2);
  CHECK(times == std::set<std::string>{"2026-11-26T11:20:00.000Z", "2026-11-26T12:20:00.000Z"});
}

TEST_CASE("an own query with --hunt reads its columns by that hunt's property names") {
  // A newcomer's trial: `--aql` selecting "URL", "Application", "User Agent" with `--hunt
  // proxy-ai-api` was refused as reading nothing, though the docs say the hunt's names read it.
  std::ofstream("hunt_offline_test.props.aql")
      << "SELECT starttime, sourceip, username, \"URL\", \"Application\", \"User Agent\", "
         "\"Bytes Sent\" FROM events WHERE \"URL\" ILIKE '%openai%' LAST 24 HOURS\n";
  const auto named =
      runAihunt(sampleArgs({"--aql", "hunt_offline_test.props.aql", "--hunt", "proxy-ai-api"}));
  INFO(named.err);
  CHECK(named.exit_code == 0);
  const auto found = jsonLines(named.out);
  REQUIRE_FALSE(found.empty());
  for (const auto& finding : found) {
    CHECK(finding["hunt"] == "proxy-ai-api");
    CHECK(finding["url"].get<std::string>().find("openai") != std::string::npos);
  }
  // Without the hunt, the same columns read as nothing: refused.
  const auto bare = runAihunt(sampleArgs({"--aql", "hunt_offline_test.props.aql"}));
  CHECK(bare.exit_code == 2);
  CHECK(bare.out.empty());
  // An unknown hunt name is said, with the names there are.
  const auto unknown =
      runAihunt(sampleArgs({"--aql", "hunt_offline_test.props.aql", "--hunt", "nope"}));
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no hunt named 'nope'") != std::string::npos);
}

TEST_CASE("an events file in a format aihunt does not read is named by its format") {
  // A newcomer's trial: bzip2, xz and UTF-16 files were all "not valid UTF-8".
  const std::vector<std::pair<std::string, std::string>> files = {
      {"hunt_offline_test.bz2", std::string("BZh91AY&SY\x01\x02", 12)},
      {"hunt_offline_test.xz", std::string("\xFD"
                                           "7zXZ\x00\x00\x04",
                                           8)},
      {"hunt_offline_test.utf16", std::string("\xFF\xFE{\x00\"\x00", 6)},
  };
  for (const auto& [name, bytes] : files) {
    std::ofstream(name, std::ios::binary) << bytes;
    const auto result = runAihunt(
        {"hunt", "--offline", name, "--now", "2026-11-26T18:00:00Z", "--format", "jsonl"});
    INFO(name << "\n" << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(name + ": the file is ") != std::string::npos);
    CHECK(result.err.find("not valid UTF-8") == std::string::npos);
  }
  // UTF-16 with no byte order mark: NUL bytes, whatever the line starts with, and no hint about
  // pretty-printed documents.
  for (const std::string& bytes : {std::string("{\x00\"\x00a\x00\"\x00:\x001\x00}\x00\n\x00", 14),
                                   std::string("\x00{\x00\"\x00a\x00\"\x00:\x001\x00}\n", 14)}) {
    std::ofstream("hunt_offline_test.utf16le", std::ios::binary | std::ios::trunc) << bytes;
    const auto result = runAihunt({"hunt", "--offline", "hunt_offline_test.utf16le", "--now",
                                   "2026-11-26T18:00:00Z", "--format", "jsonl"});
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("NUL bytes: UTF-16 text without a byte order mark?") !=
          std::string::npos);
    CHECK(result.err.find("pretty-printed") == std::string::npos);
  }
}
