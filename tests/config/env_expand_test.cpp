#include <catch2/catch.hpp>

#include "config/env_expand.h"
#include "config_test_util.h"

namespace aihunt::config {
namespace {

MapEnvironment testEnv() {
  MapEnvironment env;
  env.set("HOST", "qradar.corp");
  env.set("EMPTY", "");
  env.set("PORT", "6514");
  return env;
}

TEST_CASE("expandEnvironment substitutes variables and defaults", "[config][env]") {
  const MapEnvironment env = testEnv();
  const auto expand = [&](std::string_view text) {
    auto result = expandEnvironment(text, env);
    REQUIRE(result.ok());
    return result.value();
  };
  CHECK(expand("https://${HOST}/api") == "https://qradar.corp/api");
  CHECK(expand("${HOST}:${PORT}") == "qradar.corp:6514");
  CHECK(expand("${MISSING:-fallback}") == "fallback");
  CHECK(expand("${EMPTY:-fallback}") == "fallback");
  CHECK(expand("${HOST:-fallback}") == "qradar.corp");
  CHECK(expand("${MISSING:-}") == "");
  CHECK(expand("${EMPTY}") == "");
  CHECK(expand("cost $$5 and $HOST") == "cost $5 and $HOST");
  CHECK(expand("trailing $") == "trailing $");
  CHECK(expand("no variables") == "no variables");
}

TEST_CASE("expandEnvironment reports bad references", "[config][env]") {
  const MapEnvironment env = testEnv();
  const auto error = [&](std::string_view text) {
    auto result = expandEnvironment(text, env);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
  };
  CHECK(error("${MISSING}") ==
        "environment variable 'MISSING' is not set (use ${MISSING:-default} for an optional one)");
  CHECK(error("${HOST") == "unterminated '${' (write '$$' for a literal '$')");
  CHECK(error("${}") == "'${}' is not a variable reference (use ${NAME} or ${NAME:-default})");
  CHECK(error("${1X}") == "'${1X}' is not a variable reference (use ${NAME} or ${NAME:-default})");
  CHECK(error("${A B}") ==
        "'${A B}' is not a variable reference (use ${NAME} or ${NAME:-default})");
}

TEST_CASE("expandEnvironment refuses variables that hold secrets", "[config][env]") {
  MapEnvironment env = testEnv();
  env.set("AIHUNT_QRADAR_TOKEN", "s3cr3t-token-value");
  env.set("OPENAI_API_KEY", "s3cr3t-key-value");
  env.set("db_password", "s3cr3t-password");
  env.set("App_Secret", "s3cr3t");
  env.set("KEYBOARD", "us");
  for (const std::string_view text :
       {"${AIHUNT_QRADAR_TOKEN}", "x${OPENAI_API_KEY}y", "${db_password}", "${App_Secret}",
        "${AIHUNT_QRADAR_TOKEN:-fallback}", "${UNSET_TOKEN:-fallback}"}) {
    auto result = expandEnvironment(text, env);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("refers to a secret") != std::string::npos);
    CHECK(result.error().message.find("s3cr3t") == std::string::npos);
  }
  auto fine = expandEnvironment("${KEYBOARD}", env);
  REQUIRE(fine.ok());
  CHECK(fine.value() == "us");
}

TEST_CASE("a config value that references the token is refused at its path", "[config][env]") {
  MapEnvironment env = testEnv();
  env.set("AIHUNT_QRADAR_TOKEN", "s3cr3t-token-value");
  const auto outcome = testing::load(
      "hunts:\n"
      "  - name: mine\n"
      "    where: \"username = '${AIHUNT_QRADAR_TOKEN}'\"\n"
      "    fields: {url: URL}\n",
      env);
  REQUIRE_FALSE(outcome.ok());
  REQUIRE(outcome.errors.size() == 1);
  CHECK(outcome.errors[0].path == "hunts[0].where");
  CHECK(outcome.errors[0].describe().find("s3cr3t") == std::string::npos);
}

TEST_CASE("config values are expanded, keys are not", "[config][env]") {
  MapEnvironment env = testEnv();
  const auto outcome = testing::load(
      "outputs:\n"
      "  leef:\n"
      "    enabled: true\n"
      "    host: ${HOST}\n"
      "    port: ${PORT}\n"
      "  jsonl:\n"
      "    path: ${LOG_DIR:-/var/log}/findings.jsonl\n",
      env);
  REQUIRE(outcome.ok());
  CHECK(outcome.config->outputs.leef.host == "qradar.corp");
  CHECK(outcome.config->outputs.leef.port == 6514);
  CHECK(outcome.config->outputs.jsonl.path == "/var/log/findings.jsonl");

  const auto key = testing::load("${HOST}: 1\n", env);
  REQUIRE(key.errors.size() == 1);
  CHECK(key.errors[0].path == "${HOST}");
}

TEST_CASE("an unset variable names the path of the value", "[config][env]") {
  const auto outcome = testing::load(
      "qradar:\n"
      "  url: ${QRADAR_URL}\n"
      "hunts:\n"
      "  - name: a\n"
      "    fields: {url: '${URL_PROP}'}\n");
  REQUIRE(outcome.errors.size() == 2);
  CHECK(testing::messageAt(outcome.errors, "qradar.url") ==
        "environment variable 'QRADAR_URL' is not set (use ${QRADAR_URL:-default} for an "
        "optional one)");
  CHECK(testing::messageAt(outcome.errors, "hunts[0].fields.url") ==
        "environment variable 'URL_PROP' is not set (use ${URL_PROP:-default} for an optional "
        "one)");
}

}  // namespace
}  // namespace aihunt::config
