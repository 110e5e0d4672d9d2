#include "qradar_client/rule_names.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "qradar_client/range_pages.h"

namespace aihunt::qradar {

core::Result<std::map<std::int64_t, std::string>> readRuleNames(
    ApiClient& api, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::string> names;
  for (std::size_t first = 0; first < ids.size(); first += kRuleIdsPerRequest) {
    const std::size_t last = std::min(ids.size(), first + kRuleIdsPerRequest);
    std::string filter;
    for (std::size_t i = first; i < last; ++i) {
      if (!filter.empty()) filter += " or ";
      filter += "id=" + std::to_string(ids[i]);  // numbers: nothing to quote
    }
    ApiCall call;
    call.path =
        "/api/analytics/rules?fields=" + urlEncode("id,name") + "&filter=" + urlEncode(filter);
    call.headers.emplace_back("Range", "items=0-" + std::to_string(last - first - 1));
    auto response = api.call(call);
    const std::string what = "reading the names of offense rules";
    if (!response) return response.error().withContext(what);
    if (response->status < 200 || response->status >= 300) {
      // The refusals (the caller stops asking) apart from a console that cannot answer now.
      core::Error error = api.coreErrorOf(*response);
      if (response->status == 422) error.code = core::ErrorCode::kInvalidArgument;
      if (response->status >= 500 || response->status == 429) {
        error.code = core::ErrorCode::kUnavailable;
      }
      return error.withContext(what);
    }
    const nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
    if (!parsed.is_array()) {
      return core::makeError(core::ErrorCode::kParse, what + ": expected a JSON array");
    }
    const auto begin = ids.begin() + static_cast<std::ptrdiff_t>(first);
    const auto end = ids.begin() + static_cast<std::ptrdiff_t>(last);
    for (const auto& entry : parsed) {
      // An id that was not asked for (a console that ignored the filter) is not kept.
      auto read = idAndName(entry);
      if (read && std::find(begin, end, read->first) != end) {
        names[read->first] = std::move(read->second);
      }
    }
  }
  return names;
}

core::Result<std::vector<RuleSummary>> listRules(ApiClient& api, std::size_t limit,
                                                 std::size_t page_size) {
  auto entries = readRangePages(api, "/api/analytics/rules?fields=" + urlEncode("id,name,enabled"),
                                limit, page_size, "listing the rules");
  if (!entries) return entries.error();
  std::vector<RuleSummary> rules;
  for (const auto& entry : *entries) {
    auto read = idAndName(entry);
    if (!read) continue;
    RuleSummary rule;
    rule.id = read->first;
    rule.name = std::move(read->second);
    const auto enabled = entry.find("enabled");
    rule.enabled = enabled != entry.end() && enabled->is_boolean() && enabled->get<bool>();
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace aihunt::qradar
