#pragma once
// The `filter` and `sort` query parameters of QRadar list endpoints, over JSON objects:
//   filter: status="OPEN" and magnitude>=5 or id=3   (and binds tighter than or; no parentheses)
//   sort:   +id,-last_updated_time
// Strings in single or double quotes (percent escapes inside are decoded once more, for
// clients that URL-encode filter values twice); numbers bare. Pure, for fuzzing.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace aihunt::emulator {

struct FilterCondition {
  std::string field;
  std::string op;  // = != < > <= >=
  nlohmann::json value;
};

// OR of ANDs.
struct Filter {
  std::vector<std::vector<FilterCondition>> any_of;
  [[nodiscard]] bool matches(const nlohmann::json& object) const;
};

core::Result<Filter> parseFilter(std::string_view text);

struct SortKey {
  std::string field;
  bool descending = false;
};

core::Result<std::vector<SortKey>> parseSort(std::string_view text);
// Stable sort by `keys`; every key must name a field of the objects (checked by the caller).
void sortObjects(std::vector<nlohmann::json>& objects, const std::vector<SortKey>& keys);

}  // namespace aihunt::emulator
