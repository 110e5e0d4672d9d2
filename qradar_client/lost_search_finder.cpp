#include "qradar_client/lost_search_finder.h"

namespace aihunt::qradar {

core::Result<LostSearches> findLostSearches(SearchLifecycle& lifecycle, std::string_view needle,
                                            const ApiCall& base, std::size_t max_checked) {
  if (needle.empty()) {
    return core::makeError(core::ErrorCode::kInvalidArgument, "no marker to find a search by");
  }
  auto ids = lifecycle.list(base, max_checked);
  if (!ids) return ids.error();
  LostSearches found;
  found.listed = ids->size();
  // Newest first: a lost create is recent.
  for (auto id = ids->rbegin(); id != ids->rend(); ++id) {
    auto read = lifecycle.status(*id, /*wait_seconds=*/0, base);
    ++found.checked;
    if (!read) {
      // One unreadable search (a garbled status) does not hide the others; a dead console does.
      if (read.error().code == core::ErrorCode::kParse) continue;
      return read.error().withContext("reading the listed searches");
    }
    if (read->vanished || !read->status) continue;  // deleted since it was listed
    if (read->status->query_string.find(needle) == std::string::npos) continue;
    read->status->search_id = *id;  // the listed id, checked; not whatever the status body says
    found.matches.insert(found.matches.begin(), std::move(*read->status));
  }
  return found;
}

}  // namespace aihunt::qradar
