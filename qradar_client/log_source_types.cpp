#include "qradar_client/log_source_types.h"

#include <utility>

#include "qradar_client/range_pages.h"

namespace aihunt::qradar {

core::Result<std::vector<LogSourceType>> listLogSourceTypes(ApiClient& api, std::size_t limit,
                                                            std::size_t page_size) {
  auto entries =
      readRangePages(api,
                     "/api/config/event_sources/log_source_management/log_source_types?fields=" +
                         urlEncode("id,name"),
                     limit, page_size, "listing the log source types");
  if (!entries) return entries.error();
  std::vector<LogSourceType> types;
  for (const auto& entry : *entries) {
    auto read = idAndName(entry);
    if (read) types.push_back({read->first, std::move(read->second)});
  }
  return types;
}

}  // namespace aihunt::qradar
