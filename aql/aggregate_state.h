#pragma once
// Internal: the running state of one aggregate (COUNT, SUM, AVG, MIN, MAX, UNIQUECOUNT) in one
// GROUP BY group. A GROUP BY over more groups than memory should hold writes its groups to disk
// part way (aql/sorted_runs.h), so one group may end up as several partial states, each over a
// stretch of the input; merging them in input order gives the state one pass would have built.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "aql/compiled.h"
#include "aql/value.h"

namespace aihunt::aql::detail {

struct AggState {
  std::int64_t count = 0;
  std::int64_t int_sum = 0;
  double double_sum = 0;
  bool use_double = false;
  Value extreme;  // MIN / MAX
  // UNIQUECOUNT only: allocated on first use, so that the other aggregates of a large GROUP BY
  // do not carry an empty set each.
  std::unique_ptr<std::unordered_set<std::string>> distinct;
};

// The values a group key holds (the key: each key value's detail::appendValue() bytes, in
// order); false when `key` is not such a key.
bool decodeKey(std::string_view key, std::vector<Value>& out);

// Adds one row's value. Returns about how many bytes the state grew by (a new distinct value, a
// longer MIN/MAX text), for the GROUP BY's memory budget.
std::size_t accumulate(AggFn fn, const Val& v, AggState& state, std::string& scratch);

// Folds `later` (the same group's state over input that came after `into`'s) into `into`. Exact
// for every aggregate, except that a SUM or AVG of fractional numbers adds its partial sums in
// another order than one pass would, so its last digits may differ.
void mergeInto(AggFn fn, AggState& into, AggState&& later);

Value finalizeAgg(AggFn fn, const AggState& state);

// A group's states as bytes, for the spool file, and back. decodeAggs() sizes `states` to
// `count` and returns false when `bytes` is not what encodeAggs() wrote for that many.
void encodeAggs(std::vector<AggState>& states, std::string& out);
bool decodeAggs(std::string_view bytes, std::size_t count, std::vector<AggState>& states);

}  // namespace aihunt::aql::detail
