#pragma once
// An Ariel search's status object ({"search_id", "status", "progress", "record_count",
// "error_messages": [{"message"}]}) read into a value. The body is hostile: numbers are
// range-checked before they become ints, and the error messages (shown to people) pass through
// core::printableExcerpt here, at the border.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace aihunt::qradar {

enum class SearchState { kWait, kExecute, kSorting, kCompleted, kCanceled, kError, kUnknown };

std::string_view searchStateName(SearchState state);

struct SearchStatus {
  std::string search_id;
  SearchState state = SearchState::kUnknown;
  int progress = 0;  // 0-100
  std::int64_t record_count = 0;
  std::vector<std::string> error_messages;
  // Those of error_messages whose severity is not INFO (WARN, ERROR, or none given).
  std::vector<std::string> serious_messages;
  std::string query_string;  // the AQL as the console holds it (it may add INTO, PARAMETERS)
};

// Parses a status object; errors name what is missing or malformed.
core::Result<SearchStatus> parseSearchStatus(std::string_view body);

}  // namespace aihunt::qradar
