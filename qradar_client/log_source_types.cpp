#include "qradar_client/log_source_types.h"

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
    // Server data: an entry of another shape is skipped, never thrown on.
    if (!entry.is_object()) continue;
    const auto id = entry.find("id");
    const auto name = entry.find("name");
    if (id == entry.end() || !id->is_number_integer() || name == entry.end() ||
        !name->is_string()) {
      continue;
    }
    types.push_back({id->get<std::int64_t>(), name->get<std::string>()});
  }
  return types;
}

}  // namespace aihunt::qradar
