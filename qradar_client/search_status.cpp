#include "qradar_client/search_status.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::qradar {
namespace {

SearchState parseState(std::string_view text) {
  if (text == "WAIT") return SearchState::kWait;
  if (text == "EXECUTE") return SearchState::kExecute;
  if (text == "SORTING") return SearchState::kSorting;
  if (text == "COMPLETED") return SearchState::kCompleted;
  if (text == "CANCELED" || text == "CANCELLED") return SearchState::kCanceled;
  if (text == "ERROR") return SearchState::kError;
  return SearchState::kUnknown;
}

constexpr std::size_t kMaxErrorMessageBytes = 500;

core::Error malformed(const std::string& why) {
  return core::makeError(core::ErrorCode::kParse, "malformed search status: " + why);
}

}  // namespace

std::string_view searchStateName(SearchState state) {
  switch (state) {
    case SearchState::kWait:
      return "WAIT";
    case SearchState::kExecute:
      return "EXECUTE";
    case SearchState::kSorting:
      return "SORTING";
    case SearchState::kCompleted:
      return "COMPLETED";
    case SearchState::kCanceled:
      return "CANCELED";
    case SearchState::kError:
      return "ERROR";
    case SearchState::kUnknown:
      break;
  }
  return "UNKNOWN";
}

core::Result<SearchStatus> parseSearchStatus(std::string_view body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return malformed("not a JSON object");
  SearchStatus status;
  const auto id = parsed.find("search_id");
  if (id == parsed.end() || !id->is_string() || id->get<std::string>().empty()) {
    return malformed("no search_id");
  }
  status.search_id = id->get<std::string>();
  const auto state = parsed.find("status");
  if (state == parsed.end() || !state->is_string()) return malformed("no status");
  status.state = parseState(state->get<std::string>());
  // Numbers from the server are range-checked before they become ints: nlohmann's get<int>() on
  // 1e300 or on a 20-digit integer is undefined behaviour.
  if (auto progress = parsed.find("progress"); progress != parsed.end() && progress->is_number()) {
    const double value = progress->get<double>();
    status.progress = std::isfinite(value) ? static_cast<int>(std::clamp(value, 0.0, 100.0)) : 0;
  }
  bool count_valid = false;
  if (auto count = parsed.find("record_count"); count != parsed.end()) {
    if (count->is_number_unsigned() &&
        count->get<std::uint64_t>() <=
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      status.record_count = static_cast<std::int64_t>(count->get<std::uint64_t>());
      count_valid = true;
    } else if (count->is_number_integer() && count->get<std::int64_t>() >= 0) {
      status.record_count = count->get<std::int64_t>();
      count_valid = true;
    }
  }
  // A finished search must say how many rows it has: without a valid count, paging would stop at
  // once and a failed read would look like "no findings".
  if (status.state == SearchState::kCompleted && !count_valid) {
    return malformed("a COMPLETED search without a valid non-negative record_count");
  }
  if (auto query = parsed.find("query_string"); query != parsed.end() && query->is_string()) {
    status.query_string = query->get<std::string>();
  }
  if (auto errors = parsed.find("error_messages"); errors != parsed.end() && errors->is_array()) {
    for (const auto& entry : *errors) {
      if (entry.is_object() && entry.contains("message") && entry["message"].is_string()) {
        // Shown to people (stderr, logs, the run summary): made inert here, once.
        status.error_messages.push_back(
            core::printableExcerpt(entry["message"].get<std::string>(), kMaxErrorMessageBytes));
        const bool info = entry.contains("severity") && entry["severity"].is_string() &&
                          entry["severity"].get<std::string>() == "INFO";
        if (!info) status.serious_messages.push_back(status.error_messages.back());
      }
    }
  }
  return status;
}

}  // namespace aihunt::qradar
