#include "qradar_client/search_lifecycle.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

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

core::Error malformed(const std::string& why) {
  return core::makeError(core::ErrorCode::kParse, "malformed search status: " + why);
}

}  // namespace

bool isPlausibleSearchId(std::string_view id) {
  constexpr std::size_t kLongest = 128;
  if (id.empty() || id.size() > kLongest) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

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
        status.error_messages.push_back(entry["message"].get<std::string>());
      }
    }
  }
  return status;
}

core::Result<Created> SearchLifecycle::create(const std::string& aql, const ApiCall& base) {
  ApiCall call = base;
  call.method = "POST";
  call.path = "/api/ariel/searches";
  call.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  call.body = "query_expression=" + urlEncode(aql);
  call.repeatable = false;
  const Exchange sent = api_.exchange(call);
  Created created;
  if (unknownOutcome(sent)) {
    created.lost = sent.response ? api_.coreErrorOf(*sent.response) : sent.response.error();
    return created;
  }
  if (!sent.response) return sent.response.error().withContext("creating the Ariel search");
  const HttpResponse& response = *sent.response;
  if (response.status < 200 || response.status >= 300) {
    return api_.coreErrorOf(response).withContext("creating the Ariel search");
  }
  auto status = parseSearchStatus(response.body);
  if (!status) return status.error().withContext("creating the Ariel search");
  created.status = std::move(*status);
  return created;
}

core::Result<std::vector<std::string>> SearchLifecycle::list(const ApiCall& base, std::size_t limit,
                                                             std::size_t* skipped) {
  ApiCall call = base;
  call.method = "GET";
  call.path = "/api/ariel/searches";
  auto response = api_.callOk(call);
  if (!response) return response.error().withContext("listing the Ariel searches");
  const nlohmann::json parsed =
      nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return core::makeError(core::ErrorCode::kParse,
                           "listing the Ariel searches: not a JSON array of search ids");
  }
  std::vector<std::string> ids;
  std::size_t bad = 0;
  for (const auto& entry : parsed) {
    if (entry.is_string() && isPlausibleSearchId(entry.get<std::string>())) {
      ids.push_back(entry.get<std::string>());
    } else {
      ++bad;
    }
  }
  // The newest are taken to be last (unconfirmed: IBM documents no order), so a long list is
  // cut at its front.
  if (ids.size() > limit) ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(limit));
  if (skipped != nullptr) *skipped = bad;
  return ids;
}

core::Result<StatusRead> SearchLifecycle::status(const std::string& search_id, int wait_seconds,
                                                 const ApiCall& base) {
  ApiCall call = base;
  call.method = "GET";
  call.path = "/api/ariel/searches/" + urlEncode(search_id);
  if (wait_seconds > 0) {
    call.headers.emplace_back("Prefer", "wait=" + std::to_string(wait_seconds));
    call.hold = Millis(wait_seconds * 1000);
  }
  auto response = api_.call(call);
  if (!response) return response.error();
  StatusRead read;
  if (response->status == 404 && api_.errorOf(*response).code == kCodeNotFound) {
    read.vanished = true;
    return read;
  }
  if (response->status != 200 && response->status != 206) {
    return api_.coreErrorOf(*response).withContext("reading the search status");
  }
  auto parsed = parseSearchStatus(response->body);
  if (!parsed) return parsed.error();
  read.status = std::move(*parsed);
  return read;
}

void SearchLifecycle::cleanUp(const std::string& search_id, bool completed, Millis timeout) {
  const std::string path = "/api/ariel/searches/" + urlEncode(search_id);
  ApiCall call;
  call.retry = false;
  call.timeout = timeout;
  if (!completed) {
    call.method = "POST";
    call.path = path + "?status=CANCELED";
    auto cancelled = api_.call(call);
    if (!cancelled) {
      api_.deps().logger->warn("cancelling search {}: {}", search_id, cancelled.error().message);
    }
  }
  call.method = "DELETE";
  call.path = path;
  auto deleted = api_.call(call);
  if (!deleted) {
    api_.deps().logger->warn("deleting search {}: {}", search_id, deleted.error().message);
  } else if (deleted->status >= 300 && deleted->status != 404) {
    api_.deps().logger->warn("deleting search {}: {}", search_id,
                             api_.coreErrorOf(*deleted).message);
  } else {
    api_.deps().logger->debug("search {} deleted", search_id);
  }
}

}  // namespace aihunt::qradar
