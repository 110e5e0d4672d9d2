// The seed query from the T1588.007 write-up, verbatim: parse, print, re-parse, evaluate.
#include <catch2/catch.hpp>

#include "aql/evaluator.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "aql/time_window.h"
#include "tests/aql/eval_helpers.h"
#include "tests/aql/fixtures.h"

namespace aihunt::aql {
namespace {

using testing::i;
using testing::kNow;
using testing::s;

Query seed() {
  auto parsed = parse(testing::readSeedQuery());
  if (!parsed.ok()) FAIL(parsed.error().message);
  return parsed.value();
}

TEST_CASE("seed query parses, prints and re-parses equal", "[aql][seed]") {
  const Query q = seed();
  CHECK(q.select.size() == 11);
  CHECK(*q.select[10].alias == "ProcessCategory");
  CHECK(q.select[10].expr.kind == ExprKind::kCase);
  CHECK(q.time.kind == TimeClause::Kind::kNone);
  CHECK(q.limit == 1000);
  REQUIRE(q.order_by.size() == 1);
  CHECK(q.order_by[0].descending);
  const std::string printed = print(q);
  auto again = parse(printed);
  REQUIRE(again.ok());
  CHECK(again.value() == q);
  CHECK(print(again.value()) == printed);
}

struct SeedCase {
  const char* app;
  const char* url;
  const char* category;  // expected ProcessCategory, or nullptr if the row is filtered out
};

TEST_CASE("seed query evaluates with its CASE column right", "[aql][seed]") {
  Query q = seed();
  q.time.kind = TimeClause::Kind::kLast;  // what `--last 24h` adds
  q.time.amount = 24;
  q.time.unit = TimeUnit::kHours;

  const std::vector<SeedCase> cases = {
      {"C:\\Python311\\python.exe", "https://api.openai.com/v1/chat/completions", "ScriptRuntime"},
      {"powershell.exe", "https://api.anthropic.com/v1/messages", "ScriptRuntime"},
      {"pwsh", "https://generativelanguage.googleapis.com/v1beta", "ScriptRuntime"},
      {"curl.exe", "https://api.cohere.ai/v1/generate", "CLI_Transfer"},
      {"/usr/bin/wget", "https://api-inference.huggingface.co/models/x", "CLI_Transfer"},
      {"node", "https://api.mistral.ai/v1/chat", "ScriptRuntime"},
      {"MSHTA.EXE", "https://api.together.xyz/inference", "LOLBin"},
      {"regsvr32.exe", "https://api.groq.com/openai/v1", "LOLBin"},
      {"rundll32.exe", "https://api.perplexity.ai/chat", "LOLBin"},
      {"wscript.exe", "https://api.replicate.com/v1/predictions", "Other"},
      {"cscript.exe", "https://api.stability.ai/v1/generation", "Other"},
      {"MSBuild.exe", "https://x.inference.azure.com/", "Other"},
      {"chrome.exe", "https://api.openai.com/v1/chat/completions", nullptr},  // a browser
      {"python.exe", "https://example.com/", nullptr},                        // not an AI API
      {"python.exe", "https://API.AI21.COM/studio", "ScriptRuntime"},         // case folded
  };
  testing::Fixture f;
  f.lookups.category_names[4003] = "Firewall Permit";
  f.lookups.log_source_names[101] = "Blue Coat Proxy";
  for (std::size_t n = 0; n < cases.size(); ++n) {
    f.add({{"starttime", i(kNow - 3'600'000 - static_cast<std::int64_t>(n) * 1000)},
           {"sourceip", s("10.0.0.5")},
           {"username", s("alice")},
           {"destinationip", s("104.18.7.192")},
           {"destinationport", i(443)},
           {"category", i(4003)},
           {"logsourceid", i(101)},
           {"URL", s(cases[n].url)},
           {"Application", s(cases[n].app)},
           {"Bytes Sent", i(1000 + static_cast<std::int64_t>(n))}});
  }
  f.add({{"starttime", i(kNow - 25 * 3'600'000LL)},
         {"URL", s("https://api.openai.com/")},
         {"Application", s("python")}});  // outside 24 hours
  f.add({{"starttime", i(kNow - 1000)}, {"URL", s("https://api.openai.com/")}});  // no app: NULL

  testing::Fixture& fx = f;
  EvalOptions options;
  options.now = kNow;
  options.lookups = &fx.lookups;
  auto result = evaluate(q, fx.schema, fx.events, options);
  REQUIRE(result.ok());
  CHECK(result->columns ==
        std::vector<std::string>{"EventTime", "sourceip", "username", "destinationip",
                                 "destinationport", "EventCategory", "LogSource", "DestinationURL",
                                 "InitiatingApplication", "BytesSent", "ProcessCategory"});
  std::vector<std::string> expected;
  for (const SeedCase& c : cases) {
    if (c.category != nullptr) expected.push_back(c.category);
  }
  std::vector<std::string> got;
  for (const Row& row : result->rows) got.push_back(row.values[10].toString());
  // ORDER BY starttime DESC: the cases were added newest first.
  CHECK(got == expected);
  REQUIRE_FALSE(result->rows.empty());
  const Row& first = result->rows.front();
  CHECK(first.values[0] == s("2026-11-26 16:03:08"));
  CHECK(first.values[5] == s("Firewall Permit"));
  CHECK(first.values[6] == s("Blue Coat Proxy"));
  CHECK(first.values[7] == s("https://api.openai.com/v1/chat/completions"));
  CHECK(first.values[9] == i(1000));

  // Pasted as is (no time clause), the query covers one minute: nothing from an hour ago.
  auto as_is = evaluate(seed(), fx.schema, fx.events, options);
  REQUIRE(as_is.ok());
  CHECK(as_is->rows.empty());

  const std::string json = toArielJson(result.value());
  CHECK(json.rfind("{\"events\":[{\"EventTime\":\"2026-11-26 16:03:08\",\"sourceip\":", 0) == 0);
  CHECK(json.find("\"ProcessCategory\":\"LOLBin\"") != std::string::npos);
}

}  // namespace
}  // namespace aihunt::aql
