#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/loader.h"
#include "config_test_util.h"

namespace aihunt::config {
namespace {

LoadOutcome loadWith(std::string_view yaml, std::vector<std::string> overrides) {
  LoadOptions options;
  options.resolve_token = false;
  options.overrides = std::move(overrides);
  return loadConfigText(yaml, "test.yaml", MapEnvironment{}, options);
}

constexpr std::string_view kBase =
    "hunts:\n"
    "  - name: a\n"
    "    schedule: {every: 15m}\n"
    "  - name: b\n";

TEST_CASE("--set overrides values, creating sections on the way", "[config][overrides]") {
  const LoadOutcome outcome =
      loadWith(kBase, {"hunts[1].enabled=false", "hunts[0].schedule.every=5m",
                       "hunts[0].signals=[large_upload, first_seen]", "logging.level=debug",
                       "outputs.leef.host = siem.example.com"});
  INFO(testing::describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  const Config& config = *outcome.config;
  CHECK_FALSE(config.hunts[1].enabled);
  CHECK(config.hunts[0].schedule.every == std::chrono::minutes(5));
  CHECK(config.hunts[0].signals.has(detection::Signal::kFirstSeen));
  CHECK_FALSE(config.hunts[0].signals.has(detection::Signal::kNonBrowserAiApi));
  CHECK(config.logging.level == spdlog::level::debug);
  CHECK(config.outputs.leef.host == "siem.example.com");
}

TEST_CASE("--set values are validated like the file", "[config][overrides]") {
  const LoadOutcome outcome = loadWith(kBase, {"hunts[0].schedule.every=90s", "logging.colour=1"});
  REQUIRE(outcome.errors.size() == 2);
  CHECK(testing::messageAt(outcome.errors, "hunts[0].schedule.every") ==
        "must be whole minutes, found '90s'");
  CHECK(testing::messageAt(outcome.errors, "logging.colour").rfind("unknown key; ", 0) == 0);
}

TEST_CASE("bad --set assignments are reported", "[config][overrides]") {
  CHECK(testing::messageAt(loadWith(kBase, {"logging.level"}).errors, "") ==
        "--set 'logging.level': expected path=value (like hunts[0].enabled=false)");
  CHECK(testing::messageAt(loadWith(kBase, {"a..b=1"}).errors, "") ==
        "--set 'a..b': expected path=value (like hunts[0].enabled=false)");
  CHECK(testing::messageAt(loadWith(kBase, {"hunts[5].enabled=true"}).errors, "hunts[5].enabled") ==
        "--set: no list item 5 at 'hunts'");
  CHECK(testing::messageAt(loadWith(kBase, {"hunts.name=x"}).errors, "hunts.name") ==
        "--set: 'hunts' is not a map");
  CHECK(testing::messageAt(loadWith(kBase, {"logging.level=[a"}).errors, "logging.level") ==
        "--set: the value is not valid YAML");
}

}  // namespace
}  // namespace aihunt::config
