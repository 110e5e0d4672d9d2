// Issue 12, server data cannot forge output: crafted strings (ESC, an OSC title sequence, CSI, CR,
// LF, NUL, the C1 control U+009B, the bidi override U+202E and isolate U+2066) sent by a console
// in search ids, search error messages, HTTP error bodies and event fields reach no text output,
// log line or CSV cell as they are. Real aihunt, against a scripted console on loopback (port 0)
// for the search answers and against the real qradar-emu for the rows. And `aihunt check` warns
// about a token that can do more than aihunt needs.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/emulator/emu_fixture.h"
#include "tests/support/background_process.h"
#include "tests/support/process_runner.h"
#include "tests/support/scripted_console.h"

using aihunt::testing::binaryPath;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::ScriptedConsole;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";

// The attack, as JSON text (what a console would send) and as the bytes it decodes to.
constexpr const char* kHostileJson =
    "\\u001b]0;owned\\u0007\\u001b[2J\\r\\nFORGED-LINE \\u0000 \\u009b31m \\u202etxt.exe "
    "\\u2066end";

// Byte sequences that must appear in no text output (CR only where it ends a CSV row).
const std::vector<std::string>& forbidden() {
  static const std::vector<std::string> kBytes = {"\x1b",     "\x07",         std::string(1, '\0'),
                                                  "\xC2\x9B", "\xE2\x80\xAE", "\xE2\x81\xA6"};
  return kBytes;
}

void requireInert(const std::string& what, const std::string& text) {
  INFO(what << ":\n" << text);
  for (const std::string& bytes : forbidden()) CHECK(text.find(bytes) == std::string::npos);
  // No line may start with the forged text, and no bare CR may rewind a line.
  CHECK(text.find("\nFORGED-LINE") == std::string::npos);
  CHECK(text.rfind("FORGED-LINE", 0) != 0);
  for (std::size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1)) {
    CHECK((at + 1 < text.size() && text[at + 1] == '\n'));
    CHECK(text.compare(at + 2, 11, "FORGED-LINE") != 0);
  }
}

// `stdout_is_json`: findings as JSON, which is escaped exactly rather than sanitised (a JSON
// reader gets every value back); its control characters are escaped, but printable-but-hidden
// characters such as U+202E stay as UTF-8, so only stderr is checked in full then.
ProcessResult runAihunt(const std::vector<std::string>& args, bool stdout_is_json = false) {
  ProcessResult result = runProcess(binaryPath("aihunt"), args, {}, 60,
                                    {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  if (stdout_is_json) {
    CHECK(result.out.find('\x1b') == std::string::npos);
  } else {
    requireInert("stdout", result.out);
  }
  requireInert("stderr", result.err);
  return result;
}

ScriptedConsole::Answer versions(const std::string& target) {
  if (target.rfind("/api/help/versions", 0) == 0) return {200, R"(["20.0", "26.0"])"};
  return {0, ""};
}

std::vector<std::string> huntArgs(const std::string& url, std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "hunt",  "--qradar-url",         url,         "--hunt", "proxy-ai-api",
      "--now", "2026-11-26T18:00:00Z", "--retries", "1",      "--retry-delay",
      "10ms",  "--poll-delay",         "10ms"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("hostile search ids and error messages reach no output raw", "[hostile][online]") {
  const std::string hostile_id = std::string("id-") + kHostileJson;
  ScriptedConsole console([&](const std::string& method, const std::string& target) {
    if (auto answer = versions(target); answer.status != 0) return answer;
    const std::string status =
        std::string(R"({"search_id":")") + hostile_id +
        R"(","status":"ERROR","progress":10,"error_messages":[{"message":")" + kHostileJson +
        R"(","severity":"ERROR"}]})";
    if (method == "POST" && target == "/api/ariel/searches") {
      return ScriptedConsole::Answer{201, std::string(R"({"search_id":")") + hostile_id +
                                              R"(","status":"WAIT","progress":0})"};
    }
    if (method == "GET") return ScriptedConsole::Answer{200, status};
    return ScriptedConsole::Answer{200, status};  // cancel and delete
  });
  for (const char* format : {"text", "json"}) {
    INFO("--log-format " << format);
    const auto result = runAihunt(huntArgs(
        console.url(), {"--log-level", "trace", "--log-format", format, "--format", "csv"}));
    CHECK(result.exit_code == 4);
    // The message was shown, made inert, not dropped.
    CHECK(result.err.find("owned") != std::string::npos);
    CHECK(result.err.find("FORGED-LINE") != std::string::npos);
  }
  CHECK(console.requests() > 2);
}

TEST_CASE("hostile HTTP error bodies reach no output raw", "[hostile][online]") {
  for (const bool json_body : {true, false}) {
    INFO("JSON body: " << json_body);
    ScriptedConsole console([&](const std::string&, const std::string& target) {
      if (auto answer = versions(target); answer.status != 0) return answer;
      if (json_body) {
        return ScriptedConsole::Answer{
            422, std::string(R"({"http_response":{"code":422,"message":"x"},"code":2000,)") +
                     R"("message":")" + kHostileJson + R"(","description":""})"};
      }
      return ScriptedConsole::Answer{
          400, "<html>\x1b]0;owned\x07\r\nFORGED-LINE \xC2\x9B \xE2\x80\xAE\xFF</html>"};
    });
    const auto result = runAihunt(huntArgs(console.url(), {"--log-level", "trace"}));
    CHECK(result.exit_code != 0);
    CHECK(result.err.find("owned") != std::string::npos);
  }
}

TEST_CASE("hostile event fields reach no table, CSV or log raw", "[hostile][online]") {
  RunningEmu emu({"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json")},
                 std::string("tokens:\n  - {token: ") + kToken +
                     ", user: aihunt, role: hunter}\nadmin_token: admin-token-0003\n");
  REQUIRE(emu.ok());
  // A python process posting to Anthropic (a finding), with the attack in every text field the
  // table and CSV show; and one whose user name a spreadsheet would run as a formula.
  const std::string hostile =
      std::string(R"({"starttime": 1795679113000, "sourceip": "10.50.0.11",)") +
      R"( "destinationip": "160.79.104.10", "destinationport": 443,)" + R"( "username": "u)" +
      kHostileJson + R"(", "category": 7006,)" +
      R"( "logsourceid": 121, "devicetype": 103, "qid": 5002001,)" +
      R"( "Application": "/usr/bin/python3.11",)" + R"( "URL": "https://api.anthropic.com/v1/)" +
      kHostileJson + R"(",)" + R"( "Bytes Sent": 4200, "Hostname": "h)" + kHostileJson + R"("})";
  const std::string formula =
      R"j({"starttime": 1795679114000, "sourceip": "10.50.0.12", "destinationip": "160.79.104.10",)j"
      R"j( "destinationport": 443, "username": " =HYPERLINK(\"http://x\")", "category": 7006,)j"
      R"j( "logsourceid": 121, "devicetype": 103, "qid": 5002001,)j"
      R"j( "Application": "/usr/bin/python3.11", "URL": "https://api.anthropic.com/v1/messages",)j"
      R"j( "Bytes Sent": 4200, "Hostname": "@h"})j";
  const auto added = emu.admin("POST", "/admin/events", hostile + "\n" + formula + "\n");
  REQUIRE(added.status == 200);

  const std::vector<std::string> connect = {
      "hunt",          "--qradar-url", emu.base(),
      "--ca-file",     emu.caFile(),   "--hunt",
      "proxy-ai-api",  "--now",        aihunt::testing::kSampleNow,
      "--retry-delay", "20ms",         "--poll-delay",
      "20ms",          "--log-level",  "trace"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = connect;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const auto jsonl = runAihunt(with({"--format", "jsonl"}), /*stdout_is_json=*/true);
  REQUIRE(jsonl.exit_code == 0);
  // JSON is escaped exactly, not sanitised: the attack comes back whole from a JSON reader.
  bool found_hostile = false;
  std::istringstream lines(jsonl.out);
  for (std::string line; std::getline(lines, line);) {
    const json finding = json::parse(line);
    if (finding["source_ip"] == "10.50.0.11") {
      found_hostile = true;
      CHECK(finding["username"].get<std::string>().find("\x1b]0;owned\x07") != std::string::npos);
    }
  }
  REQUIRE(found_hostile);

  // --wide: every column, the source IP too (the hostile host and user are long, and a narrow
  // table leaves the source IP out before it cuts them).
  const auto table = runAihunt(with({"--format", "table", "--wide"}));
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("10.50.0.11") != std::string::npos);

  const auto csv = runAihunt(with({"--format", "csv", "--log-format", "json"}));
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.find("10.50.0.11") != std::string::npos);
  CHECK(csv.out.find("owned") != std::string::npos);
  // Formula cells are neutralised with a leading apostrophe (before any leading space).
  const std::size_t formula_at = csv.out.find("=HYPERLINK");
  REQUIRE(formula_at != std::string::npos);
  REQUIRE(formula_at >= 2);
  CHECK((csv.out[formula_at - 1] == '\'' ||
         (csv.out[formula_at - 1] == ' ' && csv.out[formula_at - 2] == '\'')));
}

TEST_CASE("aihunt check warns about a token that can do more than aihunt needs",
          "[check][online]") {
  constexpr const char* kAdminApiToken = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
  RunningEmu emu({"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
                  sourcePath("content/samples/qradar_lookups.json")},
                 std::string("tokens:\n  - {token: ") + kToken +
                     ", user: aihunt, role: hunter}\n  - {token: " + kAdminApiToken +
                     ", user: root, role: admin}\nadmin_token: admin-token-0003\n");
  REQUIRE(emu.ok());
  // The emulator answers the admin-only read as QRadar documents it: 403 without ADMIN.
  CHECK(emu.call("GET", "/api/staged_config/access/users", {}, {}, kToken).status == 403);
  CHECK(emu.call("GET", "/api/staged_config/access/users", {}, {}, kAdminApiToken).status == 200);

  auto check = [&](const std::string& token) {
    ProcessResult result = runProcess(
        binaryPath("aihunt"),
        {"check", "--qradar-url", emu.base(), "--ca-file", emu.caFile(), "--retry-delay", "20ms"},
        {}, 60, {"AIHUNT_QRADAR_TOKEN=" + token});
    INFO(result.out << result.err);
    CHECK(result.out.find(token) == std::string::npos);
    return result;
  };
  const auto least = check(kToken);
  INFO(least.out);
  CHECK(least.exit_code == 0);
  CHECK(least.out.find("ok    least privilege") != std::string::npos);
  CHECK(least.out.find("Log Activity") != std::string::npos);
  CHECK(least.out.find("WARN") == std::string::npos);

  const auto admin = check(kAdminApiToken);
  INFO(admin.out);
  CHECK(admin.exit_code == 0);  // it works; it is a warning
  CHECK(admin.out.find("WARN  least privilege") != std::string::npos);
  CHECK(admin.out.find("Log Activity") != std::string::npos);
  CHECK(admin.out.find("verdict: READY (see the warnings above)") != std::string::npos);
}

TEST_CASE("a hostile reference set type forges no line of aihunt check", "[hostile][check]") {
  // The legacy reference-set read (API 20.0) answers with an element type holding the attack.
  ScriptedConsole console([&](const std::string&, const std::string& target) {
    if (target.rfind("/api/help/versions", 0) == 0)
      return ScriptedConsole::Answer{200, R"(["20.0"])"};
    if (target.rfind("/api/reference_data/sets/", 0) == 0) {
      return ScriptedConsole::Answer{
          200, std::string(R"({"name":"AIHunt Test Sources","element_type":"ALN)") + kHostileJson +
                   R"(","number_of_elements":0,"creation_time":0,"timeout_type":"LAST_SEEN"})"};
    }
    if (target.rfind("/api/ariel/databases", 0) == 0) {
      return ScriptedConsole::Answer{200, R"(["events", "flows"])"};
    }
    return ScriptedConsole::Answer{200, "[]"};
  });
  const std::string dir = aihunt::testing::makeTempDir("aihunt-hostile-check-");
  const std::string config = dir + "/aihunt.yaml";
  std::ofstream(config) << "qradar:\n  url: " << console.url()
                        << "\n  api_version: \"20.0\"\n"
                           "outputs:\n  reference_sets:\n    enabled: true\n    sets:\n"
                           "      - {name: AIHunt Test Sources, field: source_ip}\n";
  const ProcessResult result =
      runAihunt({"check", "-c", config, "--retries", "1", "--retry-delay", "10ms"});
  INFO("exit " << result.exit_code << "\n" << result.out << result.err);
  CHECK(result.exit_code == 3);  // the set's type is wrong
  // Shown, on the reference set's own FAIL line, and inert.
  const std::size_t line = result.out.find("FAIL  reference set");
  REQUIRE(line != std::string::npos);
  const std::size_t end = result.out.find('\n', line);
  CHECK(result.out.substr(line, end - line).find("FORGED-LINE") != std::string::npos);
}

TEST_CASE("a file name with a line feed forges no line of an error", "[hostile][offline]") {
  // A newcomer's trial: `hunt --offline $'evil\nFAKE: ok.jsonl'` printed "FAKE: ok.jsonl: ..." as
  // a line of its own under the error.
  const std::string dir = aihunt::testing::makeTempDir("aihunt-hostile-name-");
  const std::string name = dir + "/evil\nFORGED: ok.jsonl";
  std::ofstream(name) << "not json\n";
  const std::vector<std::vector<std::string>> runs = {
      {"hunt", "--offline", name, "--now", "2026-11-26T18:00:00Z"},
      {"triage", "--input", name},
      {"hunt", "--offline", dir + "/missing\nFORGED: ok.jsonl"},
      {"config", "check", "--offline", dir + "/missing\nFORGED: ok.yaml"},
  };
  for (const auto& args : runs) {
    const ProcessResult result = runAihunt(args);
    INFO(args.at(0) << " exit " << result.exit_code << "\n" << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("FORGED") != std::string::npos);  // said, inside the error
    std::istringstream lines(result.err);
    for (std::string line; std::getline(lines, line);) CHECK(line.rfind("FORGED", 0) != 0);
  }
}
