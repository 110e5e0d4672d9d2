// qradar-emu's transport and auth as a client sees them: TLS verified with the generated CA,
// IPv6 loopback, plain HTTP only when asked and only on loopback, QRadar's 401/403/422 bodies,
// Version handling, the admin token, and --help.
#include <catch2/catch.hpp>

#include <map>

#include <fstream>

#include "emulator/cert_generator.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;

TEST_CASE("HTTPS with the generated CA verifies; without it the handshake is refused") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply verified = emu.call("GET", "/api/ariel/databases");
  CHECK(verified.curl_code == 0);
  CHECK(verified.status == 200);
  CHECK(parseJson(verified.body) == json::array({"events", "flows"}));
  HttpCall unverified;
  unverified.url = emu.base() + "/api/ariel/databases";
  unverified.headers = {std::string("SEC: ") + kHunterToken};
  const HttpReply refused = perform(unverified);
  CHECK(refused.curl_code != 0);  // self-signed chain: CURLE_PEER_FAILED_VERIFICATION
  // 127.0.0.1 is in the certificate's subjectAltName too.
  unverified.url = "https://127.0.0.1:" + std::to_string(emu.ports()["https"].get<int>()) +
                   "/api/ariel/databases";
  unverified.ca_file = emu.caFile();
  CHECK(perform(unverified).status == 200);
}

TEST_CASE("IPv6 loopback listener") {
  RunningEmu emu({"--listen", "::1"});
  REQUIRE(emu.ok());
  HttpCall call;
  call.url =
      "https://[::1]:" + std::to_string(emu.ports()["https"].get<int>()) + "/api/ariel/databases";
  call.headers = {std::string("SEC: ") + kHunterToken};
  call.ca_file = emu.caFile();
  const HttpReply reply = perform(call);
  CHECK(reply.curl_code == 0);
  CHECK(reply.status == 200);
}

TEST_CASE("401 bodies are QRadar's; Basic users work; bad tokens are refused") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply none = emu.call("GET", "/api/ariel/searches", {}, {}, "");
  CHECK(none.status == 401);
  const json body = parseJson(none.body);
  CHECK(body["http_response"]["code"] == 401);
  CHECK(body["http_response"]["message"] ==
        "You are unauthorized to access the requested resource.");
  CHECK(body["message"].get<std::string>().rfind("No SEC header present in request", 0) == 0);
  CHECK(body.contains("details"));
  CHECK(body.contains("description"));
  CHECK(emu.call("GET", "/api/ariel/searches", {}, {}, "wrong-token").status == 401);
  // analyst:s3cret-pass
  CHECK(emu.call("GET", "/api/ariel/searches",
                 {"Authorization: Basic YW5hbHlzdDpzM2NyZXQtcGFzcw=="}, {}, "")
            .status == 200);
  CHECK(
      emu.call("GET", "/api/ariel/searches", {"Authorization: Basic YW5hbHlzdDp3cm9uZw=="}, {}, "")
          .status == 401);
}

TEST_CASE("a token without reference-data rights gets 403/1009") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply reply = emu.call("GET", "/api/reference_data/sets", {}, {}, kSearcherToken);
  CHECK(reply.status == 403);
  const json body = parseJson(reply.body);
  CHECK(body["code"] == 1009);
  CHECK(body["message"] == "User has insufficient capabilities to access this endpoint resource");
  CHECK(body["http_response"]["code"] == 403);
  CHECK(emu.call("GET", "/api/siem/offenses", {}, {}, kSearcherToken).status == 403);
  CHECK(emu.call("GET", "/api/ariel/searches", {}, {}, kSearcherToken).status == 200);
}

TEST_CASE("Version header: supported versions answer, others 422, legacy endpoints deprecated") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 20.0"}).status == 200);
  CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 12"}).status == 200);
  // Above the newest: served as the newest (IBM's getting-started page).
  CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 99.0"}).status == 200);
  const HttpReply bad = emu.call("GET", "/api/ariel/databases", {"Version: 5.0"});
  CHECK(bad.status == 422);
  CHECK(parseJson(bad.body)["http_response"]["code"] == 422);
  CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 20.5"}).status == 422);
  CHECK(emu.call("GET", "/api/ariel/databases", {"Version: abc"}).status == 422);
  const HttpReply legacy = emu.call("GET", "/api/reference_data/sets", {"Version: 26.0"});
  CHECK(legacy.status == 200);
  CHECK(legacy.header("deprecated") == "true");
  CHECK(
      emu.call("GET", "/api/reference_data/sets", {"Version: 20.0"}).header("deprecated").empty());
}

TEST_CASE("API version profiles: a release's supported, deprecated and removed versions") {
  SECTION("7.5 UP13: 24.0-26.0 served, 23.0 deprecated, older removed") {
    RunningEmu emu({"--api-profile", "7.5 UP13"});
    REQUIRE(emu.ok());
    const HttpReply current = emu.call("GET", "/api/ariel/databases", {"Version: 26.0"});
    CHECK(current.status == 200);
    CHECK(current.header("deprecated").empty());
    CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 24.0"}).status == 200);
    const HttpReply old = emu.call("GET", "/api/ariel/databases", {"Version: 23.0"});
    CHECK(old.status == 200);
    CHECK(old.header("deprecated") == "true");
    const HttpReply removed = emu.call("GET", "/api/ariel/databases", {"Version: 20.0"});
    CHECK(removed.status == 422);
    CHECK(parseJson(removed.body)["code"] == 1005);
    // Above the newest: the newest answers, not deprecated.
    const HttpReply future = emu.call("GET", "/api/ariel/databases", {"Version: 30.0"});
    CHECK(future.status == 200);
    CHECK(future.header("deprecated").empty());

    const json versions = parseJson(emu.call("GET", "/api/help/versions").body);
    std::map<std::string, std::pair<bool, bool>> listed;  // version -> {deprecated, removed}
    for (const auto& v : versions) listed[v["version"]] = {v["deprecated"], v["removed"]};
    CHECK(listed.at("26.0") == std::pair(false, false));
    CHECK(listed.at("24.0") == std::pair(false, false));
    CHECK(listed.at("23.0") == std::pair(true, false));
    CHECK(listed.at("20.0") == std::pair(false, true));
    CHECK(listed.count("27.0") == 0);
  }
  SECTION("7.5 UP8 from the config: 20.0-22.0 served, 26.0 answered as 22.0") {
    RunningEmu emu({}, defaultConfigYaml() + "api_versions: \"7.5 UP8\"\n");
    REQUIRE(emu.ok());
    CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 20.0"}).status == 200);
    CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 19.0"}).header("deprecated") ==
          "true");
    CHECK(emu.call("GET", "/api/ariel/databases", {"Version: 18.0"}).status == 422);
    // 26.0 is above this console's newest: served (as 22.0), and legacy reference data is not
    // deprecated in 22.0.
    const HttpReply sets = emu.call("GET", "/api/reference_data/sets", {"Version: 26.0"});
    CHECK(sets.status == 200);
    CHECK(sets.header("deprecated").empty());
  }
  SECTION("an unknown profile is refused at start") {
    RunningEmu emu({"--api-profile", "7.5 UP99"});
    CHECK_FALSE(emu.ok());
  }
}

TEST_CASE("admin endpoints need the admin token, and API tokens do not open them") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  CHECK(emu.call("GET", "/admin/status").status == 401);
  CHECK(emu.call("GET", "/admin/status", {}, {}, "").status == 401);
  const HttpReply status = emu.admin("GET", "/admin/status");
  CHECK(status.status == 200);
  CHECK(parseJson(status.body).contains("events"));
  // The admin token is not an API token.
  CHECK(emu.call("GET", "/api/ariel/searches", {}, {}, kAdminToken).status == 401);
}

TEST_CASE("unknown endpoints 404, wrong methods 405") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  const HttpReply missing = emu.call("GET", "/api/nothing/here");
  CHECK(missing.status == 404);
  CHECK(parseJson(missing.body)["code"] == 1002);
  CHECK(emu.call("PUT", "/api/ariel/searches").status == 405);
}

TEST_CASE("every request is recorded with credentials redacted") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  emu.call("GET", "/api/ariel/databases", {"Version: 20.0"});
  emu.call("GET", "/api/ariel/searches?x=1");
  const json log = parseJson(emu.admin("GET", "/admin/requests").body);
  REQUIRE(log["requests"].size() == 2);
  const json& first = log["requests"][0];
  CHECK(first["method"] == "GET");
  CHECK(first["target"] == "/api/ariel/databases");
  CHECK(first["headers"]["version"] == "20.0");
  CHECK(first["headers"]["sec"] == "<redacted>");
  CHECK(first["status"] == 200);
  CHECK(first["user"] == "aihunt");
  CHECK(log["requests"][1]["target"] == "/api/ariel/searches?x=1");
  const json later = parseJson(emu.admin("GET", "/admin/requests?since=1").body);
  CHECK(later["requests"].size() == 1);
  CHECK(emu.admin("DELETE", "/admin/requests").status == 200);
  CHECK(parseJson(emu.admin("GET", "/admin/requests").body)["requests"].empty());
}

TEST_CASE("plain HTTP only with --plain-http, and only on loopback") {
  SECTION("loopback with the flag serves plain HTTP") {
    RunningEmu emu({"--plain-http", "--http-port", "0"});
    REQUIRE(emu.ok());
    HttpCall call;
    call.url = "http://127.0.0.1:" + std::to_string(emu.ports()["http"].get<int>()) +
               "/api/ariel/databases";
    call.headers = {std::string("SEC: ") + kHunterToken};
    CHECK(perform(call).status == 200);
  }
  SECTION("--http-port without --plain-http is refused") {
    const ProcessResult result =
        runProcess(binaryPath("qradar-emu"), {"--http-port", "0", "--https-port", "0"}, {}, 20);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--plain-http") != std::string::npos);
  }
  SECTION("a non-loopback address is refused") {
    const ProcessResult result = runProcess(
        binaryPath("qradar-emu"),
        {"--plain-http", "--http-port", "0", "--https-port", "0", "--listen", "0.0.0.0"}, {}, 20);
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("loopback") != std::string::npos);
  }
}

TEST_CASE("a given certificate and key are served; a mismatched pair is refused at start") {
  auto generated = aihunt::emulator::generateCertificate();
  REQUIRE(generated.ok());
  const std::string dir = makeTempDir("qradar-emu-cert-");
  std::ofstream(dir + "/chain.pem") << generated->cert_chain_pem;
  std::ofstream(dir + "/key.pem") << generated->key_pem;
  std::ofstream(dir + "/ca.pem") << generated->ca_pem;
  RunningEmu emu({"--cert", dir + "/chain.pem", "--key", dir + "/key.pem"});
  REQUIRE(emu.ok());
  HttpCall call;
  call.url = emu.base() + "/api/ariel/databases";
  call.headers = {std::string("SEC: ") + kHunterToken};
  call.ca_file = dir + "/ca.pem";
  const HttpReply reply = perform(call);
  CHECK(reply.curl_code == 0);
  CHECK(reply.status == 200);
  const ProcessResult mismatch = runProcess(
      binaryPath("qradar-emu"),
      {"--https-port", "0", "--cert", dir + "/ca.pem", "--key", dir + "/key.pem"}, {}, 20);
  CHECK(mismatch.exit_code == 1);
  CHECK(mismatch.err.find("certificate") != std::string::npos);
}

TEST_CASE("--help documents every option") {
  const ProcessResult help = runProcess(binaryPath("qradar-emu"), {"--help"}, {}, 20);
  REQUIRE(help.exit_code == 0);
  for (const char* option : {"--config",
                             "--token",
                             "--admin-token",
                             "--log-level",
                             "--ports-file",
                             "--listen",
                             "--https-port",
                             "--plain-http",
                             "--http-port",
                             "--cert",
                             "--key",
                             "--ca-out",
                             "--events",
                             "--lookups",
                             "--now",
                             "--syslog-tcp-port",
                             "--syslog-tls-port",
                             "--syslog-udp-port",
                             "--rules",
                             "--workers",
                             "--phase-delay-ms",
                             "--max-searches",
                             "--retention-ms",
                             "--faults"}) {
    INFO(option);
    CHECK(help.out.find(option) != std::string::npos);
  }
  const ProcessResult bad = runProcess(binaryPath("qradar-emu"), {"--no-such-flag"}, {}, 20);
  CHECK(bad.exit_code == 2);
}
