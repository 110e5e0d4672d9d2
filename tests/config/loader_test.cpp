#include <catch2/catch.hpp>
#include <string>

#include "config/example_config.h"
#include "config/loader.h"
#include "config_test_util.h"
#include "core/time.h"

namespace aihunt::config {
namespace {

using testing::describeAll;
using testing::load;

TEST_CASE("the example config loads clean", "[config][example]") {
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  const LoadOutcome outcome = loadConfigText(exampleConfigText(), "example.yaml", env);
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  const Config& config = *outcome.config;
  CHECK(outcome.warnings.empty());

  REQUIRE(config.qradar.has_value());
  CHECK(config.qradar->url == "https://qradar.example.com");
  CHECK(config.qradar->api_version == "auto");
  CHECK(config.qradar->timeouts.hunt_deadline == std::chrono::minutes(15));
  REQUIRE(config.qradar_token.has_value());
  CHECK(config.qradar_token_origin == "AIHUNT_QRADAR_TOKEN");

  // No `hunts:` section: the five built-in hunts apply.
  REQUIRE(config.hunts.size() == 5);
  const HuntConfig& proxy = config.hunts[0];
  CHECK(proxy.builtin);
  CHECK(proxy.name == "proxy-ai-api");
  CHECK(proxy.schedule.every == std::chrono::minutes(15));  // the schedule default
  CHECK(proxy.columns.column(detection::Field::kUrl) == "URL");
  CHECK(proxy.columns.column(detection::Field::kBytesSent) == "Bytes Sent");
  // Unmapped fields keep the seed query's aliases.
  CHECK(proxy.columns.column(detection::Field::kSourceIp) == "sourceip");
  CHECK(proxy.signals.has(detection::Signal::kLargeUpload));
  CHECK_FALSE(proxy.signals.has(detection::Signal::kAiSdkInstall));
  CHECK(config.hunts[2].name == "endpoint-process");
  CHECK(config.hunts[2].where == "devicetype = 12");

  // The example exceptions are part of the example config.
  REQUIRE(config.settings.exceptions.size() == 4);
  CHECK(config.settings.exceptions[0].id == "dev-workstations-ai-coding");
  CHECK(config.settings.exceptions[1].source_cidrs.size() == 1);
  CHECK(config.settings.exceptions[1].expires == core::parseTimestamp("2027-03-31").value());

  // Additions land on top of the pack.
  CHECK(config.settings.providers.classify("llm-gateway.corp.example.com")->id ==
        "corp_llm_gateway");
  CHECK(config.settings.providers.classify("openai-proxy.corp.example.com")->id == "openai");
  CHECK(config.settings.providers.classify("api.openai.com")->id == "openai");
  CHECK(config.settings.processes.lookup("cursor").entry.category ==
        detection::ProcessCategory::kAiClient);
  CHECK(config.settings.user_agents.classify("CorpAI-SDK/1.0").category ==
        detection::ProcessCategory::kScriptRuntime);
  CHECK(config.settings.scoring.high_at == 60);

  CHECK(config.outputs.leef.protocol == LeefProtocol::kTls);
  CHECK(config.outputs.leef.port == 6514);
  CHECK(config.outputs.reference_sets.time_to_live == std::chrono::hours(24 * 30));
  CHECK(config.server.port == 9464);
  CHECK(config.server.host == "127.0.0.1");  // loopback unless the operator widens it
  CHECK(config.logging.format == core::LogFormat::kJson);
}

TEST_CASE("the example exceptions file is a valid config on its own", "[config][example]") {
  const LoadOutcome outcome = load(exampleExceptionsText());
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  CHECK(outcome.config->settings.exceptions.size() == 4);
}

TEST_CASE("qradar.proxy takes a proxy URL without credentials", "[config]") {
  const auto good = load("qradar:\n  url: https://q.example\n  proxy: http://proxy.corp:3128\n");
  INFO(describeAll(good.errors));
  REQUIRE(good.ok());
  CHECK(good.config->qradar->proxy == "http://proxy.corp:3128");
  CHECK(testing::messageAt(
            load("qradar:\n  url: https://q.example\n  proxy: proxy.corp:3128\n").errors,
            "qradar.proxy")
            .find("is not a proxy URL") != std::string::npos);
  CHECK(testing::messageAt(
            load("qradar:\n  url: https://q.example\n  proxy: http://u:p@proxy:3128\n").errors,
            "qradar.proxy")
            .find("credentials do not belong in the proxy URL (config files are copied and "
                  "shown): a proxy that needs them takes them from HTTPS_PROXY") == 0);
}

TEST_CASE("an empty ca_file means the system trust store, as the example says", "[config]") {
  const auto empty = load(
      "qradar:\n  url: https://q.example\n  tls:\n    ca_file: \"\"\noutputs:\n  leef:\n"
      "    enabled: true\n    host: ec.example\n    protocol: tls\n    ca_file: \"\"\n");
  INFO(describeAll(empty.errors));
  REQUIRE(empty.ok());
  CHECK(empty.config->qradar->tls.ca_file.empty());
  CHECK(empty.config->outputs.leef.ca_file.empty());
  // Other paths still may not be empty.
  CHECK_FALSE(load("state:\n  path: \"\"\n").ok());
}

TEST_CASE("an empty file is a valid config with defaults, and a warning says so", "[config]") {
  for (const char* text : {"", "# only a comment\n\n", "{}\n", "---\n"}) {
    INFO(text);
    const LoadOutcome outcome = load(text);
    REQUIRE(outcome.ok());
    CHECK_FALSE(outcome.config->qradar.has_value());
    CHECK(outcome.config->settings.providers.classify("api.openai.com") != nullptr);
    CHECK(outcome.config->hunts.size() == 5);  // the built-in hunts
    // A trial: a comments-only file passed `config check` as OK without a word.
    REQUIRE(outcome.warnings.size() == 1);
    CHECK(outcome.warnings[0].message.find("the config holds no settings") == 0);
  }
  CHECK(load("version: 1\n").warnings.empty());
}

TEST_CASE("a hunts: section replaces the built-in hunts", "[config]") {
  const LoadOutcome outcome =
      load("hunts:\n  - name: mine\n    where: devicetype = 12\n    fields: {url: URL}\n");
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  REQUIRE(outcome.config->hunts.size() == 1);
  CHECK_FALSE(outcome.config->hunts[0].builtin);
  const LoadOutcome none = load("hunts: []\n");
  REQUIRE(none.ok());
  CHECK(none.config->hunts.empty());
  REQUIRE(none.warnings.size() == 1);
  CHECK(none.warnings[0].path == "hunts");
  // Every hunt turned off is as empty for the daemon; one left on is not.
  const std::string hunt = "  - name: mine\n    where: devicetype = 12\n    fields: {url: URL}\n";
  const LoadOutcome off = load("hunts:\n" + hunt + "    enabled: false\n");
  REQUIRE(off.ok());
  REQUIRE(off.warnings.size() == 1);
  CHECK(off.warnings[0].path == "hunts");
  const LoadOutcome one_on =
      load("hunts:\n" + hunt + "    enabled: false\n" +
           "  - name: other\n    where: devicetype = 12\n    fields: {url: URL}\n");
  REQUIRE(one_on.ok());
  CHECK(one_on.warnings.empty());
}

TEST_CASE("a section with settings but no 'enabled' warns that it is off", "[config]") {
  const LoadOutcome silent = load(
      "server:\n  listen: 127.0.0.1:19876\n"
      "outputs:\n"
      "  leef: {host: siem.example.com, port: 6514}\n"
      "  reference_sets: {time_to_live: 1d}\n"
      "  offense_notes: {max_note_chars: 2000}\n");
  INFO(describeAll(silent.errors));
  REQUIRE(silent.ok());
  CHECK_FALSE(silent.config->server.enabled);
  CHECK_FALSE(silent.config->outputs.leef.enabled);
  for (const char* path :
       {"server", "outputs.leef", "outputs.reference_sets", "outputs.offense_notes"}) {
    INFO(path);
    CHECK(testing::messagesAt(silent.warnings, path).size() == 1);
  }
  // Turned off on purpose, or on: nothing to say.
  const LoadOutcome chosen = load(
      "server: {enabled: false, listen: 127.0.0.1:19876}\n"
      "outputs:\n  leef: {enabled: true, host: siem.example.com}\n"
      "  reference_sets: {}\n");
  INFO(describeAll(chosen.errors));
  REQUIRE(chosen.ok());
  CHECK(chosen.warnings.empty());
}

TEST_CASE("hunt where and aql must be valid AQL", "[config]") {
  const LoadOutcome outcome = load(
      "hunts:\n  - name: a\n    where: 'devicetype = = 12'\n    fields: {url: URL}\n"
      "  - name: b\n    aql: 'SELECT FROM'\n"
      "  - name: c\n    where: devicetype = 12\n    aql: SELECT sourceip FROM events\n");
  REQUIRE_FALSE(outcome.ok());
  CHECK(
      testing::messageAt(outcome.errors, "hunts[0].where").rfind("not a valid AQL condition", 0) ==
      0);
  CHECK(testing::messageAt(outcome.errors, "hunts[1].aql").rfind("not valid AQL", 0) == 0);
  CHECK(testing::messageAt(outcome.errors, "hunts[2].where") ==
        "give either `aql` (a whole query) or `where` (a condition), not both");
}

TEST_CASE("use_builtin_pack: false leaves only the config's content", "[config]") {
  const LoadOutcome outcome = load(
      "detection:\n"
      "  use_builtin_pack: false\n"
      "  extra_providers:\n"
      "    - {id: only, vendor: me, class: api, hosts: [llm.example.com]}\n");
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  CHECK(outcome.config->settings.providers.classify("api.openai.com") == nullptr);
  CHECK(outcome.config->settings.providers.classify("llm.example.com")->id == "only");
}

TEST_CASE("config process categories override the pack's", "[config]") {
  const LoadOutcome outcome = load("detection:\n  extra_processes:\n    Other: [java]\n");
  REQUIRE(outcome.ok());
  CHECK(outcome.config->settings.processes.lookup("java").entry.category ==
        detection::ProcessCategory::kOther);
}

TEST_CASE("scoring overrides and large_upload_bytes apply", "[config]") {
  const LoadOutcome outcome =
      load("detection:\n  large_upload_bytes: 5000\n  scoring: {lolbin: 50, critical_at: 90}\n");
  REQUIRE(outcome.ok());
  CHECK(outcome.config->settings.large_upload_bytes == 5000);
  CHECK(outcome.config->settings.scoring.lolbin == 50);
  CHECK(outcome.config->settings.scoring.critical_at == 90);
  CHECK(outcome.config->settings.scoring.non_browser_ai_api == 40);
}

TEST_CASE("expired exceptions warn when the loader knows the time", "[config]") {
  LoadOptions options;
  options.resolve_token = false;
  options.now = core::parseTimestamp("2027-02-15").value();
  const LoadOutcome outcome =
      loadConfigText(exampleExceptionsText(), "x.yaml", MapEnvironment{}, options);
  REQUIRE(outcome.ok());
  // The SOAR exception (2027-01-31) has expired.
  REQUIRE(outcome.warnings.size() == 1);
  CHECK(testing::messageAt(outcome.warnings, "exceptions[2].expires") ==
        "exception 'soar-ai-enrichment' expired on 2027-01-31T00:00:00.000Z and no longer "
        "suppresses anything");
}

TEST_CASE("loadConfigFile reads files and reports unreadable ones", "[config]") {
  const std::string path = "/tmp/aihunt_config_test_" + std::to_string(::getpid()) + ".yaml";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("logging: {level: debug}\n", file);
    std::fclose(file);
  }
  LoadOptions options;
  options.resolve_token = false;
  const LoadOutcome outcome = loadConfigFile(path, MapEnvironment{}, options);
  REQUIRE(outcome.ok());
  CHECK(outcome.config->logging.level == spdlog::level::debug);
  std::remove(path.c_str());

  const LoadOutcome missing = loadConfigFile(path, MapEnvironment{}, options);
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].message == "cannot read the config file: No such file or directory");
  CHECK(missing.errors[0].source == path);

  auto result = toResult(loadConfigFile(path, MapEnvironment{}, options));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == core::ErrorCode::kConfig);
}

TEST_CASE("a config error message lists the first errors and counts the rest", "[config]") {
  std::string text = "version: 1\n";
  for (int i = 0; i < 60; ++i) text += "unknown_" + std::to_string(i) + ": 1\n";
  const LoadOutcome outcome = loadConfigText(text, "many.yaml", MapEnvironment{});
  REQUIRE(outcome.errors.size() == 60);
  const std::string message = describeErrors(outcome.errors);
  CHECK(message.rfind("60 config error(s):\n  many.yaml:2:1: unknown_0: unknown key", 0) == 0);
  CHECK(message.find("unknown_49:") != std::string::npos);
  CHECK(message.find("unknown_50:") == std::string::npos);
  CHECK(message.size() - message.rfind('\n') - 1 ==
        std::string("  ... and 10 more (aihunt config check lists them all)").size());
  CHECK(message.find("\n  ... and 10 more (aihunt config check lists them all)") !=
        std::string::npos);
  // Up to the cap, all of them and no count.
  const std::vector<ConfigError> two(outcome.errors.begin(), outcome.errors.begin() + 2);
  CHECK(describeErrors(two).find("more") == std::string::npos);
}

}  // namespace
}  // namespace aihunt::config
