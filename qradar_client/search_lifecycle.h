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

// A search id from the server before it goes into a URL path: 1-128 of [A-Za-z0-9._-] (QRadar's
// are UUIDs or "s16"-style cursors; the console's list is server data like any other).
bool isPlausibleSearchId(std::string_view id);

// What a status read found: the status, or that the search no longer exists (404/1002).
struct StatusRead {
  std::optional<SearchStatus> status;
  bool vanished = false;
};

// What a create did: the console's answer, or no answer although the search may exist.
struct Created {
  std::optional<SearchStatus> status;
  std::optional<core::Error> lost;  // set when the outcome is unknown: why the answer was lost
};

class SearchLifecycle {
 public:
  explicit SearchLifecycle(ApiClient& api) : api_(api) {}

  // Added to the error when the console refuses to create the search (422: the query is not
  // valid AQL to it), to say how its positions relate to the query as the user wrote it.
  void explainRefusal(std::string note) { refusal_note_ = std::move(note); }

  // Sent again only after failures that prove no search was made (api_client.h, unknownOutcome).
  [[nodiscard]] core::Result<Created> create(const std::string& aql, const ApiCall& base);
  // GET /api/ariel/searches: the ids of the console's searches, as listed (at most `limit`).
  // Ids that could not be a search id are left out and counted in `skipped`.
  [[nodiscard]] core::Result<std::vector<std::string>> list(const ApiCall& base, std::size_t limit,
                                                            std::size_t* skipped = nullptr);
  // `wait_seconds` > 0 adds Prefer: wait=N.
  [[nodiscard]] core::Result<StatusRead> status(const std::string& search_id, int wait_seconds,
                                                const ApiCall& base);
  // POST ?status=CANCELED then DELETE; best effort, each error logged, never retried for long.
  // True when the search is gone afterwards (deleted, or already gone: remove()).
  bool cleanUp(const std::string& search_id, bool completed, Millis timeout);
  // DELETE alone, which also stops a search still running (IBM: "This discards any results that
  // were collected and stops the search if it is in progress", DELETE /ariel/searches/{search_id}
  // in the API reference of every release). True: deleted now; false: already gone (404 with
  // QRadar's code 1002, "The search does not exist"). Not retried: `timeout` bounds it.
  [[nodiscard]] core::Result<bool> remove(const std::string& search_id, Millis timeout);

 private:
  ApiClient& api_;
  std::string refusal_note_;
};

}  // namespace aihunt::qradar
