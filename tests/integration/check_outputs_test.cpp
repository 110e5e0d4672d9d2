// `aihunt check` and the write-back paths (issue 11): the real aihunt against the real qradar-emu.
// outputs.leef: the syslog receiver is connected to (TLS verified with the configured CA) and no
// event is sent; a receiver that is down or untrusted fails the check (exit 3) with the reason;
// plain TCP passes with a warning.
// outputs.offense_notes: a token whose role lacks the Offenses capability fails the check. And a
// token that cannot read reference data is only informational when no set is configured.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/emulator/emu_fixture.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/process_runner.h"
#include "tests/support/temp_dir.h"

using aihunt::testing::binaryPath;
using aihunt::testing::HttpReply;
using aihunt::testing::parseJson;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";            // all it needs
constexpr const char* kNoOffensesToken = "0b9c8d7e-6f5a-4b4c-9d3e-2f1a0b9c8d7e";  // no OFFENSES
constexpr const char* kSearchOnlyToken = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";  // LOG_ACTIVITY
constexpr const char* kNoRulesToken =
    "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";  // no VIEW_CUSTOM_RULES

std::string emuConfig() {
  return std::string("roles:\n  no_offenses: [LOG_ACTIVITY, REFERENCE_DATA]\n") +
         "  no_rules: [LOG_ACTIVITY, REFERENCE_DATA, OFFENSES]\ntokens:\n" +
         "  - {token: " + kToken + ", user: aihunt, role: hunter}\n" +
         "  - {token: " + kNoRulesToken + ", user: norules, role: no_rules}\n" +
         "  - {token: " + kNoOffensesToken + ", user: noofn, role: no_offenses}\n" +
         "  - {token: " + kSearchOnlyToken + ", user: searcher, role: searcher}\n" +
         "  - {token: " + aihunt::testing::kHunterToken + ", user: analyst, role: hunter}\n" +
         "  - {token: " + aihunt::testing::kAdminApiToken + ", user: admin, role: admin}\n" +
         "admin_token: " + aihunt::testing::kAdminToken + "\n";
}

// A console set up as docs/qradar-setup.md says (the 'aihunt' log source type made, by an
// administrator), unless `set_up` is false.
std::unique_ptr<RunningEmu> startEmu(bool set_up = true,
                                     const std::vector<std::string>& more = {}) {
  // The sample events bring the custom properties the built-in hunts map (the catalog check).
  std::vector<std::string> args = {
      "--events",          sourcePath("content/samples/events.jsonl"),
      "--lookups",         sourcePath("content/samples/qradar_lookups.json"),
      "--syslog-tls-port", "0",
      "--syslog-tcp-port", "0"};
  args.insert(args.end(), more.begin(), more.end());
  auto emu = std::make_unique<RunningEmu>(args, emuConfig());
  if (set_up && emu->ok()) {
    const HttpReply type =
        emu->call("POST", "/api/config/event_sources/log_source_management/log_source_types",
                  {"Version: 20.0", "Content-Type: application/json"}, R"({"name": "aihunt"})",
                  aihunt::testing::kAdminApiToken);
    INFO(type.body);
    REQUIRE(type.status == 201);
  }
  return emu;
}

std::string writeConfig(const RunningEmu& emu, const std::string& outputs) {
  std::string path = emu.dir() + "/aihunt.yaml";
  std::ofstream(path) << "qradar:\n  url: " << emu.base()
                      << "\n  tls:\n    ca_file: " << emu.caFile() << "\noutputs:\n"
                      << outputs;
  return path;
}

std::string leefOutputs(const RunningEmu& emu, int port, bool with_ca = true) {
  std::string text =
      "  leef:\n    enabled: true\n    host: localhost\n    port: " + std::to_string(port) +
      "\n    protocol: tls\n";
  if (with_ca) text += "    ca_file: " + emu.caFile() + "\n";
  return text;
}

ProcessResult check(const std::string& config, const std::string& token,
                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"check", "-c", config, "--retries", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessResult result =
      runProcess(binaryPath("aihunt"), args, {}, 60, {"AIHUNT_QRADAR_TOKEN=" + token});
  UNSCOPED_INFO(result.out << result.err);
  CHECK(result.out.find(token) == std::string::npos);
  CHECK(result.err.find(token) == std::string::npos);
  return result;
}

std::uint64_t syslogConnections(RunningEmu& emu) {
  const json status = parseJson(emu.admin("GET", "/admin/status").body);
  return status["connections"]["syslog"].value("accepted", 0ULL);
}

// Syslog frames of any kind the emulator took (a LEEF event is one).
std::uint64_t syslogFrames(RunningEmu& emu) {
  return parseJson(emu.admin("GET", "/admin/status").body).value("syslog_frames", 0ULL);
}

// The status of the check named `name` in a --format json document ("" when absent).
std::string statusOf(const json& document, const std::string& name) {
  for (const auto& entry : document["checks"]) {
    if (entry["name"] == name) return entry["status"].get<std::string>();
  }
  return "";
}

std::string detailOf(const json& document, const std::string& name) {
  for (const auto& entry : document["checks"]) {
    if (entry["name"] == name) return entry["detail"].get<std::string>();
  }
  return "";
}

}  // namespace

TEST_CASE("check: the LEEF receiver is reached over verified TLS and sent nothing",
          "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, leefOutputs(*emu, emu->ports()["syslog_tls"]));
  const std::uint64_t before = syslogConnections(*emu);
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 0);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == true);
  CHECK(statusOf(document, "LEEF receiver") == "ok");
  CHECK(detailOf(document, "LEEF receiver").find("TLS ok") != std::string::npos);
  // It connected, and sent no event.
  CHECK(syslogConnections(*emu) == before + 1);
  CHECK(syslogFrames(*emu) == 0);
}

TEST_CASE("check: a LEEF receiver whose certificate does not verify names the CA setting",
          "[check][leef]") {
  // A trial: the bare OpenSSL words ("self-signed certificate in certificate chain"), where the
  // console's TLS failure names the setting to fix.
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config =
      writeConfig(*emu, leefOutputs(*emu, emu->ports()["syslog_tls"], /*with_ca=*/false));
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 3);
  const json document = json::parse(result.out);
  CHECK(statusOf(document, "LEEF receiver") == "fail");
  CHECK(detailOf(document, "LEEF receiver")
            .find("verified against the system trust store: set outputs.leef.ca_file") !=
        std::string::npos);
  CHECK(syslogFrames(*emu) == 0);
}

TEST_CASE("check: a LEEF receiver at the console's REST API address fails, without connecting",
          "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  // The console's HTTPS port takes the TLS handshake, so only the address gives it away.
  const std::string config = writeConfig(*emu, leefOutputs(*emu, emu->ports()["https"]));
  const std::uint64_t before = syslogConnections(*emu);
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 3);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == false);
  CHECK(statusOf(document, "LEEF receiver") == "fail");
  CHECK(detailOf(document, "LEEF receiver").find("is the console's REST API") != std::string::npos);
  CHECK(syslogConnections(*emu) == before);
  // Named otherwise (its address for the console's name): the same host, the same failure.
  std::string by_address = leefOutputs(*emu, emu->ports()["https"]);
  by_address.replace(by_address.find("host: localhost"), 15, "host: 127.0.0.1");
  const ProcessResult again = check(writeConfig(*emu, by_address), kToken, {"--format", "json"});
  CHECK(again.exit_code == 3);
  CHECK(detailOf(json::parse(again.out), "LEEF receiver").find("is the console's REST API") !=
        std::string::npos);
}

TEST_CASE("check: without the log source type aihunt's events arrive under, LEEF is not ready",
          "[check][leef]") {
  auto emu = startEmu(/*set_up=*/false);
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, leefOutputs(*emu, emu->ports()["syslog_tls"]));
  // The hunter's token is not an administrator's: it sees the types' names and ids only, which
  // is all the check needs.
  ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 3);
  json document = json::parse(result.out);
  CHECK(document["ready"] == false);
  CHECK(statusOf(document, "aihunt log source type") == "fail");
  CHECK(detailOf(document, "aihunt log source type").find("no log source type named 'aihunt'") !=
        std::string::npos);
  CHECK(statusOf(document, "LEEF receiver") == "ok");

  // Named otherwise in the config, an existing type passes (names compare without case).
  const HttpReply type =
      emu->call("POST", "/api/config/event_sources/log_source_management/log_source_types",
                {"Version: 20.0", "Content-Type: application/json"}, R"({"name": "AIHunt LEEF"})",
                aihunt::testing::kAdminApiToken);
  REQUIRE(type.status == 201);
  std::ofstream(config, std::ios::app) << "detection:\n  own_log_source_types: [aihunt leef]\n";
  result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 0);
  document = json::parse(result.out);
  CHECK(statusOf(document, "aihunt log source type") == "ok");
  CHECK(detailOf(document, "aihunt log source type").find("'AIHunt LEEF' (id ") !=
        std::string::npos);
}

TEST_CASE("check: the log source that takes aihunt's events must have its host name",
          "[check][leef]") {
  // A trial: outputs.leef.hostname differed from the log source's identifier; every check
  // passed, the events arrived under another log source (offenses "Unknown", no notes) and the
  // hunts raised them again as findings, run after run.
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const json types =
      parseJson(emu->call("GET", "/api/config/event_sources/log_source_management/log_source_types",
                          {}, {}, aihunt::testing::kAdminApiToken)
                    .body);
  REQUIRE(types.size() == 1);
  // A disabled one with the same identifier first: the enabled one decides (a review).
  for (const bool enabled : {false, true}) {
    const json source = {
        {"name", enabled ? "aihunt @ sidecar" : "old aihunt @ sidecar"},
        {"type_id", types[0]["id"]},
        {"protocol_type_id", 0},
        {"enabled", enabled},
        {"protocol_parameters", {{{"name", "identifier"}, {"value", "aihunt-sidecar"}}}}};
    REQUIRE(emu->call("POST", "/api/config/event_sources/log_source_management/log_sources",
                      {"Version: 20.0", "Content-Type: application/json"}, source.dump(),
                      aihunt::testing::kAdminApiToken)
                .status == 201);
  }
  const std::string leef = leefOutputs(*emu, emu->ports()["syslog_tls"]);

  // Listed with a token that may read the log sources (the emulator: an administrator's).
  ProcessResult result = check(writeConfig(*emu, leef + "    hostname: aihunt-sidecar\n"),
                               aihunt::testing::kAdminApiToken, {"--format", "json"});
  json document = json::parse(result.out);
  CHECK(statusOf(document, "aihunt log source") == "ok");
  CHECK(detailOf(document, "aihunt log source").find("'aihunt @ sidecar' (id ") == 0);
  CHECK(detailOf(document, "aihunt log source").find("takes the events of 'aihunt-sidecar'") !=
        std::string::npos);

  result = check(writeConfig(*emu, leef + "    hostname: aihunt-sidecr\n"),
                 aihunt::testing::kAdminApiToken, {"--format", "json"});
  CHECK(result.exit_code == 3);
  document = json::parse(result.out);
  CHECK(document["ready"] == false);
  CHECK(statusOf(document, "aihunt log source") == "fail");
  const std::string why = detailOf(document, "aihunt log source");
  CHECK(why.find("no log source of type 'aihunt' has the Log Source Identifier 'aihunt-sidecr'") ==
        0);
  CHECK(why.find("those of that type take 'aihunt-sidecar'") != std::string::npos);

  // A token that may not list them: said, with the host name to look for by hand.
  result = check(writeConfig(*emu, leef + "    hostname: aihunt-sidecr\n"), kToken,
                 {"--format", "json"});
  document = json::parse(result.out);
  CHECK(statusOf(document, "aihunt log source") == "warn");
  CHECK(detailOf(document, "aihunt log source").find("the Log Source Identifier 'aihunt-sidecr'") !=
        std::string::npos);
}

TEST_CASE("check: a LEEF receiver that is down fails the check, exit 3, the reason named",
          "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config =
      writeConfig(*emu, leefOutputs(*emu, aihunt::testing::closedLoopbackPort()));
  const ProcessResult result = check(config, kToken);
  CHECK(result.exit_code == 3);
  CHECK(result.out.find("FAIL  LEEF receiver") != std::string::npos);
  CHECK(result.out.find("Connection refused") != std::string::npos);
  CHECK(result.out.find("verdict: NOT READY (1 check failed)") != std::string::npos);
  // The API checks still ran and passed.
  CHECK(result.out.find("ok    token") != std::string::npos);
}

TEST_CASE("check: a LEEF receiver whose certificate is not trusted fails the check",
          "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  // No ca_file: the system store does not trust the emulator's throwaway CA.
  const std::string config =
      writeConfig(*emu, leefOutputs(*emu, emu->ports()["syslog_tls"], /*with_ca=*/false));
  const ProcessResult result = check(config, kToken);
  CHECK(result.exit_code == 3);
  CHECK(result.out.find("FAIL  LEEF receiver") != std::string::npos);
  CHECK(result.out.find("certificate") != std::string::npos);
  CHECK(syslogFrames(*emu) == 0);

  // Another CA file (another emulator's: the same name, another key): named, with the question
  // to ask (a trial got the bare "certificate signature failure").
  auto other = startEmu(/*set_up=*/false);
  REQUIRE(other->ok());
  std::string leef = leefOutputs(*emu, emu->ports()["syslog_tls"], /*with_ca=*/false);
  leef += "    ca_file: " + other->caFile() + "\n";
  const ProcessResult wrong = check(writeConfig(*emu, leef), kToken);
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.out.find("FAIL  LEEF receiver") != std::string::npos);
  CHECK(wrong.out.find("is it the CA that signed the receiver's certificate?") !=
        std::string::npos);
}

TEST_CASE("check: a plain TCP receiver is reachable, with a warning", "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(
      *emu, "  leef:\n    enabled: true\n    host: localhost\n    port: " +
                std::to_string(emu->ports()["syslog_tcp"].get<int>()) + "\n    protocol: tcp\n");
  const ProcessResult result = check(config, kToken);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("WARN  LEEF receiver") != std::string::npos);
  CHECK(result.out.find("unencrypted") != std::string::npos);
  CHECK(result.out.find("verdict: READY (see the warnings above)") != std::string::npos);
  CHECK(syslogFrames(*emu) == 0);
}

TEST_CASE("check: folders run would need that are missing here are warnings, not failures",
          "[check]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config =
      writeConfig(*emu, "  jsonl:\n    path: " + emu->dir() + "/no-such/findings.jsonl\n" +
                            "state:\n  path: " + emu->dir() + "/no-such/state.db\n");
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 0);  // check may run elsewhere than the daemon: READY, warned
  const json document = json::parse(result.out);
  CHECK(document["ready"] == true);
  std::size_t warned = 0;
  for (const auto& entry : document["checks"]) {
    if (entry["name"] == "local files" && entry["status"] == "warn") ++warned;
  }
  CHECK(warned == 2);
  CHECK(document["warnings"] == 2);
}

TEST_CASE("check: a folder that takes no new file is warned about, for root too", "[check]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  // /proc takes no new file, whatever access() tells root; a writable folder passes and is left
  // as it was.
  const std::string config =
      writeConfig(*emu, "  jsonl:\n    path: " + emu->dir() +
                            "/findings.jsonl\nstate:\n  path: /proc/state.db\n");
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 0);
  const json document = json::parse(result.out);
  std::vector<std::string> warned;
  for (const auto& entry : document["checks"]) {
    if (entry["name"] == "local files") warned.push_back(entry["detail"].get<std::string>());
  }
  REQUIRE(warned.size() == 1);
  CHECK(warned[0].rfind("state.path", 0) == 0);
  // Root passes access() there: only the file it tried to create tells (CI runs as root).
  if (::geteuid() == 0) CHECK(warned[0].find("takes no new file") != std::string::npos);
  for (const auto& file : std::filesystem::directory_iterator(emu->dir())) {
    CHECK(file.path().filename().string().rfind(".aihunt-check-", 0) == std::string::npos);
  }
}

TEST_CASE("check: a TLS port that answers nothing (a syslog port) is one wait, not two",
          "[check]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, "");
  const std::uint64_t before = syslogConnections(*emu);
  // The emulator's syslog TLS port takes the handshake and never answers an HTTP request.
  const ProcessResult result = check(
      config, kToken,
      {"--qradar-url", "https://localhost:" + std::to_string(emu->ports()["syslog_tls"].get<int>()),
       "--request-timeout", "1s"});
  CHECK(result.exit_code == 3);
  CHECK(result.out.find("FAIL  connection") != std::string::npos);
  CHECK(result.out.find("answered nothing") != std::string::npos);
  CHECK(syslogConnections(*emu) == before + 1);  // the first request only: no second wait
  // That request went without the token: the listener, which keeps every line it is sent as an
  // event, holds none with it. (Events arrive at the fixed clock's now; a search's range ends
  // just before it.)
  REQUIRE(emu->admin("POST", "/admin/clock?advance=1s").status == 200);
  const json rows = emu->searchRows("SELECT payload FROM events LAST 10 MINUTES");
  for (const json& row : rows) {
    CHECK(row.dump().find(kToken) == std::string::npos);
  }
}

TEST_CASE("check: qradar.url at the LEEF receiver's syslog port names the URL, not LEEF",
          "[check][leef]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const int syslog = emu->ports()["syslog_tls"].get<int>();
  const std::string config = writeConfig(*emu, leefOutputs(*emu, syslog));
  const ProcessResult result = check(config, kToken,
                                     {"--qradar-url", "https://localhost:" + std::to_string(syslog),
                                      "--request-timeout", "1s", "--format", "json"});
  CHECK(result.exit_code == 3);
  const json document = json::parse(result.out);
  CHECK(statusOf(document, "connection") == "fail");
  // The pair is wrong, and the REST API did not answer: the URL is the likelier culprit, so the
  // check does not tell the user to move the LEEF port, which is right.
  CHECK(statusOf(document, "LEEF receiver") == "fail");
  const std::string detail = detailOf(document, "LEEF receiver");
  CHECK(detail.find("fix qradar.url") != std::string::npos);
  CHECK(detail.find("is the console's REST API") == std::string::npos);
}

TEST_CASE("check: offense notes need the Offenses capability", "[check][offense_notes]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, "  offense_notes:\n    enabled: true\n");
  const ProcessResult ok = check(config, kToken);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("ok    offenses") != std::string::npos);

  const ProcessResult missing = check(config, kNoOffensesToken);
  CHECK(missing.exit_code == 3);
  CHECK(missing.out.find("FAIL  offenses") != std::string::npos);
  CHECK(missing.out.find("lacks the Offenses capability") != std::string::npos);
  CHECK(missing.out.find("verdict: NOT READY (1 check failed)") != std::string::npos);
}

TEST_CASE("check: aihunt's rule, which offense notes tell joined offenses by, is looked for",
          "[check][offense_notes]") {
  auto emu = startEmu(true, {"--rules", sourcePath("content/qradar/rule.yaml")});
  REQUIRE(emu->ok());
  const auto lineOf = [&](const std::string& notes, const std::string& token) {
    const ProcessResult result =
        check(writeConfig(*emu, "  offense_notes:\n    enabled: true\n" + notes), token,
              {"--format", "json"});
    CHECK(result.exit_code == 0);  // warnings only: notes by description still work
    const json document = parseJson(result.out);
    return std::make_pair(statusOf(document, "aihunt rule"), detailOf(document, "aihunt rule"));
  };
  const auto found = lineOf("", kToken);
  CHECK(found.first == "ok");
  CHECK(found.second.find("(id 100101), enabled") != std::string::npos);
  // A token whose role may not read rules.
  const auto refused = lineOf("", kNoRulesToken);
  CHECK(refused.first == "warn");
  CHECK(refused.second.find("View Custom Rules") != std::string::npos);
  // A match_rule that no rule's name holds.
  const auto none = lineOf("    match_rule: 'GenAI misuse'\n", kToken);
  CHECK(none.first == "warn");
  CHECK(none.second.find("no rule of the 1 rule the token sees has 'GenAI misuse'") !=
        std::string::npos);
  // Off: said, and no request.
  REQUIRE(emu->admin("DELETE", "/admin/requests").status == 200);
  CHECK(lineOf("    match_rule: ''\n", kToken).first == "skip");
  const json log = parseJson(emu->admin("GET", "/admin/requests?limit=100000").body)["requests"];
  REQUIRE(log.is_array());
  std::size_t offense_reads = 0;
  for (const auto& request : log) {
    const std::string target = request.value("target", "");
    CHECK(target.find("/api/analytics/rules") == std::string::npos);
    offense_reads += target.rfind("/api/siem/offenses", 0) == 0 ? 1 : 0;
  }
  CHECK(offense_reads == 1);  // the check ran, and read the offenses
}

TEST_CASE("check: a match_rule that more rules' names hold, or a disabled rule, is warned of",
          "[check][offense_notes]") {
  // A trial: match_rule 'AI' is in "domain", so another rule's offenses counted as aihunt's, and
  // check named that rule as aihunt's.
  const bool aihunt_enabled = GENERATE(true, false);
  INFO("aihunt's rule enabled: " << aihunt_enabled);
  const std::string dir = aihunt::testing::makeTempDir("aihunt-check-rules-");
  {
    std::stringstream aihunt_rule;
    aihunt_rule << std::ifstream(sourcePath("content/qradar/rule.yaml")).rdbuf();
    std::string yaml = aihunt_rule.str();
    const std::string name = "    name: \"AIHUNT: T1588.007";
    REQUIRE(yaml.find(name) != std::string::npos);
    if (!aihunt_enabled) yaml.insert(yaml.find(name), "    enabled: false\n");
    std::ofstream(dir + "/rules.yaml")
        << yaml
        << "  - id: 100201\n    name: \"Proxy: traffic to an unsanctioned domain\"\n"
           "    event_ids: [ProxyPolicy]\n";
  }
  auto emu = startEmu(true, {"--rules", dir + "/rules.yaml"});
  REQUIRE(emu->ok());
  const auto lineOf = [&](const std::string& outputs) {
    const ProcessResult result = check(writeConfig(*emu, outputs), kToken, {"--format", "json"});
    const json document = parseJson(result.out);
    return std::make_pair(statusOf(document, "aihunt rule"), detailOf(document, "aihunt rule"));
  };
  const auto both = lineOf("  offense_notes:\n    enabled: true\n    match_rule: AI\n");
  CHECK(both.first == "warn");
  CHECK(both.second.find("2 rules have 'AI'") != std::string::npos);
  CHECK(both.second.find("(id 100201)") != std::string::npos);
  // The default finds aihunt's alone; with LEEF on and notes off the rule is looked for too.
  for (const std::string& outputs : {std::string("  offense_notes:\n    enabled: true\n"),
                                     leefOutputs(*emu, emu->ports()["syslog_tls"].get<int>())}) {
    const auto line = lineOf(outputs);
    CHECK(line.first == (aihunt_enabled ? "ok" : "warn"));
    CHECK(line.second.find("(id 100101)") != std::string::npos);
  }
}

TEST_CASE("check: unreadable reference data is informational when no set is configured",
          "[check][reference_sets]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, "  jsonl:\n    path: findings.jsonl\n");
  const ProcessResult result = check(config, kSearchOnlyToken, {"--format", "json"});
  CHECK(result.exit_code == 0);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == true);
  CHECK(statusOf(document, "reference data") == "info");
  CHECK(detailOf(document, "reference data").find("not needed") != std::string::npos);

  // With outputs.reference_sets it is needed: a failure again.
  const std::string with_sets = writeConfig(*emu, "  reference_sets:\n    enabled: true\n");
  const ProcessResult needed = check(with_sets, kSearchOnlyToken);
  CHECK(needed.exit_code == 3);
  CHECK(needed.out.find("FAIL  reference data") != std::string::npos);
}

TEST_CASE("check: mapped properties the catalog marks not indexable are named, for the record",
          "[check][catalog]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const std::string config = writeConfig(*emu, "  jsonl:\n    path: findings.jsonl\n");
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code == 0);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == true);
  // qradar-emu marks its built-in columns indexable and custom properties not, as the catalog
  // of a console without custom property indexes would.
  CHECK(statusOf(document, "Ariel search") == "ok");  // said when it passes, as documented
  CHECK(statusOf(document, "property indexes") == "info");
  const std::string detail = detailOf(document, "property indexes");
  CHECK(detail.find("\"URL\"") != std::string::npos);
  CHECK(detail.find("\"Application\"") != std::string::npos);
  CHECK(detail.find("\"sourceip\"") == std::string::npos);
  CHECK(detail.find("\"username\"") == std::string::npos);
}

TEST_CASE("check: a catalog answer that is not JSON is named as such, not as no columns",
          "[check][catalog]") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  REQUIRE(emu->admin("POST", "/admin/faults",
                     "faults:\n  - {kind: malformed_json, method: GET, path: "
                     "/api/ariel/databases/events, times: -1}\n")
              .status == 200);
  const std::string config = writeConfig(*emu, "  jsonl:\n    path: findings.jsonl\n");
  const ProcessResult result = check(config, kToken, {"--format", "json"});
  CHECK(result.exit_code != 0);
  const json document = json::parse(result.out);
  CHECK(document["ready"] == false);
  CHECK(statusOf(document, "Ariel catalog") == "fail");
  CHECK(detailOf(document, "Ariel catalog") ==
        "/api/ariel/databases/events answered with something other than a JSON object");
}
