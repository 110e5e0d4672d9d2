#include "qradar_client/search_lifecycle.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace aihunt::qradar {

bool isPlausibleSearchId(std::string_view id) {
  constexpr std::size_t kLongest = 128;
  if (id.empty() || id.size() > kLongest) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
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
    core::Error error = api_.coreErrorOf(response).withContext("creating the Ariel search");
    if (response.status == 422) error.message += refusal_note_;
    return error;
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
  // The id asked about, not whatever the body says: the results and the delete go to the search
  // this status is of (a body that echoed the path's escaped id sent them to another one).
  read.status->search_id = search_id;
  return read;
}

core::Result<bool> SearchLifecycle::remove(const std::string& search_id, Millis timeout) {
  ApiCall call;
  call.retry = false;
  call.timeout = timeout;
  call.method = "DELETE";
  call.path = "/api/ariel/searches/" + urlEncode(search_id);
  auto deleted = api_.call(call);
  if (!deleted) return deleted.error();
  // Gone only when the console says so (1002): a proxy's or gateway's bare 404 is not that.
  if (deleted->status == 404 && api_.errorOf(*deleted).code == kCodeNotFound) return false;
  if (deleted->status >= 300) return api_.coreErrorOf(*deleted);
  return true;
}

bool SearchLifecycle::cleanUp(const std::string& search_id, bool completed, Millis timeout) {
  // Only the connection's own abort flag ends a clean-up call: its owner's time to stop ran out.
  // The search then stays on the console until QRadar removes it; said once, for the delete.
  const auto reason = [](const core::Error& error) {
    return error.code == core::ErrorCode::kCancelled
               ? std::string("given up, the time to stop ran out")
               : error.message;
  };
  if (!completed) {
    ApiCall call;
    call.retry = false;
    call.timeout = timeout;
    call.method = "POST";
    call.path = "/api/ariel/searches/" + urlEncode(search_id) + "?status=CANCELED";
    auto cancelled = api_.call(call);
    if (!cancelled) {
      api_.deps().logger->warn("cancelling search {}: {}", search_id, reason(cancelled.error()));
    }
  }
  auto deleted = remove(search_id, timeout);
  if (!deleted) {
    api_.noteCleanupFailure();
    api_.deps().logger->warn("deleting search {}: {}{}", search_id, reason(deleted.error()),
                             deleted.error().code == core::ErrorCode::kCancelled
                                 ? " (the search stays on the console until QRadar removes it)"
                                 : "");
    return false;
  }
  api_.deps().logger->debug("search {} deleted", search_id);
  return true;
}

}  // namespace aihunt::qradar
