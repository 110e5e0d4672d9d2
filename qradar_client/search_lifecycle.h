#pragma once
// The REST calls of one Ariel search's life: create (the AQL in a form body), read its status
// (Prefer: wait=N holds the request while Ariel works), cancel and delete. No policy here: the
// polling loop, re-creation and deadline live in ariel_client.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/search_status.h"

namespace aihunt::qradar {

// What a status read found: the status, or that the search no longer exists (404/1002).
struct StatusRead {
  std::optional<SearchStatus> status;
  bool vanished = false;
};

class SearchLifecycle {
 public:
  explicit SearchLifecycle(ApiClient& api) : api_(api) {}

  [[nodiscard]] core::Result<SearchStatus> create(const std::string& aql, const ApiCall& base);
  // `wait_seconds` > 0 adds Prefer: wait=N.
  [[nodiscard]] core::Result<StatusRead> status(const std::string& search_id, int wait_seconds,
                                                const ApiCall& base);
  // POST ?status=CANCELED then DELETE; best effort, each error logged, never retried for long.
  void cleanUp(const std::string& search_id, bool completed, Millis timeout);

 private:
  ApiClient& api_;
};

}  // namespace aihunt::qradar
