// The prefilter may only settle a line the decoder accepts and the filter rejects, and must give
// the start time the filter would have counted. Checked on generated lines (every awkward shape
// of event_lines.h) against the decoder and aql::EventFilter, then case by case for what it must
// leave to the decoder.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "aql/evaluator.h"
#include "aql/parser.h"
#include "core/ascii_pattern_set.h"
#include "results/event_decoder.h"
#include "results/event_prefilter.h"
#include "tests/results/event_lines.h"

using namespace aihunt;

namespace {

struct Setup {
  aql::Schema schema;
  aql::EventFilter filter;
  results::EventPrefilter prefilter;
};

aql::EventFilter filterFor(const std::string& text, aql::Schema& schema) {
  auto query = aql::parse(text);
  REQUIRE(query.ok());
  aql::EvalOptions options;
  options.now = 2'000'000;
  options.range = aql::TimeRange{1'001'000, 1'005'000};
  auto filter = aql::EventFilter::create(*query, schema, options);
  REQUIRE(filter.ok());
  return std::move(filter.value());
}

std::optional<core::EpochMs> startOf(const aql::Event& event, const aql::Schema& schema) {
  const aql::Value& value = event.get(*schema.find("starttime"));
  if (value.kind() == aql::Value::Kind::kInt) return value.asInt();
  if (value.kind() == aql::Value::Kind::kDouble) {
    return static_cast<core::EpochMs>(value.asDouble());
  }
  return std::nullopt;
}

// Feeds `line` to the prefilter (unpadded, so simdjson reads a copy: sanitizers see every byte
// it may touch) and, when it settles the line, checks the claim against the decoder and filter.
bool settledRightly(const std::string& line, aql::Schema& schema, aql::EventFilter& filter,
                    results::EventPrefilter& prefilter, results::EventDecoder& decoder) {
  const auto settled = prefilter.settle(line, false);
  if (!settled) return false;
  INFO("settled: " << line);
  auto event = decoder.decode(line);
  REQUIRE(event.ok());
  aql::EventTimes times;
  times.window = filter.range();
  CHECK_FALSE(filter.matches(**event, &times));
  CHECK(settled->start == startOf(**event, schema));
  CHECK(times.events == (settled->start ? 1U : 0U));
  return true;
}

}  // namespace

TEST_CASE("a settled line decodes, does not match, and keeps its start time") {
  // Long queries are split over lines, which the missing-comma check takes for a slip.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  const std::vector<std::string> queries = {
      "SELECT username FROM events",  // the window alone
      "SELECT username FROM events WHERE LOWER(\"Application\") LIKE '%py%'",
      "SELECT username FROM events WHERE (LOWER(\"Application\") LIKE '%python%' OR "
      "LOWER(application) LIKE '%curl%' OR LOWER(\"Application\") LIKE '%node%') AND username "
      "ILIKE '%a%'",
      // Terms that demand nothing (NOT, an OR over two properties) must still be honoured.
      "SELECT username FROM events WHERE NOT (LOWER(\"Application\") LIKE '%py%') AND "
      "\"Bytes Sent\" > 10",
      "SELECT username FROM events WHERE LOWER(\"Application\") LIKE '%py%' OR username = "
      "'alice'",
      // '_' matches any byte: the demand is the longest plain run, looser than the patterns.
      "SELECT username FROM events WHERE LOWER(\"Application\") LIKE '%p_thon%' OR "
      "LOWER(\"Application\") LIKE '%cu_l%'",
      // A demand over two properties: either may hold the text.
      "SELECT username FROM events WHERE (LOWER(\"Application\") LIKE '%py%' OR username ILIKE "
      "'%bob%' OR LOWER(\"Application\") LIKE '%node%') AND sourceip <> '10.0.0.3'",
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  for (const std::string& query : queries) {
    INFO(query);
    aql::Schema schema;
    aql::EventFilter filter = filterFor(query, schema);
    results::EventPrefilter prefilter(filter.range(), filter.textDemands());
    results::EventDecoder decoder(schema);
    std::mt19937 random(314);
    std::size_t settled = 0;
    std::size_t lines = 0;
    for (int round = 0; round < 8000; ++round) {
      const std::string line = testing::eventLine(random);
      if (line.find('{') == std::string::npos) continue;
      ++lines;
      if (settledRightly(line, schema, filter, prefilter, decoder)) ++settled;
    }
    // Most lines are settled (a fifth of the start times are outside the window), or the
    // comparison says little; many are left to the decoder.
    CHECK(settled > lines / 10);
    CHECK(settled < lines);
  }
}

TEST_CASE("what the prefilter leaves to the decoder") {
  aql::Schema schema;
  aql::EventFilter filter = filterFor(
      "SELECT username FROM events WHERE LOWER(\"URL\") LIKE '%api.openai.com%' OR "
      "LOWER(\"URL\") LIKE '%api.groq.com%'",
      schema);
  REQUIRE(filter.textDemands().size() == 1);
  REQUIRE(filter.textDemands()[0].alternatives.size() == 1);
  CHECK(filter.textDemands()[0].alternatives[0].property == "url");
  results::EventPrefilter prefilter(filter.range(), filter.textDemands());
  const auto settle = [&](const std::string& line) { return prefilter.settle(line, false); };

  SECTION("lines that cannot match are settled, with their start time") {
    auto other_host = settle(R"({"starttime":1002000,"URL":"https://example.com/v1"})");
    REQUIRE(other_host);
    CHECK(other_host->start == 1002000);
    auto before = settle(R"({"starttime":1000999,"URL":"https://api.openai.com/v1"})");
    REQUIRE(before);
    CHECK(before->start == 1000999);
    CHECK(settle(R"({"starttime":1005000,"URL":"https://api.openai.com/v1"})"));  // end excluded
    CHECK(settle(R"({"starttime":1002000})"));                                    // no URL
    CHECK(settle(R"({"starttime":1002000,"URL":null})"));
    auto no_start = settle(R"({"URL":"https://api.openai.com/v1"})");
    REQUIRE(no_start);
    CHECK_FALSE(no_start->start);
    CHECK_FALSE(settle(R"({"starttime":"1002000","URL":"x"})")->start);  // text: no start time
    CHECK(settle(R"({"StartTime":1002000.9,"url":"https://example.com"})")->start == 1002000);
  }
  SECTION("lines that may match, or that it cannot be sure of, are not") {
    CHECK_FALSE(settle(R"({"starttime":1002000,"URL":"https://API.OpenAI.com/v1"})"));
    CHECK_FALSE(settle(R"({"starttime":1002000,"URL":"https://api.open\u0061i.com"})"));
    // The same property twice, or in two spellings: the decoder picks the value.
    CHECK_FALSE(settle(R"({"starttime":1002000,"URL":"x","url":"https://api.groq.com"})"));
    CHECK_FALSE(settle(R"({"starttime":1002000,"starttime":1,"URL":"x"})"));
    CHECK_FALSE(settle(R"({"starttime":1002000,"URL":7})"));  // not text
    CHECK_FALSE(settle(R"({"starttime":18446744073709551615,"URL":"x"})"));
    CHECK_FALSE(settle(R"({"starttime":1e300,"URL":"x"})"));
  }
  SECTION("bad lines are never settled: the decoder reports them") {
    for (const std::string line :
         {R"({"starttime":1002000,"URL":"x")", R"([1,2])", R"({"starttime":1002000,"URL":"x"} x)",
          "{\"starttime\":1002000,\"URL\":\"\xff\"}", R"({"starttime":1002000,"URL":"\udc00"})",
          R"({"starttime":01})", "{\"URL\":\"a\tb\"}", ""}) {
      INFO(line);
      CHECK_FALSE(settle(line));
    }
  }
  SECTION("a line read where it lies, with padding after it, is read the same") {
    std::string buffer = R"({"starttime":1002000,"URL":"https://example.com"})";
    const std::size_t size = buffer.size();
    buffer.append(results::EventPrefilter::kPadding, '}');
    auto settled = prefilter.settle(std::string_view(buffer.data(), size), true);
    REQUIRE(settled);
    CHECK(settled->start == 1002000);
  }
}

TEST_CASE("a demand over several properties is met by any of them") {
  aql::Schema schema;
  aql::EventFilter filter = filterFor(
      "SELECT username FROM events WHERE devicetype = 12 AND (LOWER(\"Process CommandLine\") "
      "LIKE '%openai%' OR LOWER(\"Script Block Text\") LIKE '%openai%' OR "
      "LOWER(\"Process CommandLine\") LIKE '%sk-%')",
      schema);
  REQUIRE(filter.textDemands().size() == 1);
  REQUIRE(filter.textDemands()[0].alternatives.size() == 2);  // the command line's two fused
  results::EventPrefilter prefilter(filter.range(), filter.textDemands());
  const auto settle = [&](const std::string& line) { return prefilter.settle(line, false); };
  CHECK(settle(R"({"starttime":1002000,"devicetype":12})"));
  CHECK(settle(R"({"starttime":1002000,"Process CommandLine":"dir","Script Block Text":null})"));
  CHECK_FALSE(settle(R"({"starttime":1002000,"Process CommandLine":"dir","Script Block Text":)"
                     R"("iwr https://api.OPENAI.com"})"));
  CHECK_FALSE(settle(R"({"starttime":1002000,"process commandline":"curl -H sk-abc"})"));
  // Text it cannot read (a number) leaves the line to the decoder, unless another property
  // already meets the demand or none can.
  CHECK_FALSE(settle(R"({"starttime":1002000,"Process CommandLine":5})"));
  CHECK_FALSE(settle(R"({"starttime":1002000,"Process CommandLine":5,"Script Block Text":"x"})"));
}

TEST_CASE("a pattern with '_' demands its longest plain run") {
  aql::Schema schema;
  aql::EventFilter filter =
      filterFor("SELECT username FROM events WHERE LOWER(\"URL\") LIKE '%openai_api%'", schema);
  REQUIRE(filter.textDemands().size() == 1);
  const auto& needles = *filter.textDemands()[0].alternatives[0].needles;
  REQUIRE(needles.size() == 1);
  CHECK(needles.pattern(0) == "openai");
  results::EventPrefilter prefilter(filter.range(), filter.textDemands());
  const auto settle = [&](const std::string& line) { return prefilter.settle(line, false); };
  CHECK(settle(R"({"starttime":1002000,"URL":"https://example.com/api"})"));
  // The run is there: the decoder decides (a match, then not one).
  CHECK_FALSE(settle(R"({"starttime":1002000,"URL":"https://example.com/OpenAI-API"})"));
  CHECK_FALSE(settle(R"({"starttime":1002000,"URL":"https://example.com/openai"})"));
}
