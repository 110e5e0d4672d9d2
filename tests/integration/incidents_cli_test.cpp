// Incidents as a user sees them: the sample telemetry's findings folded into one incident per
// scenario action, in the table and in JSON, and the JSON valid against its published schema.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/aihunt_cli.h"

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
                                   "--last",
                                   "24h",
                                   "--config",
                                   exampleConfigPath()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::size_t lineCount(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::set<std::string> strings(const json& array) {
  std::set<std::string> out;
  for (const auto& value : array) out.insert(value.get<std::string>());
  return out;
}

// Validates `document` (one JSON value, or JSON Lines when `lines`) against the incident schema
// with Debian's python3-jsonschema; returns what the validator said, empty when valid.
std::string schemaErrors(const std::string& document, bool lines) {
  const std::string file = lines ? "incidents.test.jsonl" : "incidents.test.json";
  std::ofstream(file) << document;
  static const char* kScript = R"(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
text = open(sys.argv[2]).read()
records = [json.loads(l) for l in text.splitlines() if l] if sys.argv[3] == "lines" else json.loads(text)
errors = [f"{i}: {e.message}" for i, r in enumerate(records) for e in validator.iter_errors(r)]
print("\n".join(errors) if errors else "", end="")
print(f"checked {len(records)}", file=sys.stderr)
sys.exit(1 if errors or not records else 0)
)";
  const auto result =
      runProcess("/usr/bin/python3", {"-c", kScript, sourcePath("docs/schema/incident.schema.json"),
                                      file, lines ? "lines" : "document"});
  if (result.exit_code != 0)
    return result.out + result.err + " (exit " + std::to_string(result.exit_code) + ")";
  return {};
}

}  // namespace

TEST_CASE("the sample's findings fold into one incident per scenario action, every source named") {
  const auto findings_run = runAihunt(sampleArgs({"--format", "jsonl"}));
  REQUIRE(findings_run.exit_code == 0);
  const auto findings = jsonLines(findings_run.out);
  const auto incidents_run = runAihunt(sampleArgs({"--format", "jsonl", "--view", "incidents"}));
  INFO(incidents_run.err);
  REQUIRE(incidents_run.exit_code == 0);
  const auto incidents = jsonLines(incidents_run.out);

  // Each scenario action by its source IP, with the telemetry that recorded it.
  const std::map<std::string, std::set<std::string>> expected = {
      {"10.1.4.21", {"Sysmon 1", "4688", "Sysmon 3", "proxy"}},         // PowerShell iwr
      {"10.1.9.12", {"Sysmon 1", "4688", "Sysmon 3", "proxy"}},         // curl POST
      {"10.1.2.88", {"Sysmon 1", "4688", "4104", "Sysmon 3", "NGFW"}},  // key in a variable
      {"10.8.1.14", {"auditd", "Zeek", "NGFW"}},                        // Linux curl
      {"10.1.5.61", {"proxy"}},                                         // large upload
      {"10.1.3.9", {"Sysmon 22"}},                                      // mshta
  };
  std::map<std::string, int> per_ip;
  for (const auto& incident : incidents) {
    const std::string ip = incident["actor"]["source_ip"];
    ++per_ip[ip];
    if (const auto it = expected.find(ip); it != expected.end()) {
      INFO(incident.dump());
      CHECK(strings(incident["sources"]) == it->second);
    }
  }
  for (const auto& [ip, sources] : expected) {
    INFO(ip);
    CHECK(per_ip[ip] == 1);
  }
  // The Python SDK scenario is three actions: pip installing the SDK, python importing it with a
  // key on its command line (no provider named), then python calling the API.
  CHECK(per_ip["10.1.7.33"] == 3);
  CHECK(incidents.size() == 9);

  // Every finding is in exactly one incident.
  std::multiset<std::string> folded;
  for (const auto& incident : incidents) {
    for (const auto& id : incident["finding_ids"]) folded.insert(id.get<std::string>());
  }
  std::multiset<std::string> all;
  for (const auto& finding : findings) all.insert(finding["finding_id"].get<std::string>());
  CHECK(folded == all);

  // The CORP\ and bare forms of one user are one actor, shown qualified.
  for (const auto& incident : incidents) {
    if (incident["actor"]["source_ip"] == "10.1.4.21") {
      CHECK(incident["actor"]["user"] == "jdoe");
      CHECK(incident["actor"]["user_display"] == "CORP\\jdoe");
      CHECK(incident["events"] == 3);  // Sysmon 1 and 4688 of one process are one event
      CHECK(incident["risk_score"].get<int>() <= 100);
    }
  }
}

TEST_CASE("the table shows incidents by default and every finding with --view findings") {
  const auto findings = jsonLines(runAihunt(sampleArgs({"--format", "jsonl"})).out);
  const auto incidents =
      jsonLines(runAihunt(sampleArgs({"--format", "jsonl", "--view", "incidents"})).out);
  const auto table = runAihunt(sampleArgs({}));
  REQUIRE(table.exit_code == 0);
  // Header, one row each, a blank line, the footer.
  CHECK(lineCount(table.out) == incidents.size() + 3);
  CHECK(table.out.find(std::to_string(incidents.size()) + " incidents from " +
                       std::to_string(findings.size()) +
                       " findings; 4 suppressed by exceptions; "
                       "0 hunts failed") != std::string::npos);
  const auto rows = runAihunt(sampleArgs({"--view", "findings"}));
  REQUIRE(rows.exit_code == 0);
  CHECK(lineCount(rows.out) == findings.size() + 3);
  // Not a terminal: no colour, whatever the environment says.
  CHECK(table.out.find('\x1b') == std::string::npos);

  // With --show-suppressed the suppressed incidents are rows too, and the footer counts them, so
  // that the rows add up.
  const auto with_suppressed = jsonLines(
      runAihunt(sampleArgs({"--format", "jsonl", "--view", "incidents", "--show-suppressed"})).out);
  const auto suppressed =
      std::count_if(with_suppressed.begin(), with_suppressed.end(),
                    [](const json& incident) { return incident["suppressed"]; });
  REQUIRE(suppressed > 0);
  const auto shown = runAihunt(sampleArgs({"--show-suppressed"}));
  REQUIRE(shown.exit_code == 0);
  // Header, one row each, then a blank line before the footer.
  CHECK(shown.out.find("\n\n") != std::string::npos);
  CHECK(lineCount(shown.out.substr(0, shown.out.find("\n\n") + 1)) == with_suppressed.size() + 1);
  const std::regex footer(
      R"((\d+) incidents from \d+ findings; 4 suppressed by exceptions \(shown as (\d+) suppressed incidents?\))");
  std::smatch match;
  REQUIRE(std::regex_search(shown.out, match, footer));
  CHECK(std::stol(match[1]) == static_cast<long>(incidents.size()));
  CHECK(std::stol(match[2]) == suppressed);

  // The footer fits the width too: at 80 columns its parts go on lines of their own.
  for (const char* view : {"incidents", "findings"}) {
    INFO(view);
    const auto narrow =
        runProcess(aihunt::testing::binaryPath("aihunt"),
                   sampleArgs({"--show-suppressed", "--view", view}), {}, 120, {"COLUMNS=80"});
    REQUIRE(narrow.exit_code == 0);
    std::istringstream lines(narrow.out);
    for (std::string line; std::getline(lines, line);) {
      INFO(line);
      // Code points: the sample's cells are one column each ("…" included).
      CHECK(std::count_if(line.begin(), line.end(), [](char c) {
              return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            }) <= 80);
    }
    CHECK(narrow.out.find("suppressed by exceptions (shown as 4 suppressed") != std::string::npos);
  }

  const auto bad = runAihunt(sampleArgs({"--view", "rows"}));
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
}

TEST_CASE("incident JSON and JSON Lines validate against docs/schema/incident.schema.json") {
  const auto jsonl =
      runAihunt(sampleArgs({"--format", "jsonl", "--view", "incidents", "--show-suppressed"}));
  REQUIRE(jsonl.exit_code == 0);
  CHECK(schemaErrors(jsonl.out, true).empty());
  const auto document = runAihunt(sampleArgs({"--format", "json", "--view", "incidents"}));
  REQUIRE(document.exit_code == 0);
  // The document is the envelope of docs/output.md, its list under "incidents".
  const json envelope = json::parse(document.out);
  CHECK(envelope["view"] == "incidents");
  CHECK(envelope["complete"] == true);
  CHECK(schemaErrors(envelope["incidents"].dump(), false).empty());
  // The schema rejects what it should: a record without its version is not an incident.
  json broken = jsonLines(jsonl.out).front();
  broken.erase("schema_version");
  CHECK_FALSE(schemaErrors(broken.dump() + "\n", true).empty());

  const auto csv = runAihunt(sampleArgs({"--format", "csv", "--view", "incidents"}));
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("incident_id,first_seen,", 0) == 0);
  CHECK(lineCount(csv.out) == envelope["incidents"].size() + 1);
}

TEST_CASE("aihunt incidents folds a findings file as the hunt that wrote it would") {
  // What an analyst runs on the daemon's JSONL file: the hunt's findings written as JSON Lines,
  // read back, give the hunt's own incidents. Suppressed findings stay out unless asked for.
  const auto written = runAihunt(sampleArgs({"--format", "jsonl", "--show-suppressed"}));
  REQUIRE(written.exit_code == 0);
  const auto findings = jsonLines(written.out);
  REQUIRE(findings.size() > 20);
  const auto suppressed = static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [](const json& f) { return f["suppressed"] == true; }));
  REQUIRE(suppressed > 0);
  std::ofstream("incidents_cli_test.findings.jsonl") << written.out;
  for (const bool show_suppressed : {false, true}) {
    INFO("--show-suppressed " << show_suppressed);
    std::vector<std::string> hunt_args = {"--format", "json", "--view", "incidents"};
    std::vector<std::string> args = {"incidents", "incidents_cli_test.findings.jsonl",
                                     "--config",  exampleConfigPath(),
                                     "--format",  "json"};
    if (show_suppressed) {
      hunt_args.emplace_back("--show-suppressed");
      args.emplace_back("--show-suppressed");
    }
    const auto expected = json::parse(runAihunt(sampleArgs(hunt_args)).out);
    const auto folded = runAihunt(args);
    INFO(folded.err);
    REQUIRE(folded.exit_code == 0);
    const auto document = json::parse(folded.out);
    CHECK(document["complete"] == true);
    REQUIRE_FALSE(expected["incidents"].empty());
    CHECK(document["incidents"] == expected["incidents"]);
    const auto& counts = document["hunts"][0];
    CHECK(counts["rows"] == findings.size());
    // Counted as the hunt counts them, with --show-suppressed or without (a re-trial: shown,
    // they were counted as findings no exception suppressed).
    CHECK(counts["findings"] == findings.size() - suppressed);
    CHECK(counts["suppressed"] == suppressed);
    std::uint64_t hunt_findings = 0;
    std::uint64_t hunt_suppressed = 0;
    for (const json& hunt : expected["hunts"]) {
      hunt_findings += hunt["findings"].get<std::uint64_t>();
      hunt_suppressed += hunt["suppressed"].get<std::uint64_t>();
    }
    CHECK(counts["findings"] == hunt_findings);
    CHECK(counts["suppressed"] == hunt_suppressed);
  }
  // A newcomer's trial: suppressed findings outside the window were counted as this window's.
  const auto outside = runAihunt({"incidents", "incidents_cli_test.findings.jsonl", "--from",
                                  "2020-01-01", "--to", "2020-01-02", "-f", "json"});
  REQUIRE(outside.exit_code == 0);
  CHECK(json::parse(outside.out)["hunts"][0]["suppressed"] == 0);
  // A window that holds only suppressed findings is not said to hold none.
  std::string only_suppressed;
  for (const json& finding : findings) {
    if (finding["suppressed"] == true) {
      only_suppressed = finding["event_time"].get<std::string>();
      break;
    }
  }
  bool alone = true;  // no unsuppressed finding in the same second
  for (const json& finding : findings) {
    if (finding["suppressed"] == false && finding["event_time"] == only_suppressed) alone = false;
  }
  REQUIRE(alone);
  const auto one_second =
      runAihunt({"incidents", "incidents_cli_test.findings.jsonl", "--from", only_suppressed,
                 "--to", only_suppressed.substr(0, 19) + ".999Z", "-f", "json"});
  INFO(one_second.err);
  REQUIRE(one_second.exit_code == 0);
  CHECK(json::parse(one_second.out)["hunts"][0]["suppressed"] >= 1);
  CHECK(one_second.err.find("in the window") == std::string::npos);
}

TEST_CASE("aihunt incidents reads rotated, compressed and repeated files once per finding") {
  const auto written = runAihunt(sampleArgs({"--format", "jsonl"}));
  REQUIRE(written.exit_code == 0);
  const auto findings = jsonLines(written.out);
  REQUIRE(findings.size() > 10);
  std::ofstream("incidents_cli_test.all.jsonl") << written.out;
  // Two "rotated" files that overlap by three findings (a sink delivers at least once), the
  // older one compressed as logrotate leaves it.
  std::istringstream lines(written.out);
  std::string older;
  std::string newer;
  std::size_t index = 0;
  for (std::string line; std::getline(lines, line); ++index) {
    if (index < findings.size() / 2 + 3) older += line + "\n";
    if (index >= findings.size() / 2) newer += line + "\n";
  }
  std::ofstream("incidents_cli_test.older.jsonl") << older;
  REQUIRE(runProcess("/bin/gzip", {"-f", "incidents_cli_test.older.jsonl"}).exit_code == 0);
  std::ofstream("incidents_cli_test.newer.jsonl") << newer;
  const auto whole = runAihunt({"incidents", "incidents_cli_test.all.jsonl", "-f", "jsonl"});
  const auto rotated = runAihunt({"incidents", "incidents_cli_test.older.jsonl.gz",
                                  "incidents_cli_test.newer.jsonl", "-f", "json"});
  INFO(rotated.err);
  REQUIRE(whole.exit_code == 0);
  REQUIRE(rotated.exit_code == 0);
  const auto document = json::parse(rotated.out);
  CHECK(document["hunts"][0]["rows"] == findings.size() + 3);
  CHECK(document["hunts"][0]["findings"] == findings.size());
  const auto one_file = jsonLines(whole.out);
  REQUIRE_FALSE(one_file.empty());
  CHECK(json(one_file) == document["incidents"]);

  // A window keeps the findings whose event_time is in it: with none in it, said so.
  const auto windowed = runAihunt({"incidents", "incidents_cli_test.all.jsonl", "--now",
                                   "2026-11-26T12:00:00Z", "--last", "2h", "-f", "json"});
  REQUIRE(windowed.exit_code == 0);
  const auto in_window =
      static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [](const json& f) {
        const std::string at = f["event_time"];
        return at >= "2026-11-26T10:00:00" && at < "2026-11-26T12:00:00";
      }));
  REQUIRE(in_window > 0);
  CHECK(json::parse(windowed.out)["hunts"][0]["findings"] == in_window);
  const auto none = runAihunt(
      {"incidents", "incidents_cli_test.all.jsonl", "--from", "2020-01-01", "--to", "2020-01-02"});
  CHECK(none.exit_code == 0);
  CHECK(none.err.find("none of the " + std::to_string(findings.size()) +
                      " findings read is in the window 2020-01-01T00:00:00.000Z to "
                      "2020-01-02T00:00:00.000Z") != std::string::npos);
  // With where the findings lie: the earliest and the latest event_time read.
  std::string earliest = findings.front()["event_time"];
  std::string latest = earliest;
  for (const json& finding : findings) {
    earliest = std::min(earliest, finding["event_time"].get<std::string>());
    latest = std::max(latest, finding["event_time"].get<std::string>());
  }
  INFO(none.err);
  CHECK(none.err.find("their event_time runs from " + earliest + " to " + latest) !=
        std::string::npos);
}

TEST_CASE("findings and Ariel results given to the wrong command fail and print nothing") {
  const auto written = runAihunt(sampleArgs({"--format", "jsonl"}));
  REQUIRE(written.exit_code == 0);
  std::ofstream("incidents_cli_test.mixup.jsonl") << written.out;
  // Findings read as Ariel rows would lose their evidence and scores.
  for (const char* format : {"table", "jsonl", "csv"}) {
    const auto triaged = runAihunt({"triage", "incidents_cli_test.mixup.jsonl", "-f", format});
    CHECK(triaged.exit_code == 2);
    CHECK(triaged.out.empty());
    CHECK(triaged.err.find("aihunt's own findings") != std::string::npos);
    CHECK(triaged.err.find("aihunt incidents") != std::string::npos);
  }
  // So is their --format json document (a re-trial: it was only "not a results document").
  std::ofstream("incidents_cli_test.mixup.json") << runAihunt(sampleArgs({"--format", "json"})).out;
  const auto json_document = runAihunt({"triage", "incidents_cli_test.mixup.json"});
  CHECK(json_document.exit_code == 2);
  CHECK(json_document.out.empty());
  CHECK(json_document.err.find("aihunt's findings document") != std::string::npos);
  // Ariel results and raw events are not findings: each is named, with the command that reads
  // it.
  for (const auto& [input, said] : std::vector<std::pair<std::string, std::string>>{
           {sourcePath("content/samples/ariel_results.json"), "Ariel results document"},
           {sourcePath("content/samples/events.jsonl"), "exported QRadar events"}}) {
    const auto folded = runAihunt({"incidents", input});
    INFO(folded.err);
    CHECK(folded.exit_code == 2);
    CHECK(folded.out.empty());
    CHECK(folded.err.find("not one of aihunt's findings") != std::string::npos);
    CHECK(folded.err.find(said) != std::string::npos);
  }
  // A findings file cut mid-line: nothing folded from part of it.
  std::ofstream("incidents_cli_test.cut.jsonl") << written.out.substr(0, written.out.size() - 40);
  const auto cut = runAihunt({"incidents", "incidents_cli_test.cut.jsonl", "-f", "csv"});
  CHECK(cut.exit_code == 2);
  CHECK(cut.out.empty());
  // --format json: the envelope says the run is incomplete and why, as a failed hunt's does.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"incidents", "incidents_cli_test.cut.jsonl", "-f", "json"},
           {"triage", "incidents_cli_test.mixup.jsonl", "-f", "json"}}) {
    const auto document = runAihunt(args);
    CHECK(document.exit_code == 2);
    const auto parsed = json::parse(document.out);
    CHECK(parsed["complete"] == false);
    CHECK(parsed["hunts"][0]["status"] == "failed");
    CHECK_FALSE(parsed["hunts"][0]["error"].get<std::string>().empty());
    // And lists none (a newcomer's trial): incidents folded from part of a file, or findings
    // that lost their evidence and scores, would mislead.
    CHECK(parsed[args[0] == "incidents" ? "incidents" : "findings"].empty());
  }
  // Findings and Ariel rows given to hunt --offline: no event has a start time it can place;
  // the run fails and names the command that reads them.
  std::ifstream results_file(sourcePath("content/samples/ariel_results.json"));
  const json results = json::parse(results_file);
  std::ostringstream rows;
  for (const json& row : results["events"]) rows << row.dump() << "\n";
  REQUIRE_FALSE(rows.str().empty());
  std::ofstream("incidents_cli_test.rows.jsonl") << rows.str();
  for (const auto& [input, command] : std::vector<std::pair<std::string, std::string>>{
           {"incidents_cli_test.mixup.jsonl", "aihunt incidents"},
           {"incidents_cli_test.rows.jsonl", "aihunt triage"}}) {
    const auto hunted =
        runAihunt({"hunt", "--offline", input, "--now", "2026-11-26T18:00:00Z", "-f", "jsonl"});
    INFO(hunted.err);
    CHECK(hunted.exit_code == 2);
    CHECK(hunted.out.empty());
    CHECK(hunted.err.find(command) != std::string::npos);
  }
}

TEST_CASE("a findings file cut short names its last line as such") {
  const auto written = runAihunt(sampleArgs({"--format", "jsonl"}));
  REQUIRE(written.exit_code == 0);
  REQUIRE(written.out.size() > 100);
  // Half of the last line, with no line end: a file copied while the daemon wrote it.
  const std::size_t last = written.out.rfind('\n', written.out.size() - 2) + 1;
  const std::string cut = written.out.substr(0, last + (written.out.size() - last) / 2);
  const auto folded = runAihunt({"incidents", "-", "-f", "jsonl"}, cut);
  CHECK(folded.exit_code == 2);
  CHECK(folded.out.empty());
  CHECK(folded.err.find("is the file cut short?") != std::string::npos);
  // Whole, it reads.
  CHECK(runAihunt({"incidents", "-", "-f", "jsonl"}, written.out).exit_code == 0);
}

TEST_CASE("--to before --from says both times as read") {
  const auto result = runAihunt(
      {"incidents", "-", "--from", "2026-11-26 10:00", "--to", "2026-11-26T09:00:00+02:00"}, "");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("--to (2026-11-26T07:00:00.000Z) must be after --from "
                        "(2026-11-26T10:00:00.000Z)") != std::string::npos);
}
