#include "qradar_client/log_source_types.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace aihunt::qradar {

core::Result<std::vector<LogSourceType>> listLogSourceTypes(ApiClient& api, std::size_t limit,
                                                            std::size_t page_size) {
  std::vector<LogSourceType> types;
  if (page_size == 0) page_size = 1;
  // The next Range starts after the entries read, kept or not: an entry skipped for its shape
  // still took its place on the page.
  std::size_t first = 0;
  while (first < limit) {
    const std::size_t want = std::min(page_size, limit - first);
    ApiCall call;
    call.path = "/api/config/event_sources/log_source_management/log_source_types?fields=" +
                urlEncode("id,name");
    call.headers.emplace_back(
        "Range", "items=" + std::to_string(first) + "-" + std::to_string(first + want - 1));
    auto response = api.callOk(call);
    if (!response) return response.error().withContext("listing the log source types");
    const nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
    if (!parsed.is_array()) {
      return core::makeError(core::ErrorCode::kParse,
                             "listing the log source types: expected a JSON array");
    }
    for (const auto& entry : parsed) {
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
    // A short page is the last one; so is a long one (a console that ignores Range answers
    // everything at once).
    if (parsed.size() != want) break;
    first += want;
  }
  return types;
}

}  // namespace aihunt::qradar
