// `match: reference_set:` in exceptions and the qradar: settings for reading those sets: every
// shape accepted, every mistake reported at its path.
#include <catch2/catch.hpp>

#include <string>

#include "config_test_util.h"

namespace aihunt::config {
namespace {

using testing::describeAll;
using testing::load;
using testing::messageAt;

std::string exceptionWith(const std::string& match) {
  return "exceptions:\n"
         "  - id: allow\n"
         "    reason: r\n"
         "    owner: o\n"
         "    match:\n" +
         match;
}

}  // namespace

TEST_CASE("reference_set takes a name, a {name, field} map or a list of both", "[config]") {
  const LoadOutcome outcome =
      load(exceptionWith("      reference_set:\n"
                         "        - AIHunt Allowed Sources\n"
                         "        - {name: AIHunt Allowed Users, field: username}\n"
                         "        - {name: AIHunt Allowed Hosts, field: host}\n"
                         "        - {name: Source IPs, field: source_ip}\n"));
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.config);
  const auto& sets = outcome.config->settings.exceptions.at(0).reference_sets;
  REQUIRE(sets.size() == 4);
  CHECK(sets[0].name == "AIHunt Allowed Sources");
  CHECK(sets[0].field == detection::ReferenceField::kSourceIp);  // a plain name: source_ip
  CHECK(sets[1].field == detection::ReferenceField::kUsername);
  CHECK(sets[2].field == detection::ReferenceField::kHost);
  CHECK(sets[3].field == detection::ReferenceField::kSourceIp);

  const LoadOutcome single = load(exceptionWith("      reference_set: Allowed\n"));
  REQUIRE(single.config);
  CHECK(single.config->settings.exceptions.at(0).reference_sets.size() == 1);
  const LoadOutcome map =
      load(exceptionWith("      reference_set: {name: Allowed, field: host}\n"));
  REQUIRE(map.config);
  CHECK(map.config->settings.exceptions.at(0).reference_sets.at(0).field ==
        detection::ReferenceField::kHost);
}

TEST_CASE("reference_set mistakes are reported with their paths", "[config][errors]") {
  struct Case {
    std::string match;
    std::string path;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"      reference_set: []\n", "exceptions[0].match.reference_set",
       "an empty list matches nothing; remove the key"},
      {"      reference_set: \"bad'name\"\n", "exceptions[0].match.reference_set",
       "'bad'name' is not a reference set name (letters, digits, space, '_', '-', '.')"},
      {"      reference_set: [ok, {name: x, field: domain}]\n",
       "exceptions[0].match.reference_set[1].field",
       "'domain' is not one of: source_ip, username, host"},
      {"      reference_set: [{field: host}]\n", "exceptions[0].match.reference_set[0].name",
       "missing required key"},
      {"      reference_set: [{name: x, feild: host}]\n",
       "exceptions[0].match.reference_set[0].feild", ""},
  };
  for (const auto& c : cases) {
    const LoadOutcome outcome = load(exceptionWith(c.match));
    INFO(c.match);
    INFO(describeAll(outcome.errors));
    CHECK_FALSE(outcome.config.has_value());
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].path == c.path);
    if (!c.message.empty()) CHECK(outcome.errors[0].message == c.message);
  }
}

TEST_CASE("qradar.exceptions_refresh and exceptions_max_values are checked", "[config][errors]") {
  const LoadOutcome good =
      load("qradar:\n  url: https://q\n  exceptions_refresh: 10m\n  exceptions_max_values: 5\n");
  REQUIRE(good.config);
  CHECK(good.config->qradar->exceptions_refresh == std::chrono::minutes(10));
  CHECK(good.config->qradar->exceptions_max_values == 5);
  const LoadOutcome defaults = load("qradar:\n  url: https://q\n");
  REQUIRE(defaults.config);
  CHECK(defaults.config->qradar->exceptions_refresh == std::chrono::minutes(5));
  CHECK(defaults.config->qradar->exceptions_max_values == 100'000);

  const LoadOutcome fast = load("qradar:\n  url: https://q\n  exceptions_refresh: 5s\n");
  CHECK(messageAt(fast.errors, "qradar.exceptions_refresh") == "must be at least 1m, found '5s'");
  const LoadOutcome none = load("qradar:\n  url: https://q\n  exceptions_max_values: 0\n");
  CHECK(messageAt(none.errors, "qradar.exceptions_max_values") ==
        "must be between 1 and 10000000, found 0");
}

}  // namespace aihunt::config
