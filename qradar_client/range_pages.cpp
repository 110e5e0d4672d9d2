#include "qradar_client/range_pages.h"

#include <algorithm>

namespace aihunt::qradar {

core::Result<std::vector<nlohmann::json>> readRangePages(ApiClient& api, const std::string& path,
                                                         std::size_t limit, std::size_t page_size,
                                                         const std::string& what) {
  std::vector<nlohmann::json> entries;
  if (page_size == 0) page_size = 1;
  while (entries.size() < limit) {
    const std::size_t first = entries.size();
    const std::size_t want = std::min(page_size, limit - first);
    ApiCall call;
    call.path = path;
    call.headers.emplace_back(
        "Range", "items=" + std::to_string(first) + "-" + std::to_string(first + want - 1));
    auto response = api.callOk(call);
    if (!response) return response.error().withContext(what);
    nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
    if (!parsed.is_array()) {
      return core::makeError(core::ErrorCode::kParse, what + ": expected a JSON array");
    }
    const std::size_t got = parsed.size();
    for (auto& entry : parsed) {
      entries.push_back(std::move(entry));
      if (entries.size() == limit) break;
    }
    if (got != want) break;
  }
  return entries;
}

std::optional<std::pair<std::int64_t, std::string>> idAndName(const nlohmann::json& entry) {
  if (!entry.is_object()) return std::nullopt;
  const auto id = entry.find("id");
  const auto name = entry.find("name");
  if (id == entry.end() || !id->is_number_integer() || name == entry.end() || !name->is_string()) {
    return std::nullopt;
  }
  return std::make_pair(id->get<std::int64_t>(), name->get<std::string>());
}

}  // namespace aihunt::qradar
