// Exceptions fed by QRadar reference sets: lookups by element type (IP canonical, ALNIC without
// case, ALN exact), any listed set holding, and unknown sets never suppressing.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/exceptions.h"
#include "detection/reference_sets.h"
#include "tests/support/detection_fixture.h"

using namespace aihunt::detection;

namespace {

constexpr aihunt::core::EpochMs kNow = 1'795'000'000'000;

ExceptionRule setRule(std::vector<ReferenceSetMatch> sets) {
  ExceptionRule rule;
  rule.id = "allow-list";
  rule.reason = "test";
  rule.owner = "secops";
  rule.reference_sets = std::move(sets);
  return rule;
}

ExceptionSubject subjectFrom(const std::string& ip, std::string_view user, std::string_view host) {
  ExceptionSubject subject;
  subject.source_ip = parseIpAddress(ip);
  subject.source_ip_text = ip;
  subject.username = user;
  subject.host = host;
  return subject;
}

}  // namespace

TEST_CASE("IP sets compare addresses, whatever their textual form") {
  ReferenceSetContents sets;
  sets.put("Allowed", "IP", {"10.0.0.1", "2001:DB8::1", "::ffff:192.0.2.7", "not an address"});
  CHECK(sets.size("Allowed") == 3);
  CHECK(sets.skipped("Allowed") == 1);
  // Generated pairs: each row is one address written two ways.
  const std::vector<std::pair<std::string, std::string>> same = {
      {"10.0.0.1", "::ffff:10.0.0.1"},
      {"2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"},
      {"2001:db8::1", "2001:DB8:0:0::1"},
      {"192.0.2.7", "::FFFF:192.0.2.7"},
  };
  for (const auto& [first, second] : same) {
    CAPTURE(first, second);
    CHECK(sets.contains("Allowed", first) == std::optional(true));
    CHECK(sets.contains("Allowed", second) == std::optional(true));
    CHECK(sets.contains("Allowed", *parseIpAddress(second)) == std::optional(true));
  }
  CHECK(sets.contains("Allowed", "10.0.0.2") == std::optional(false));
  CHECK(sets.contains("Allowed", "2001:db8::2") == std::optional(false));
  CHECK(sets.contains("Allowed", "") == std::optional(false));
  CHECK(sets.contains("Allowed", "10.0.0.1x") == std::optional(false));
  CHECK_FALSE(sets.contains("Other", "10.0.0.1").has_value());
}

TEST_CASE("ALNIC sets ignore ASCII case, ALN sets do not") {
  ReferenceSetContents sets;
  sets.put("Users IC", "ALNIC", {"SVC-SOAR", "Alice"});
  sets.put("Users", "ALN", {"SVC-SOAR"});
  for (const std::string value : {"svc-soar", "SVC-SOAR", "Svc-Soar", "sVC-sOAR"}) {
    CAPTURE(value);
    CHECK(sets.contains("Users IC", value) == std::optional(true));
    CHECK(sets.contains("Users", value) == std::optional(value == "SVC-SOAR"));
  }
  CHECK(sets.contains("Users IC", "alice") == std::optional(true));
  CHECK(sets.contains("Users IC", "svc-soar2") == std::optional(false));
}

TEST_CASE("a reference_set matcher holds when any listed set holds the finding's field") {
  ReferenceSetContents sets;
  sets.put("Sources", "IP", {"10.1.1.1"});
  sets.put("Hosts", "ALNIC", {"DEV-WS-1"});
  sets.put("Users", "ALNIC", {"svc-etl"});
  const ExceptionMatcher matcher(
      {setRule({{"Sources", ReferenceField::kSourceIp}, {"Hosts", ReferenceField::kHost}})});
  CHECK(matcher.match(subjectFrom("10.1.1.1", "bob", "laptop-9"), kNow, &sets).suppressed_by);
  CHECK(matcher.match(subjectFrom("10.9.9.9", "bob", "dev-ws-1"), kNow, &sets).suppressed_by);
  const auto neither = matcher.match(subjectFrom("10.9.9.9", "svc-etl", "laptop-9"), kNow, &sets);
  CHECK(neither.suppressed_by == nullptr);
  CHECK_FALSE(neither.unknown_reference_set);

  const ExceptionMatcher by_user({setRule({{"Users", ReferenceField::kUsername}})});
  CHECK(by_user.match(subjectFrom("10.9.9.9", "SVC-ETL", "x"), kNow, &sets).suppressed_by);
  // The host is not what this matcher looks at.
  CHECK_FALSE(by_user.match(subjectFrom("10.9.9.9", "bob", "svc-etl"), kNow, &sets).suppressed_by);
}

TEST_CASE("a source_ip looked up in a text set compares its text") {
  ReferenceSetContents sets;
  sets.put("Addresses as text", "ALN", {"10.1.1.1"});
  const ExceptionMatcher matcher({setRule({{"Addresses as text", ReferenceField::kSourceIp}})});
  CHECK(matcher.match(subjectFrom("10.1.1.1", "", ""), kNow, &sets).suppressed_by);
  CHECK_FALSE(matcher.match(subjectFrom("10.1.1.2", "", ""), kNow, &sets).suppressed_by);
}

TEST_CASE("every other matcher must hold too") {
  ReferenceSetContents sets;
  sets.put("Sources", "IP", {"10.1.1.1"});
  ExceptionRule rule = setRule({{"Sources", ReferenceField::kSourceIp}});
  rule.user_globs = {"svc-*"};
  const ExceptionMatcher matcher({rule});
  CHECK(matcher.match(subjectFrom("10.1.1.1", "svc-a", ""), kNow, &sets).suppressed_by);
  const auto other_user = matcher.match(subjectFrom("10.1.1.1", "bob", ""), kNow, &sets);
  CHECK_FALSE(other_user.suppressed_by);
  CHECK_FALSE(other_user.unknown_reference_set);  // decided without the set
}

TEST_CASE("an unknown set suppresses nothing and says so") {
  ReferenceSetContents sets;
  sets.put("Known", "IP", {"10.1.1.1"});
  const ExceptionMatcher unknown_only({setRule({{"Never read", ReferenceField::kSourceIp}})});
  const auto verdict = unknown_only.match(subjectFrom("10.1.1.1", "", ""), kNow, &sets);
  CHECK(verdict.suppressed_by == nullptr);
  CHECK(verdict.unknown_reference_set);
  // No snapshot at all: the same.
  const auto none = unknown_only.match(subjectFrom("10.1.1.1", "", ""), kNow, nullptr);
  CHECK(none.suppressed_by == nullptr);
  CHECK(none.unknown_reference_set);

  // A known set that holds the value still suppresses next to an unknown one.
  const ExceptionMatcher mixed(
      {setRule({{"Never read", ReferenceField::kSourceIp}, {"Known", ReferenceField::kSourceIp}})});
  const auto held = mixed.match(subjectFrom("10.1.1.1", "", ""), kNow, &sets);
  CHECK(held.suppressed_by != nullptr);
  CHECK_FALSE(held.unknown_reference_set);
  const auto not_held = mixed.match(subjectFrom("10.1.1.2", "", ""), kNow, &sets);
  CHECK(not_held.suppressed_by == nullptr);
  CHECK(not_held.unknown_reference_set);
}

TEST_CASE("the analyzer looks exceptions up in the snapshot it is given") {
  auto settings = aihunt::testing::makeTestSettings();
  settings.exceptions.push_back(setRule({{"Allowed", ReferenceField::kSourceIp}}));
  Analyzer analyzer(settings, "h");
  Event event;
  event.set(Field::kApplication, "python");
  event.set(Field::kDestHost, "api.openai.com");
  event.set(Field::kSourceIp, "10.7.7.7");

  auto first = analyzer.analyze(event, kNow);
  REQUIRE(first);
  CHECK_FALSE(first->suppressed);
  CHECK(analyzer.stats().unknown_reference_set_checks == 1);

  auto contents = std::make_shared<ReferenceSetContents>();
  contents->put("Allowed", "IP", {"::ffff:10.7.7.7"});
  analyzer.setReferenceSets(contents);
  auto second = analyzer.analyze(event, kNow);
  REQUIRE(second);
  CHECK(second->suppressed);
  CHECK(second->exception == "allow-list");
  CHECK(analyzer.stats().unknown_reference_set_checks == 1);
  CHECK(analyzer.suppressedPerException() == std::vector<std::uint64_t>{1});
}
