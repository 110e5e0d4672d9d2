// libFuzzer target for the AQL parser: any input must parse or fail cleanly; whatever parses
// must print to text that parses back to the same tree and prints identically. Parsed queries
// are also linted and compiled and run over two small events, so the evaluator meets the same
// hostile trees.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aql/evaluator.h"
#include "aql/lint.h"
#include "aql/parser.h"
#include "aql/printer.h"

namespace {

void evaluateSmall(const aihunt::aql::Query& query) {
  using aihunt::aql::Value;
  aihunt::aql::Schema schema;
  std::vector<aihunt::aql::Event> events;
  events.push_back(
      aihunt::aql::makeEvent(schema, {{"starttime", Value::integer(1'000'000)},
                                      {"sourceip", Value::string("10.0.0.1")},
                                      {"URL", Value::string("https://api.openai.com/v1")},
                                      {"Bytes Sent", Value::string("123")},
                                      {"username", Value::null()}}));
  events.push_back(aihunt::aql::makeEvent(schema, {{"starttime", Value::integer(1'000'500)},
                                                   {"destinationport", Value::integer(443)}}));
  aihunt::aql::EvalOptions options;
  options.now = 1'001'000;
  auto result = aihunt::aql::evaluate(query, schema, events, options);
  if (result.ok()) (void)aihunt::aql::toArielJson(result.value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = aihunt::aql::parse(text);
  (void)aihunt::aql::lint(text);
  if (!parsed.ok()) return 0;
  const std::string printed = aihunt::aql::print(parsed.value());
  auto again = aihunt::aql::parse(printed);
  if (!again.ok()) std::abort();                         // printer wrote unparsable text
  if (!(again.value() == parsed.value())) std::abort();  // round trip changed the tree
  if (aihunt::aql::print(again.value()) != printed) std::abort();
  evaluateSmall(parsed.value());
  return 0;
}
