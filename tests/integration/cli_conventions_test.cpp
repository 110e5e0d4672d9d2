// CLI conventions as a user meets them (issue 13): `aihunt hunts`, --hunt lists with
// did-you-mean, one default window for aql and hunt, --now's forms, --quiet, JSON on stderr,
// check --format json, and the example config through `config check -`.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/aihunt_cli.h"

using aihunt::testing::binaryPath;
using aihunt::testing::exampleConfigPath;
using aihunt::testing::ProcessResult;
using aihunt::testing::runAihunt;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

const std::set<std::string> kBuiltinHunts = {"proxy-ai-api", "endpoint-network", "endpoint-process",
                                             "linux-audit", "network-sni-dns"};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Every stderr line is one JSON object with the logger's fields; returns them.
std::vector<json> jsonStderr(const std::string& err) {
  std::vector<json> records;
  for (const std::string& line : lines(err)) {
    INFO(line);
    const json record = json::parse(line, nullptr, /*allow_exceptions=*/false);
    REQUIRE(record.is_object());
    CHECK(record.contains("ts"));
    CHECK(record.contains("level"));
    CHECK(record["msg"].is_string());
    records.push_back(record);
  }
  return records;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("aihunt hunts lists the built-in hunts, and the config's with -c") {
  const ProcessResult table = runAihunt({"hunts"});
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  for (const auto& name : kBuiltinHunts) CHECK(table.out.find(name + "\n") != std::string::npos);
  CHECK(table.out.find("signals: non_browser_ai_api") != std::string::npos);
  CHECK(table.out.find("schedule: every 15m") != std::string::npos);
  // Wrapped at $COLUMNS when the output is not a terminal, as the tables are.
  const ProcessResult narrow = runProcess(binaryPath("aihunt"), {"hunts"}, {}, 60, {"COLUMNS=60"});
  REQUIRE(narrow.exit_code == 0);
  for (const std::string& line : lines(narrow.out)) {
    INFO(line);
    CHECK(line.size() <= 60);
  }

  const ProcessResult listed = runAihunt({"hunts", "--format", "json"});
  REQUIRE(listed.exit_code == 0);
  const json document = json::parse(listed.out);
  std::set<std::string> names;
  for (const auto& hunt : document["hunts"]) {
    names.insert(hunt["name"]);
    CHECK(hunt["enabled"] == true);
    CHECK(hunt["builtin"] == true);
    CHECK_FALSE(hunt["signals"].empty());
    CHECK_FALSE(hunt["description"].get<std::string>().empty());
    CHECK(hunt["schedule"]["every_seconds"] == 900);
  }
  CHECK(names == kBuiltinHunts);
  const auto proxy = std::find_if(document["hunts"].begin(), document["hunts"].end(),
                                  [](const json& h) { return h["name"] == "proxy-ai-api"; });
  REQUIRE(proxy != document["hunts"].end());
  CHECK((*proxy)["fields"]["url"] == "URL");
  CHECK((*proxy)["aggregate_uploads"] == true);

  // A config's own hunts replace the built-in ones.
  const std::string config = "aihunt.cli_conventions.hunts.yaml";
  std::ofstream(config) << "version: 1\nhunts:\n  - name: corp-proxy\n    enabled: false\n"
                           "    fields: {url: URL, application: Application}\n"
                           "    signals: [non_browser_ai_api]\n    schedule: {every: 1h}\n";
  const ProcessResult own = runAihunt({"hunts", "-c", config, "--format", "json"});
  INFO(own.err);
  REQUIRE(own.exit_code == 0);
  const json hunts = json::parse(own.out)["hunts"];
  REQUIRE(hunts.size() == 1);
  CHECK(hunts[0]["name"] == "corp-proxy");
  CHECK(hunts[0]["enabled"] == false);
  CHECK(hunts[0]["builtin"] == false);
  CHECK(hunts[0]["signals"] == json::array({"non_browser_ai_api"}));
  CHECK(hunts[0]["schedule"]["every_seconds"] == 3600);

  CHECK(runAihunt({"hunts", "--format", "csv"}).exit_code == 2);
}

TEST_CASE("--hunt takes repeated and comma-separated names; an unknown one suggests the nearest") {
  const ProcessResult three = runAihunt({"aql", "--hunt", "linux-audit,network-sni-dns", "--hunt",
                                         "endpoint-process", "--now", "2026-11-26T18:00:00Z"});
  INFO(three.err);
  REQUIRE(three.exit_code == 0);
  CHECK(count(three.err, "aihunt: hunt ") == 3);
  // In the order given.
  CHECK(three.err.find("hunt linux-audit:") < three.err.find("hunt network-sni-dns:"));
  CHECK(three.err.find("hunt network-sni-dns:") < three.err.find("hunt endpoint-process:"));

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"aql", "--hunt", "proxy-ai-apj"},
        std::vector<std::string>{"hunt", "--offline", sourcePath("content/samples/events.jsonl"),
                                 "--hunt", "linux-audit,proxy-ai-apj"},
        std::vector<std::string>{"triage", sourcePath("content/samples/ariel_results.json"),
                                 "--hunt", "proxy-ai-apj"}}) {
    const ProcessResult typo = runAihunt(command);
    INFO(command[0] << ": " << typo.err);
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("no hunt named 'proxy-ai-apj' (did you mean 'proxy-ai-api'?)") !=
          std::string::npos);
    for (const auto& name : kBuiltinHunts) CHECK(typo.err.find(name) != std::string::npos);
    CHECK(typo.out.empty());
  }
}

TEST_CASE("a mistyped command or option gets the one meant, and nothing runs") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> typos = {
      {{"hnut", "--offline", "x"}, "unknown command 'hnut'; did you mean 'hunt'?"},
      {{"chek"}, "unknown command 'chek'; did you mean 'check'?"},
      // An option before the command: where it goes.
      {{"--log-level", "debug", "version"},
       "'--log-level' is an option of a command: put it after the command ('aihunt version "
       "--log-level ...')"},
      // The singular of a command, and the command without what it reads.
      {{"incident"}, "unknown command 'incident'; did you mean 'incidents'?"},
      {{"delivr"}, "findings are delivered by 'aihunt hunt --deliver'"},
      {{"incidents"}, "incidents needs the findings to read: aihunt incidents FILE..."},
      {{"hunt", "--lats", "24h"}, "'--lats'; did you mean '--last'?"},
      {{"triage", "--formt", "json", "x"}, "'--formt'; did you mean '--format'?"},
      // Names from other tools: the option that does that here, not the nearest spelling.
      {{"hunt", "--events", "x.jsonl"}, "'--events'; did you mean '--offline'?"},
      {{"triage", "--events", "x.jsonl"}, "'--events'; did you mean '--input'?"},
      {{"hunts", "--json"}, "'--json'; did you mean '--format json'?"},
      {{"hunt", "--events=x.jsonl"}, "did you mean '--offline'?"},
      {{"state", "show", "--state", "x.db", "--format", "json"},
       "'--format'; this command prints text only"},
      // An empty --hunt (an unset shell variable) must not select every hunt.
      {{"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--hunt", ""},
       "--hunt names no hunt"},
      // A command that needs an action does not print its help and claim success.
      {{"state"}, "give an action"},
      {{"state", "--state", "x.db"}, "give an action"},
      // A list with a space after its comma: the shell makes two words of it.
      {{"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--hunt", "proxy-ai-api,",
        "linux-audit"},
       "unexpected argument 'linux-audit': a list takes no spaces after its commas; did you mean "
       "'proxy-ai-api,linux-audit'?"},
      // An option that takes one value is not offered a list it would refuse.
      {{"backfill", "-c", "x.yaml", "--hunt", "linux-audit,", "proxy-ai-api", "--from",
        "2026-11-25", "--to", "2026-11-26"},
       "unexpected argument 'proxy-ai-api': --hunt takes one value here, not a list"},
      // A stray word after a command's own positional one is named, not counted.
      {{"state", "show", "extra"}, "unexpected argument 'extra'"},
      // Options that would be passed over are refused, not ignored.
      {{"state", "show", "--state", "x.db", "--hunt", "linux-audit"}, "--hunt is for 'state gaps'"},
      {{"state", "show", "--state", "x.db", "-c", "x.yaml"}, "give --config or --state, not both"},
      // A list where one hunt goes: said before the config is read.
      {{"backfill", "-c", "x.yaml", "--hunt", "linux-audit,proxy-ai-api", "--from", "2026-11-25",
        "--to", "2026-11-26"},
       "backfill takes one hunt, not a list ('linux-audit,proxy-ai-api')"},
  };
  for (const auto& [args, said] : typos) {
    const ProcessResult typo = runAihunt(args);
    INFO(args[0] << ": " << typo.err);
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find(said) != std::string::npos);
    CHECK(typo.out.empty());
  }
  // Nothing close: no guess.
  const ProcessResult far = runAihunt({"zzzz"});
  CHECK(far.exit_code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE(
    "options given but not used are said: table options for another format, console "
    "options offline") {
  const std::string results = sourcePath("content/samples/ariel_results.json");
  const ProcessResult wide = runAihunt({"triage", results, "--wide", "--no-color", "-f", "json"});
  CHECK(wide.exit_code == 0);
  CHECK_FALSE(wide.out.empty());
  CHECK(wide.err.find("--wide applies to the table (--format table) only") != std::string::npos);
  CHECK(wide.err.find("--no-color applies to the table") != std::string::npos);
  const ProcessResult table = runAihunt({"triage", results, "--wide"});
  CHECK(table.err.find("applies to the table") == std::string::npos);

  const ProcessResult offline =
      runAihunt({"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--now",
                 "2026-11-26T18:00:00Z", "--qradar-url", "https://q.example", "--ca-file", "x.pem",
                 "--insecure", "--row-cap", "5", "-f", "jsonl"});
  CHECK(offline.exit_code == 0);
  CHECK_FALSE(offline.out.empty());
  // Every one given is named: a newcomer's trial found --insecure and --row-cap left out.
  CHECK(offline.err.find("--row-cap, --qradar-url, --ca-file, --insecure: options of online "
                         "hunts, not used by an offline hunt") != std::string::npos);
}

TEST_CASE("aql and hunt cover the same window by default: the last 24 hours") {
  const std::vector<std::string> base = {"aql", "--hunt", "proxy-ai-api", "--now",
                                         "2026-11-26T18:00:00Z"};
  const ProcessResult implicit = runAihunt(base);
  std::vector<std::string> explicit_args = base;
  explicit_args.insert(explicit_args.end(), {"--last", "24h"});
  const ProcessResult explicit_window = runAihunt(explicit_args);
  REQUIRE(implicit.exit_code == 0);
  REQUIRE(explicit_window.exit_code == 0);
  CHECK(implicit.out == explicit_window.out);
  CHECK(implicit.out.find("START '2026-11-25 18:00Z' STOP '2026-11-26 18:00Z'") !=
        std::string::npos);
}

TEST_CASE("a query given where its file is expected is named as one; a missing file says why") {
  const std::string query = "SELECT sourceip FROM events LAST 1 HOURS";
  const std::string events = sourcePath("content/samples/events.jsonl");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"hunt", "--offline", events, "--aql", query}, {"aql", "lint", query}}) {
    INFO(args.front());
    const ProcessResult result = runAihunt(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("is a query, not a file name") != std::string::npos);
  }
  const ProcessResult missing = runAihunt({"aql", "lint", "no-such-query.aql"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot open no-such-query.aql: No such file or directory") !=
        std::string::npos);
  const ProcessResult folder = runAihunt({"hunt", "--offline", events, "--aql", "/"});
  CHECK(folder.exit_code == 2);
  CHECK(folder.err.find("cannot read /: Is a directory") != std::string::npos);
}

TEST_CASE("--now accepts every form its help names, and a bad one lists them") {
  const ProcessResult help = runAihunt({"aql", "--help"});
  REQUIRE(help.exit_code == 0);
  for (const std::string form :
       {"2026-11-26T18:00:00Z", "+01:00", "2026-11-26 18:00[:00]", "2026-11-26", "epoch"}) {
    CHECK(help.out.find(form) != std::string::npos);
  }
  for (const std::string now :
       {"2026-11-26T18:00:00Z", "2026-11-26T19:00:00+01:00", "2026-11-26T18:00:00",
        "2026-11-26 18:00:00", "2026-11-26 18:00", "2026-11-26T18:00:00.000Z", "1795716000000"}) {
    const ProcessResult printed = runAihunt({"aql", "--hunt", "linux-audit", "--now", now});
    INFO(now << ": " << printed.err);
    CHECK(printed.exit_code == 0);
    CHECK(printed.out.find("STOP '2026-11-26 18:00Z'") != std::string::npos);
  }
  const ProcessResult midnight = runAihunt({"aql", "--hunt", "linux-audit", "--now", "2026-11-26"});
  CHECK(midnight.out.find("STOP '2026-11-26 00:00Z'") != std::string::npos);

  const ProcessResult bad = runAihunt({"aql", "--now", "yesterday"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--now: 'yesterday' is not a timestamp") != std::string::npos);
  CHECK(bad.err.find("accepted: 2026-11-26T18:00:00Z") != std::string::npos);

  // Epoch seconds read as milliseconds would be January 1970: refused, with the fix.
  const ProcessResult seconds = runAihunt({"aql", "--hunt", "linux-audit", "--now", "1795716000"});
  CHECK(seconds.exit_code == 2);
  CHECK(seconds.out.empty());
  CHECK(seconds.err.find("give 1795716000000") != std::string::npos);
  // Zero gets the forms, not "give 0000" (the same instant).
  const ProcessResult zero = runAihunt({"aql", "--hunt", "linux-audit", "--now", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("give 0000") == std::string::npos);
  CHECK(zero.err.find("2026-11-26T18:00:00Z") != std::string::npos);
}

TEST_CASE("backfill refuses a --to whose whole-minute window would end after now") {
  // --to 17:59:10 ends its last window at 18:00:00, past a --now of 17:59:30: recorded, that
  // window would end the ledger after now.
  const std::string config = "cli_conventions_test.backfill.yaml";
  std::ofstream(config) << "qradar:\n  url: https://127.0.0.1:1\nstate:\n  path: "
                           "cli_conventions_test.backfill.db\n";
  const ProcessResult refused = runProcess(
      binaryPath("aihunt"),
      {"backfill", "-c", config, "--hunt", "proxy-ai-api", "--from", "2026-11-26T17:00:00Z", "--to",
       "2026-11-26T17:59:10Z", "--now", "2026-11-26T17:59:30Z"},
      {}, 30, {"AIHUNT_QRADAR_TOKEN=x-test-token"});
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("2026-11-26T18:00:00.000Z") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("cli_conventions_test.backfill.db"));
}

TEST_CASE("backfill refuses a --to closer to now than the hunt's schedule.delay") {
  // A review: into an empty ledger, the daemon starts where the backfill ended; events indexed
  // after the backfill and older than the overlap would never be searched. The console here
  // cannot be reached: a backfill that went ahead would fail with exit 3, not 2.
  const std::string config = "cli_conventions_test.delay.yaml";
  std::ofstream(config)
      << "qradar:\n  url: https://127.0.0.1:1\nstate:\n  path: "
         "cli_conventions_test.delay.db\nhunts:\n  - name: late\n"
         "    fields: {url: URL}\n    schedule: {every: 5m, delay: 5m, overlap: 0m}\n";
  const std::vector<std::string> env = {"AIHUNT_QRADAR_TOKEN=x-test-token"};
  const auto backfillTo = [&](const std::string& to) {
    return runProcess(binaryPath("aihunt"),
                      {"backfill", "-c", config, "--hunt", "late", "--from", "2026-11-26T17:00:00Z",
                       "--to", to, "--now", "2026-11-26T17:59:30Z"},
                      {}, 30, env);
  };
  const ProcessResult refused = backfillTo("2026-11-26T17:57:00Z");
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  // Now 17:59:30 less 5 minutes, on a whole minute.
  CHECK(refused.err.find("at or before 2026-11-26T17:54:00.000Z") != std::string::npos);
  // At the horizon it goes to the console (out of reach here: exit 3).
  const ProcessResult allowed = backfillTo("2026-11-26T17:54:00Z");
  INFO(allowed.err);
  CHECK(allowed.exit_code == 3);
}

TEST_CASE("backfill refuses a range of more windows than --max-windows, before any search") {
  // A mistyped year: 2025 for 2026 is 8,777 one-hour windows, a search each. The console here
  // cannot be reached, so a backfill that went ahead would fail with exit 3, not 2.
  const std::string config = "cli_conventions_test.brake.yaml";
  std::ofstream(config) << "qradar:\n  url: https://127.0.0.1:1\nstate:\n  path: "
                           "cli_conventions_test.brake.db\n";
  const std::vector<std::string> args = {"backfill",
                                         "-c",
                                         config,
                                         "--hunt",
                                         "proxy-ai-api",
                                         "--from",
                                         "2025-11-26T00:00:00Z",
                                         "--to",
                                         "2026-11-26T17:00:00Z",
                                         "--now",
                                         "2026-11-26T17:59:30Z"};
  const std::vector<std::string> env = {"AIHUNT_QRADAR_TOKEN=x-test-token"};
  const ProcessResult refused = runProcess(binaryPath("aihunt"), args, {}, 30, env);
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--max-windows 8777") != std::string::npos);
  // A limit that is no positive whole number is refused (program_options read "-1" as the
  // largest size_t: no limit at all).
  for (const char* limit : {"-1", "0", "ten", "5x", "1000001", "99999999999999999999"}) {
    INFO(limit);
    std::vector<std::string> bad = args;
    bad.insert(bad.end(), {"--max-windows", limit});
    const ProcessResult refused_limit = runProcess(binaryPath("aihunt"), bad, {}, 30, env);
    CHECK(refused_limit.exit_code == 2);
    CHECK(refused_limit.err.find("--max-windows: '") != std::string::npos);
  }
  // Allowed, it goes to the console (out of reach here: exit 3).
  std::vector<std::string> allowed = args;
  allowed.insert(allowed.end(), {"--max-windows", "8777"});
  const ProcessResult tried = runProcess(binaryPath("aihunt"), allowed, {}, 30, env);
  INFO(tried.err);
  CHECK(tried.exit_code == 3);
}

TEST_CASE("the commands that record windows refuse a --now after the machine's clock") {
  // A ledger that ends in the future would hold every real window back until then.
  const std::string config = "cli_conventions_test.future.yaml";
  std::ofstream(config) << "qradar:\n  url: https://127.0.0.1:1\nstate:\n  path: "
                           "cli_conventions_test.future.db\n";
  const std::vector<std::vector<std::string>> commands = {
      {"run", "-c", config, "--once", "--now", "2099-01-01T00:00:00Z"},
      {"backfill", "-c", config, "--hunt", "proxy-ai-api", "--from", "2098-12-31", "--to",
       "2099-01-01", "--now", "2099-01-01T00:00:00Z"},
      {"hunt", "--deliver", "-c", config, "--now", "2099-01-01T00:00:00Z"},
  };
  for (const auto& command : commands) {
    INFO(command.front());
    const ProcessResult refused =
        runProcess(binaryPath("aihunt"), command, {}, 30, {"AIHUNT_QRADAR_TOKEN=x-test-token"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("is after this machine's clock") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists("cli_conventions_test.future.db"));
  }
  // An on-demand hunt records nothing: a future window is its own business (and said).
  const ProcessResult offline =
      runAihunt({"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--now",
                 "2099-01-01T00:00:00Z", "--format", "jsonl"});
  CHECK(offline.exit_code == 0);
}

TEST_CASE("--quiet leaves only errors on stderr") {
  const ProcessResult quiet =
      runAihunt({"aql", "--quiet", "--hunt", "linux-audit", "--now", "2026-11-26T18:00:00Z"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  CHECK(quiet.out.find("FROM events") != std::string::npos);

  const ProcessResult offline =
      runAihunt({"hunt", "-q", "--offline", sourcePath("content/samples/events.jsonl"), "--lookups",
                 sourcePath("content/samples/qradar_lookups.json"), "--now", "2026-11-26T18:00:00Z",
                 "--format", "jsonl"});
  CHECK(offline.exit_code == 0);
  CHECK(offline.err.empty());
  CHECK_FALSE(offline.out.empty());

  const ProcessResult failed = runAihunt({"aql", "--quiet", "--hunt", "nope"});
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.rfind("aihunt: error: no hunt named 'nope'", 0) == 0);
}

TEST_CASE("--log-format json: every stderr line is one JSON object, hostile text included") {
  // Notes, info logs and the run summary.
  const ProcessResult ok = runAihunt(
      {"aql", "--log-format", "json", "--hunt", "linux-audit", "--now", "2026-11-26T18:00:00Z"});
  REQUIRE(ok.exit_code == 0);
  const auto notes = jsonStderr(ok.err);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["msg"] == "hunt linux-audit:");

  // An error whose text carries an escape sequence, a newline and a forged record.
  const std::string hostile = "x\x1b[2J\n{\"level\":\"info\"}";
  const ProcessResult bad =
      runAihunt({"aql", "--log-format", "json", "--hunt", hostile, "--now", "2026-11-26"});
  CHECK(bad.exit_code == 2);
  const auto errors = jsonStderr(bad.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]["level"] == "error");
  CHECK(errors[0]["msg"].get<std::string>().find("no hunt named") != std::string::npos);
  CHECK(bad.err.find('\x1b') == std::string::npos);

  // Usage errors found after the options were read are JSON too.
  const ProcessResult window = runAihunt({"hunt", "--log-format", "json", "--offline", "x.jsonl",
                                          "--last", "1h", "--from", "2026-11-26"});
  CHECK(window.exit_code == 2);
  REQUIRE(jsonStderr(window.err).size() == 1);

  // And so are the errors of a command line that does not parse, in either spelling.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"triage", "--log-format", "json", "--bogus"},
        std::vector<std::string>{"run", "--log-format=json", "--once", "--grace"},
        std::vector<std::string>{"hnut", "--log-format", "json"},
        std::vector<std::string>{"--log-format", "json", "version"}}) {
    const ProcessResult unparsed = runAihunt(args);
    CHECK(unparsed.exit_code == 2);
    const auto records = jsonStderr(unparsed.err);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["level"] == "error");
  }
}

TEST_CASE("--log-format json and --quiet: the hunt's notes and per-hunt errors follow them") {
  const std::string events = sourcePath("content/samples/events.jsonl");
  const std::string lookups = sourcePath("content/samples/qradar_lookups.json");
  const std::string seed = sourcePath("content/seed_query.aql");
  std::ofstream("cli_conventions_test.bad.jsonl") << "{\"starttime\": 1}\nnot json\n";
  std::ofstream("cli_conventions_test.empty.jsonl").flush();
  // Start times as text: every event is read, none can be placed in a window.
  std::ofstream("cli_conventions_test.textstart.jsonl")
      << "{\"starttime\": \"1795687200000\", \"sourceip\": \"10.0.0.1\"}\n"
      << "{\"starttime\": \"2026-11-26T10:00:00Z\", \"sourceip\": \"10.0.0.2\"}\n";
  struct Path {
    std::vector<std::string> args;
    std::string said;  // what the JSON line's message holds
    std::string level;
    int exit_code;
    bool kept_when_quiet = false;  // errors, and warnings that "No findings." says nothing
  };
  const std::vector<Path> paths = {
      // A window that misses every event: a warning (kept under --quiet).
      {{"hunt", "--offline", events, "--lookups", lookups, "--now", "2027-06-01T00:00:00Z",
        "--last", "1h"},
       "none of the events read falls inside the window",
       "warning",
       0,
       true},
      // An own query without a time clause: a note.
      {{"hunt", "--offline", events, "--lookups", lookups, "--now", "2026-11-26T18:00:00Z", "--aql",
        seed, "--format", "jsonl"},
       "has no time clause; added: LAST 24 HOURS",
       "info",
       0},
      // A hunt that fails on its input: an error, naming the file.
      {{"hunt", "--offline", "cli_conventions_test.bad.jsonl", "--now", "2026-11-26T18:00:00Z",
        "--last", "24h", "--hunt", "linux-audit"},
       "cli_conventions_test.bad.jsonl: events line 2: not valid JSON",
       "error",
       2},
      // Every hunt reads the same bad file: said once, not once per hunt.
      {{"hunt", "--offline", "cli_conventions_test.bad.jsonl", "--now", "2026-11-26T18:00:00Z",
        "--last", "24h"},
       "events line 2: not valid JSON",
       "error",
       2},
      // An empty export is not a quiet day: a warning beside "No findings.".
      {{"hunt", "--offline", "cli_conventions_test.empty.jsonl", "--now", "2026-11-26T18:00:00Z",
        "--last", "24h"},
       "no event with a start time was read from cli_conventions_test.empty.jsonl",
       "warning",
       0,
       true},
      // Ariel results given as events: the error says where they go.
      {{"hunt", "--offline", sourcePath("content/samples/ariel_results.json"), "--now",
        "2026-11-26T18:00:00Z", "--last", "24h"},
       "results go to 'aihunt triage'",
       "error",
       2},
      // Events whose start times are text are no empty export, nor a clean run: an error that
      // counts them (a newcomer's trial: a warning and exit 0 read as a clean run).
      {{"hunt", "--offline", "cli_conventions_test.textstart.jsonl", "--now",
        "2026-11-26T18:00:00Z", "--last", "24h"},
       "cli_conventions_test.textstart.jsonl: none of the 2 events has a starttime that is a "
       "number",
       "error",
       2},
  };
  for (const Path& path : paths) {
    INFO(path.said);
    std::vector<std::string> args = path.args;
    args.insert(args.end(), {"--log-format", "json"});
    const ProcessResult json_run = runAihunt(args);
    CHECK(json_run.exit_code == path.exit_code);
    const auto records = jsonStderr(json_run.err);
    // Said once at its level (a failed hunt is also named in the per-hunt info lines).
    const auto said = std::count_if(records.begin(), records.end(), [&](const json& record) {
      return record["level"] == path.level &&
             record["msg"].get<std::string>().find(path.said) != std::string::npos;
    });
    CHECK(said == 1);

    args = path.args;
    args.emplace_back("--quiet");
    const ProcessResult quiet = runAihunt(args);
    CHECK(quiet.exit_code == path.exit_code);
    // Notes and warnings leave with --quiet; errors stay, and so do the warnings without which
    // "No findings." would mislead.
    const bool kept = path.kept_when_quiet || path.level == "error";
    CHECK(count(quiet.err, path.said) == (kept ? 1U : 0U));
    if (!kept) CHECK(quiet.err.empty());
  }
}

TEST_CASE("state vacuum of a file that does not exist: exit 5, and nothing left behind") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aihunt-vacuum-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const ProcessResult vacuum = runAihunt({"state", "vacuum", "--state", (dir / "x.db").string()});
  CHECK(vacuum.exit_code == 5);
  CHECK(vacuum.err.find("does not exist") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir));  // no lock file beside a state file that never was
  std::filesystem::remove_all(dir);
}

TEST_CASE("aihunt --help lists every exit code, 130 included") {
  const ProcessResult help = runAihunt({"--help"});
  REQUIRE(help.exit_code == 0);
  const std::string codes = help.out.substr(help.out.find("Exit codes:"));
  for (const char* code : {"\n    0  ", "\n    1  ", "\n    2  ", "\n    3  ", "\n    4  ",
                           "\n    5  ", "\n    6  busy", "\n  130  interrupted"}) {
    CHECK(codes.find(code) != std::string::npos);
  }
}

TEST_CASE("the expired-exception warning names the exception") {
  // The example's SOAR exception expires on 2027-01-31; the sample's SOAR worker is then a
  // finding again, and the warning says which exception to renew.
  const ProcessResult triage = runAihunt(
      {"triage", sourcePath("content/samples/ariel_results.json"), "-c", exampleConfigPath(),
       "--now", "2027-02-15T00:00:00Z", "--format", "jsonl", "--log-format", "json"});
  INFO(triage.err);
  REQUIRE(triage.exit_code == 0);
  bool named = false;
  for (const auto& record : jsonStderr(triage.err)) {
    const std::string msg = record["msg"];
    if (msg.find("matched an exception that has expired") == std::string::npos) continue;
    named = msg.find("(expired: 'soar-ai-enrichment')") != std::string::npos;
  }
  CHECK(named);
  bool soar_reported = false;
  for (const auto& finding : aihunt::testing::jsonLines(triage.out)) {
    soar_reported = soar_reported || finding["source_ip"] == "10.50.0.10";
  }
  CHECK(soar_reported);
}

TEST_CASE("check --format json: each check's name, status and detail, exit codes unchanged") {
  // Nothing listens on port 1: the connection check fails and the token is not tried.
  const ProcessResult result = runProcess(
      binaryPath("aihunt"),
      {"check", "--format", "json", "--qradar-url", "https://127.0.0.1:1", "--retries", "1"}, {},
      60, {"AIHUNT_QRADAR_TOKEN=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"});
  INFO(result.err);
  CHECK(result.exit_code == 3);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == false);
  CHECK(document["failures"] == 1);
  std::map<std::string, std::string> status;
  for (const auto& check : document["checks"]) {
    CHECK(check["detail"].is_string());
    status[check["name"]] = check["status"];
  }
  CHECK(status["config"] == "ok");
  CHECK(status["connection"] == "fail");
  CHECK(status["TLS handshake"] == "skip");  // no handshake was made: said, not left out
  CHECK(status["token"] == "skip");
  // The console's other checks are listed as not tried, not left out (a trial).
  for (const char* check :
       {"API version", "Ariel search", "mapped properties", "reference data", "least privilege"}) {
    INFO(check);
    CHECK(status[check] == "skip");
  }
  CHECK(result.out.find("0f1e2d3c") == std::string::npos);

  CHECK(runAihunt({"check", "--format", "yaml"}).exit_code == 2);
}

TEST_CASE("the example config passes config check as printed") {
  const ProcessResult example = runAihunt({"config", "example"});
  REQUIRE(example.exit_code == 0);
  // The example marks what only the daemon reads.
  CHECK(example.out.find("[daemon]") != std::string::npos);

  const ProcessResult offline = runAihunt({"config", "check", "--offline", "-"}, example.out);
  INFO(offline.err);
  CHECK(offline.exit_code == 0);
  CHECK(offline.out.find("OK (5 hunt(s), 4 exception(s)") != std::string::npos);

  // Checked for this machine, the token file it names does not exist here: an error, and the
  // check says how to check the file anyway.
  const ProcessResult here = runAihunt({"config", "check", "-"}, example.out);
  CHECK(here.exit_code == 2);
  CHECK(here.err.find("qradar.token_file") != std::string::npos);
  CHECK(here.err.find("add --offline") != std::string::npos);
  // Every error at once: the token's does not hide the files' (below).
  CHECK(here.err.find("5 error(s)") != std::string::npos);

  // With the token in the environment the token file is not needed: not an error, but a
  // warning, since a run without the variable (the systemd unit) would fail on it. The CA files
  // and the state and findings folders the example names are looked for here too, and are
  // missing.
  const ProcessResult with_token =
      runProcess(binaryPath("aihunt"), {"config", "check", "-"}, example.out, 60,
                 {"AIHUNT_QRADAR_TOKEN=0f1e2d3c-4b5a-6978-8796"});
  INFO(with_token.err);
  CHECK(with_token.exit_code == 2);
  CHECK(with_token.err.find("error: <stdin>: qradar.token_file: ") == std::string::npos);
  CHECK(with_token.err.find("warning: <stdin>: qradar.token_file: ") != std::string::npos);
  CHECK(with_token.err.find("4 error(s)") != std::string::npos);
  for (const std::string key :
       {"qradar.tls.ca_file", "outputs.leef.ca_file", "state.path", "outputs.jsonl.path"}) {
    CHECK(with_token.err.find(": " + key + ": ") != std::string::npos);
  }
}

TEST_CASE("every document the README, the example config and the help name is in the repository") {
  std::string text;
  for (const std::string file : {"README.md", "docs/detection.md", "docs/architecture.md"}) {
    std::ifstream in(sourcePath(file));
    REQUIRE(in);
    text += std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  text += runAihunt({"config", "example"}).out;
  text += runAihunt({"--help"}).out;
  for (const std::string command : {"hunt", "hunts", "aql", "check", "triage", "run"}) {
    text += runAihunt({command, "--help"}).out;
  }
  // The design notes the team works from live beside the checkout and are not shipped: nothing a
  // user reads may point there.
  const std::string notes_folder = std::string("..") + "/" + "shared";
  CHECK(text.find(notes_folder) == std::string::npos);
  CHECK(text.find("design.md") == std::string::npos);
  const std::regex named(R"(docs/[A-Za-z0-9_./-]+\.(md|json))");
  std::set<std::string> documents;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), named);
       it != std::sregex_iterator(); ++it) {
    documents.insert(it->str());
  }
  CHECK(documents.count("docs/detection.md") == 1);
  for (const std::string& document : documents) {
    INFO(document);
    CHECK(std::ifstream(sourcePath(document)).good());
  }
}

TEST_CASE("check names each config error on a line of its own") {
  // A newcomer's trial: every error of the file ran together on the check's one line.
  std::ofstream("cli_conventions_test.two_errors.yaml")
      << "qradar:\n  url: https://q.example\n  tokne_file: x\nhunts: 3\n";
  const ProcessResult checked = runAihunt({"check", "-c", "cli_conventions_test.two_errors.yaml"});
  CHECK(checked.exit_code == 2);
  std::vector<std::string> lines;
  std::istringstream out(checked.out);
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  REQUIRE(lines.size() == 4);  // the check, its two errors, the verdict
  CHECK(lines[0].rfind("FAIL  config ", 0) == 0);
  CHECK(lines[1].find("qradar.tokne_file: unknown key; did you mean 'token_file'?") !=
        std::string::npos);
  CHECK(lines[2].find("hunts: expected a list") != std::string::npos);
  for (const std::size_t i : {std::size_t{1}, std::size_t{2}}) {
    CHECK(lines[i].rfind("      ", 0) == 0);  // under the detail, no status of its own
  }
  CHECK(lines[3].rfind("verdict: NOT READY", 0) == 0);
  // For programs, the one check's detail holds them all.
  const ProcessResult document =
      runAihunt({"check", "-c", "cli_conventions_test.two_errors.yaml", "--format", "json"});
  const auto parsed = nlohmann::json::parse(document.out);
  const std::string detail = parsed["checks"][0]["detail"];
  CHECK(detail.find("tokne_file") != std::string::npos);
  CHECK(detail.find("hunts: expected a list") != std::string::npos);
}

TEST_CASE("output that cannot be written is an error, not success") {
  // `aihunt config example > aihunt.yaml` on a full disk looked done (a newcomer's trial).
  for (const std::string command : {"config example", "hunts", "version", "--help"}) {
    INFO(command);
    const ProcessResult full =
        runProcess("/bin/sh", {"-c", "'" + binaryPath("aihunt") + "' " + command + " > /dev/full"});
    CHECK(full.exit_code == 2);
    CHECK(full.err.find("writing the output failed") != std::string::npos);
    const ProcessResult fine =
        runProcess("/bin/sh", {"-c", "'" + binaryPath("aihunt") + "' " + command + " > /dev/null"});
    CHECK(fine.exit_code == 0);
  }
  // A closed stdout, whose number a file or socket opened later would take (an online trial:
  // the findings went into libcurl's socket, exit 0; with --deliver, into the state's lock
  // file).
  std::ofstream("cli_conventions_test.deliver.yaml")
      << "outputs:\n  jsonl:\n    path: cli_conventions_test.findings.jsonl\nstate:\n  path: "
         "cli_conventions_test.state.db\n";
  const ProcessResult closed =
      runProcess("/bin/sh", {"-c", "'" + binaryPath("aihunt") + "' hunt --offline '" +
                                       sourcePath("content/samples/events.jsonl") +
                                       "' -c cli_conventions_test.deliver.yaml --deliver --now "
                                       "2026-11-26T18:00:00Z -f jsonl >&-"});
  INFO(closed.err);
  CHECK(closed.exit_code == 2);
  CHECK(closed.err.find("writing findings failed") != std::string::npos);
}

TEST_CASE("a misspelt subcommand, or an events file without --offline, gets the likely fix") {
  // A newcomer's trial: these said only "unexpected argument ... options start with --".
  const ProcessResult config = runAihunt({"config", "chek", "aihunt.yaml"});
  CHECK(config.exit_code == 2);
  CHECK(config.err.find("did you mean 'check'?") != std::string::npos);
  const ProcessResult aql = runAihunt({"aql", "lnt", "q.aql"});
  CHECK(aql.exit_code == 2);
  CHECK(aql.err.find("did you mean 'lint'?") != std::string::npos);
  const std::string events = sourcePath("content/samples/events.jsonl");
  const ProcessResult hunt = runAihunt({"hunt", events});
  CHECK(hunt.exit_code == 2);
  CHECK(hunt.out.empty());
  CHECK(hunt.err.find("give --offline " + events) != std::string::npos);
  // Not where --offline takes no file (config check's is a switch), nor where it is given.
  const ProcessResult config_two = runAihunt({"config", "check", events, events});
  CHECK(config_two.exit_code == 2);
  CHECK(config_two.err.find("give --offline") == std::string::npos);
  const ProcessResult given = runAihunt({"hunt", "--offline", events, events});
  CHECK(given.exit_code == 2);
  CHECK(given.err.find("give --offline") == std::string::npos);
  // Two files after --offline (a trial): one file a run, and how to hunt both.
  CHECK(given.err.find("--offline reads one file") != std::string::npos);
  // A name that is no file keeps the general advice.
  const ProcessResult stray = runAihunt({"hunt", "no-such-file.jsonl"});
  CHECK(stray.exit_code == 2);
  CHECK(stray.err.find("--offline") == std::string::npos);
}

TEST_CASE("a JSON file given as the query, and config check without a file, say what they are") {
  // A trial: --aql events.jsonl was an AQL syntax error at '{'; config check alone printed
  // only its usage.
  const ProcessResult json_query =
      runAihunt({"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--aql",
                 sourcePath("content/samples/events.jsonl")});
  CHECK(json_query.exit_code == 2);
  CHECK(json_query.out.empty());
  CHECK(json_query.err.find("holds JSON, not an AQL query") != std::string::npos);
  // A byte-order mark before the query (an editor on Windows) is no part of it.
  std::ofstream("cli_conventions_test.bom.aql")
      << "\xEF\xBB\xBFSELECT sourceip AS s FROM events LAST 1 HOURS\n";
  const ProcessResult bom = runAihunt({"aql", "lint", "cli_conventions_test.bom.aql"});
  INFO(bom.err);
  CHECK(bom.exit_code == 0);
  // A `--` comment is refused by hunt --aql too, before anything runs (a trial: a one-word one
  // parsed, and the hunt found nothing).
  std::ofstream("cli_conventions_test.dash.aql")
      << "SELECT sourceip AS s, URL AS url FROM events WHERE URL ILIKE '%openai%' --note\n";
  const ProcessResult dashed =
      runAihunt({"hunt", "--offline", sourcePath("content/samples/events.jsonl"), "--aql",
                 "cli_conventions_test.dash.aql", "--format", "jsonl"});
  INFO(dashed.err);
  CHECK(dashed.exit_code == 2);
  CHECK(dashed.out.empty());
  CHECK(dashed.err.find("[double-dash]") != std::string::npos);
  const ProcessResult no_file = runAihunt({"config", "check"});
  CHECK(no_file.exit_code == 2);
  CHECK(no_file.err.find("error: config check needs the config file") != std::string::npos);
}

TEST_CASE("an open-files limit too low to work with is said; a soft one is raised silently") {
  // A resource trial: at `ulimit -n 16` aihunt blamed its CA file and the console.
  const auto hard = runProcess(
      "/bin/sh", {"-c", "ulimit -n 16 && exec '" + binaryPath("aihunt") + "' --version"});
  CHECK(hard.exit_code == 0);
  CHECK(hard.err.find("aihunt: warning: the open-files limit is 16 (ulimit -n)") !=
        std::string::npos);
  // A soft limit under a higher hard one goes up (the trial's online failures began under 32).
  const auto soft = runProcess(
      "/bin/sh", {"-c", "ulimit -S -n 20 && exec '" + binaryPath("aihunt") + "' --version"});
  CHECK(soft.exit_code == 0);
  CHECK(soft.err.find("open-files limit") == std::string::npos);
}
