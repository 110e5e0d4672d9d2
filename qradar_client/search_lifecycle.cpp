#include "qradar_client/search_lifecycle.h"

namespace aihunt::qradar {

core::Result<SearchStatus> SearchLifecycle::create(const std::string& aql, const ApiCall& base) {
  ApiCall call = base;
  call.method = "POST";
  call.path = "/api/ariel/searches";
  call.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  call.body = "query_expression=" + urlEncode(aql);
  auto response = api_.callOk(call);
  if (!response) return response.error().withContext("creating the Ariel search");
  auto status = parseSearchStatus(response->body);
  if (!status) return status.error().withContext("creating the Ariel search");
  return status;
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
