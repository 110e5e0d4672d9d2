#pragma once
// A QRadar list endpoint read in pages: `Range: items=a-b` (inclusive, from zero), as IBM's API
// reference gives it for the list endpoints (offense notes, log source types, ...). Shared by
// the clients that read whole lists.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

// Every entry of `path`'s pages of `page_size`, at most `limit` of them, as the server sent
// them (server data: the caller checks each entry's shape). A short page is the last; so is a
// long one (a console that ignores Range answers everything at once; cut at `limit`). Each page
// starts after the entries read before it, whatever the caller keeps of them. `what` names the
// list in errors ("listing the log source types").
[[nodiscard]] core::Result<std::vector<nlohmann::json>> readRangePages(ApiClient& api,
                                                                       const std::string& path,
                                                                       std::size_t limit,
                                                                       std::size_t page_size,
                                                                       const std::string& what);

// A list entry's integer `id` and text `name` (log source types, rules); nullopt for an entry
// of another shape, which the caller skips (server data: never thrown on).
[[nodiscard]] std::optional<std::pair<std::int64_t, std::string>> idAndName(
    const nlohmann::json& entry);

}  // namespace aihunt::qradar
