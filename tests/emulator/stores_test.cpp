// qradar-emu's stores in process, with a fixed clock: reference data TTL and REFERENCESETCONTAINS,
// offense indexing, search runs over the event store.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <sstream>
#include <thread>

#include "aql/parser.h"
#include "emulator/event_store.h"
#include "emulator/offense_store.h"
#include "emulator/reference_data_store.h"
#include "emulator/rule_engine.h"
#include "emulator/search_runner.h"

using namespace aihunt::emulator;

namespace {
constexpr aihunt::core::EpochMs kNow = 1'795'716'000'000;  // 2026-11-26T18:00:00Z
}

TEST_CASE("reference sets: ALNIC folds case, TTL by FIRST_SEEN and LAST_SEEN, 409 and 404") {
  EmulatorClock clock(kNow);
  ReferenceDataStore store(clock);
  REQUIRE(std::holds_alternative<RefSetInfo>(
      store.createSet({"AI Hosts", ElementType::kAlnic, TimeoutType::kLastSeen, "1 hour", ""})));
  auto again = store.createSet({"AI Hosts", ElementType::kAln, TimeoutType::kUnknown, "", ""});
  REQUIRE(std::holds_alternative<ApiError>(again));
  CHECK(std::get<ApiError>(again).status == 409);
  CHECK(std::get<ApiError>(again).code == 1004);
  REQUIRE(std::holds_alternative<RefSetInfo>(store.addValue("AI Hosts", "API.OpenAI.com", "t")));
  CHECK(store.contains("AI Hosts", "api.openai.com"));
  CHECK_FALSE(store.contains("ai hosts", "api.openai.com"));  // set names are exact
  clock.advance(50 * 60'000);
  REQUIRE(std::holds_alternative<RefSetInfo>(store.addValue("AI Hosts", "api.openai.com", "t")));
  clock.advance(50 * 60'000);
  CHECK(store.contains("AI Hosts", "api.openai.com"));  // refreshed 50 minutes ago
  clock.advance(11 * 60'000);
  CHECK_FALSE(store.contains("AI Hosts", "api.openai.com"));
  auto missing = store.deleteValue("AI Hosts", "nothing");
  REQUIRE(std::holds_alternative<ApiError>(missing));
  CHECK(std::get<ApiError>(missing).code == 1003);
  auto unknown = store.getSet("Nope");
  REQUIRE(std::holds_alternative<ApiError>(unknown));
  CHECK(std::get<ApiError>(unknown).code == 1002);

  REQUIRE(std::holds_alternative<RefSetInfo>(
      store.createSet({"First", ElementType::kIp, TimeoutType::kFirstSeen, "1 hour", ""})));
  REQUIRE(std::holds_alternative<RefSetInfo>(store.addValue("First", "10.0.0.1", "")));
  clock.advance(50 * 60'000);
  REQUIRE(std::holds_alternative<RefSetInfo>(store.addValue("First", "10.0.0.1", "")));
  clock.advance(11 * 60'000);
  CHECK_FALSE(store.contains("First", "10.0.0.1"));  // first seen 61 minutes ago
}

TEST_CASE(
    "offenses: one open offense per index value, event_count grows, closed ones stay closed") {
  OffenseStore offenses;
  EmulatorClock clock(kNow);
  RuleConfig rule;
  rule.id = 7;
  rule.name = "r";
  rule.description = "AI API use";
  rule.event_ids = {"EV"};
  RuleEngine engine({rule}, offenses, clock);
  const FieldList event = {{"EventID", aihunt::aql::Value::string("EV")},
                           {"sourceip", aihunt::aql::Value::string("10.1.2.3")}};
  CHECK(engine.onEvent(event, {}) == 1);
  CHECK(engine.onEvent(event, {}) == 1);
  CHECK(engine.onEvent({{"EventID", aihunt::aql::Value::string("EV")}}, {}) == 0);  // no index
  CHECK(engine.onEvent({{"EventID", aihunt::aql::Value::string("OTHER")},
                        {"sourceip", aihunt::aql::Value::string("10.1.2.3")}},
                       {}) == 0);
  REQUIRE(offenses.list().size() == 1);
  CHECK(offenses.list()[0].event_count == 2);
  CHECK(offenses.list()[0].description == "AI API use\n");
  OffenseUpdate close;
  close.status = "CLOSED";
  auto refused = offenses.update(1, close, "u", kNow);
  REQUIRE(std::holds_alternative<ApiError>(refused));
  CHECK(std::get<ApiError>(refused).status == 409);
  close.closing_reason_id = 99;
  CHECK(std::get<ApiError>(offenses.update(1, close, "u", kNow)).status == 422);
  close.closing_reason_id = 2;
  REQUIRE(std::holds_alternative<Offense>(offenses.update(1, close, "u", kNow)));
  engine.onEvent(event, {});
  REQUIRE(offenses.list().size() == 2);
  CHECK(offenses.list()[1].status == "OPEN");
}

TEST_CASE("a search runs over the event store with reference data") {
  EventStore events;
  std::istringstream jsonl(
      "{\"starttime\": 1795715990000, \"sourceip\": \"10.0.0.1\"}\n"
      "{\"starttime\": 1795715995000, \"sourceip\": \"10.0.0.2\"}\n");
  REQUIRE(events.addJsonl(jsonl).value() == 2);
  EmulatorClock clock(kNow);
  ReferenceDataStore references(clock);
  REQUIRE(std::holds_alternative<RefSetInfo>(
      references.createSet({"watch", ElementType::kIp, TimeoutType::kUnknown, "", ""})));
  REQUIRE(std::holds_alternative<RefSetInfo>(references.addValue("watch", "10.0.0.2", "")));
  aihunt::aql::LookupTables lookups;
  const ClassificationStore classification;
  SearchRunner runner({1, std::chrono::milliseconds(0), 1}, events, &lookups, classification,
                      &references, clock);
  auto query = aihunt::aql::parse(
      "SELECT sourceip FROM events WHERE REFERENCESETCONTAINS('watch', sourceip)");
  REQUIRE(query.ok());
  Search search("id", "text", *query, kNow, 1000, {});
  runner.run(search);
  CHECK(search.state() == SearchState::kCompleted);
  const Search::Page page = search.page(0, 10);
  REQUIRE(page.rows.size() == 1);
  CHECK(page.rows[0].values[0] == aihunt::aql::Value::string("10.0.0.2"));
  runner.stop();
}

TEST_CASE("stopping the search runner cancels the searches its workers are running") {
  // A worker in a search's hour-long WAIT pause must not hold the emulator's exit until the
  // pause ends (a test's emulator then failed to stop within its grace period).
  EventStore events;
  EmulatorClock clock(kNow);
  ReferenceDataStore references(clock);
  const ClassificationStore classification;
  SearchRunner runner({1, std::chrono::hours(1), 1}, events, nullptr, classification, &references,
                      clock);
  auto query = aihunt::aql::parse("SELECT sourceip FROM events");
  REQUIRE(query.ok());
  auto running = std::make_shared<Search>("running", "text", *query, kNow, 1000, SearchFault{});
  auto queued = std::make_shared<Search>("queued", "text", *query, kNow, 1000, SearchFault{});
  runner.submit(running);
  runner.submit(queued);
  // Bounded wait until the worker has taken the first search (its WAIT pause then runs).
  for (int i = 0; i < 5000 && runner.busyWorkers() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(runner.busyWorkers() == 1);
  runner.stop();
  CHECK(running->state() == SearchState::kCanceled);
  CHECK(queued->cancelRequested());
}
