#pragma once
// Finding the search a create may have made when its answer was lost (a timeout or reset after
// the request was written, a gateway's bodiless 5xx). The console's searches are listed
// (GET /api/ariel/searches: ids only) and the newest few read (GET /api/ariel/searches/{id}:
// query_string); a search is ours when its query_string holds our query's unique marker. IBM's
// endpoints:
// https://ibmsecuritydocs.github.io/qradar_api_19.0/19.0--ariel-searches-search_id-GET.html and
// IBMSecurityDocs/qradar_api_12.0 12.0--ariel-searches-GET.html; IBM/api-samples
// modules/arielapiclient.py calls both (get_searches, get_search).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "qradar_client/search_lifecycle.h"

namespace aihunt::qradar {

struct LostSearches {
  std::vector<SearchStatus> matches;  // ours, in list order (the newest last)
  std::size_t listed = 0;             // ids the console listed (plausible ones)
  std::size_t checked = 0;            // statuses read
};

// The searches whose query_string contains `needle`, among the newest `max_checked` listed. The
// needle is matched as a substring, not the whole string: IBM's sample status shows a
// query_string with "into <id>" and "parameters ..." the console added to the text sent.
[[nodiscard]] core::Result<LostSearches> findLostSearches(SearchLifecycle& lifecycle,
                                                          std::string_view needle,
                                                          const ApiCall& base,
                                                          std::size_t max_checked);

}  // namespace aihunt::qradar
