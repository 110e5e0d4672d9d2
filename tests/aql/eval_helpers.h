#pragma once
// Small helpers for evaluator tests: run AQL text over events made from (name, value) lists.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aql/evaluator.h"
#include "aql/parser.h"

namespace aihunt::aql::testing {

inline constexpr core::EpochMs kNow = 1'795'712'588'000;  // 2026-11-26T17:03:08Z

struct Fixture {
  Schema schema;
  std::vector<Event> events;
  LookupTables lookups;
  InMemoryReferenceData reference_data;

  void add(const std::vector<std::pair<std::string, Value>>& fields) {
    events.push_back(makeEvent(schema, fields));
  }

  ResultSet run(const std::string& aql, core::EpochMs now = kNow) {
    auto query = parse(aql);
    INFO(aql);
    if (!query.ok()) FAIL(query.error().message);
    EvalOptions options;
    options.now = now;
    options.lookups = &lookups;
    options.reference_data = &reference_data;
    auto result = evaluate(query.value(), schema, events, options);
    if (!result.ok()) FAIL(result.error().message);
    return std::move(result.value());
  }

  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& aql, std::size_t index = 0) {
    std::vector<std::string> out;
    for (const Row& row : run(aql).rows) out.push_back(row.values.at(index).toString());
    return out;
  }
};

inline Value s(const char* text) { return Value::string(text); }
inline Value i(std::int64_t v) { return Value::integer(v); }

}  // namespace aihunt::aql::testing
