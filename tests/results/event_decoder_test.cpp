// The event decoder's fast path against aql's full parser on generated lines: the same verdict
// and, when both accept, the same event. One long-lived decoder reads every line, so its
// key-position cache and its clearing of fields a line lacks are exercised across lines.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "aql/event.h"
#include "results/event_decoder.h"
#include "tests/results/event_lines.h"

using namespace aihunt;

TEST_CASE("the event decoder and the full parser agree on generated lines") {
  aql::Schema schema;
  for (const char* field :
       {"starttime", "sourceip", "username", "Application", "Bytes Sent", "ratio"}) {
    schema.intern(field);
  }
  results::EventDecoder decoder(schema);
  std::mt19937 random(1126);
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string line = testing::eventLine(random);
    if (line.find('{') == std::string::npos) continue;
    INFO("line " << round << ": " << line);
    auto full = aql::parseEventJsonKnown(line, schema);
    auto fast = decoder.decode(line);
    REQUIRE(fast.ok() == full.ok());
    if (!fast.ok()) continue;
    ++accepted;
    full->values.resize(schema.size());
    CHECK((*fast)->values == full->values);
  }
  CHECK(accepted > 15000);
  // Most lines must take the fast path, or the comparison says little about it.
  CHECK(decoder.fallbacks() < accepted / 2);
  CHECK(decoder.fallbacks() > 100);
}

TEST_CASE("fields the query does not read are not materialised") {
  aql::Schema schema;
  const auto url = schema.intern("URL");
  results::EventDecoder decoder(schema);
  auto event = decoder.decode(R"({"Payload":"x","url":"https://a","n":[1,2]})");
  REQUIRE(event.ok());
  REQUIRE((*event)->values.size() == 1);
  CHECK((*event)->get(url) == aql::Value::string("https://a"));
}

TEST_CASE("past its bound on remembered keys the decoder still reads every line right") {
  aql::Schema schema;
  const auto start = schema.intern("starttime");
  const auto url = schema.intern("URL");
  results::EventDecoder decoder(schema);
  std::mt19937 random(2026);
  // 6,000 lines, each with a key never seen before in a random place among the read ones, so
  // the decoder's key memory (4,096 keys) fills up and later keys are looked up every time.
  for (int line = 0; line < 6000; ++line) {
    std::vector<std::string> members = {
        R"("starttime":)" + std::to_string(1000 + line),
        R"("URL":"https://h)" + std::to_string(line % 7) + R"(/")",
        R"("k)" + std::to_string(line) + R"(":")" + std::to_string(line) + R"(")"};
    std::shuffle(members.begin(), members.end(), random);
    const std::string text = "{" + members[0] + "," + members[1] + "," + members[2] + "}";
    INFO(text);
    auto event = decoder.decode(text);
    REQUIRE(event.ok());
    CHECK((*event)->get(start) == aql::Value::integer(1000 + line));
    CHECK((*event)->get(url) == aql::Value::string("https://h" + std::to_string(line % 7) + "/"));
  }
  CHECK(decoder.fallbacks() == 0);
}
