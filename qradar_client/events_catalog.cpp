#include "qradar_client/events_catalog.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::qradar {

core::Result<EventsCatalog> EventsCatalog::fromJson(std::string_view body) {
  EventsCatalog catalog;
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) {
    return core::Error{core::ErrorCode::kParse,
                       "/api/ariel/databases/events answered with something other than a JSON "
                       "object"};
  }
  const auto columns = parsed.find("columns");
  if (columns == parsed.end() || !columns->is_array()) {
    return core::Error{core::ErrorCode::kParse,
                       "/api/ariel/databases/events answered without a \"columns\" list"};
  }
  for (const auto& column : *columns) {
    if (!column.is_object()) continue;
    const auto name = column.find("name");
    if (name == column.end() || !name->is_string()) continue;
    const std::string& text = name->get_ref<const std::string&>();
    catalog.exact_.insert(text);
    catalog.lowered_.insert(core::asciiLowered(text));
    const auto flag = column.find("indexable");
    if (flag != column.end() && flag->is_boolean() && !flag->get<bool>()) {
      catalog.not_indexable_.insert(core::asciiLowered(text));
    }
  }
  return catalog;
}

bool EventsCatalog::lists(std::string_view property) const {
  return exact_.count(std::string(property)) != 0 ||
         lowered_.count(core::asciiLowered(property)) != 0;
}

bool EventsCatalog::indexable(std::string_view property) const {
  return not_indexable_.count(core::asciiLowered(property)) == 0;
}

core::Result<EventsCatalog> readEventsCatalog(ApiClient& api, const CatalogRead& how) {
  ApiCall call;
  call.path = "/api/ariel/databases/events";
  call.retry = how.retry;
  if (how.abort_flag != nullptr) call.abort_flag = how.abort_flag;
  auto response = api.callOk(call);
  if (!response) return response.error();
  return EventsCatalog::fromJson(response->body);
}

}  // namespace aihunt::qradar
