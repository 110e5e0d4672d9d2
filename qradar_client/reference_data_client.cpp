#include "qradar_client/reference_data_client.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace aihunt::qradar {
namespace {

core::Result<nlohmann::json> parseJson(const HttpResponse& response, const char* what) {
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) {
    return core::makeError(core::ErrorCode::kParse, std::string("malformed ") + what);
  }
  return parsed;
}

std::string ttlText(Millis ttl) {
  const auto days = ttl.count() / 86'400'000;
  if (days > 0 && ttl.count() % 86'400'000 == 0) return std::to_string(days) + " days";
  return std::to_string(std::max<std::int64_t>(1, ttl.count() / 1000)) + " seconds";
}

}  // namespace

ReferenceApi referenceApiFor(std::string_view api_version) {
  const double version = std::strtod(std::string(api_version).c_str(), nullptr);
  return version >= 26.0 ? ReferenceApi::kCollections : ReferenceApi::kLegacySets;
}

core::Result<std::optional<ReferenceSetInfo>> ReferenceDataClient::find(const std::string& name) {
  ApiCall call;
  if (kind_ == ReferenceApi::kLegacySets) {
    call.path = "/api/reference_data/sets/" + urlEncode(name) + "?limit=0";
    call.headers.emplace_back("Range", "items=0-0");
    auto response = api_.call(call);
    if (!response) return response.error();
    if (response->status == 404) return std::optional<ReferenceSetInfo>();
    if (response->status >= 300) return api_.coreErrorOf(*response);
    auto parsed = parseJson(*response, "reference set");
    if (!parsed) return parsed.error();
    ReferenceSetInfo info;
    info.name = parsed->value("name", name);
    info.element_type = parsed->value("element_type", "");
    info.count = parsed->value("number_of_elements", std::int64_t{0});
    return std::optional(info);
  }
  call.path = "/api/reference_data_collections/sets?filter=" + urlEncode("name=\"" + name + "\"");
  auto response = api_.callOk(call);
  if (!response) return response.error();
  auto parsed = parseJson(*response, "reference set list");
  if (!parsed) return parsed.error();
  if (!parsed->is_array()) return core::makeError(core::ErrorCode::kParse, "expected a list");
  for (const auto& entry : *parsed) {
    if (entry.is_object() && entry.value("name", "") == name) {
      ReferenceSetInfo info;
      info.name = name;
      info.element_type = entry.value("entry_type", entry.value("element_type", ""));
      info.id = entry.value("id", std::int64_t{0});
      return std::optional(info);
    }
  }
  return std::optional<ReferenceSetInfo>();
}

core::Status ReferenceDataClient::create(const std::string& name, Millis time_to_live) {
  ApiCall call;
  call.method = "POST";
  if (kind_ == ReferenceApi::kLegacySets) {
    call.path =
        "/api/reference_data/sets?name=" + urlEncode(name) +
        "&element_type=ALN&timeout_type=LAST_SEEN&time_to_live=" + urlEncode(ttlText(time_to_live));
  } else {
    call.path = "/api/reference_data_collections/sets";
    call.headers.emplace_back("Content-Type", "application/json");
    call.body = nlohmann::json{{"name", name},
                               {"entry_type", "ALN"},
                               {"expiry_type", "LAST_SEEN"},
                               {"time_to_live", ttlText(time_to_live)}}
                    .dump();
  }
  auto response = api_.call(call);
  if (!response) return response.error();
  if (response->status == 409) return {};  // 1004: it exists
  if (response->status >= 300) return api_.coreErrorOf(*response);
  return {};
}

core::Status ReferenceDataClient::addValues(const std::string& name,
                                            const std::vector<std::string>& values,
                                            const std::string& source) {
  ApiCall call;
  call.headers.emplace_back("Content-Type", "application/json");
  if (kind_ == ReferenceApi::kLegacySets) {
    call.method = "POST";
    call.path = "/api/reference_data/sets/bulk_load/" + urlEncode(name);
    call.body = nlohmann::json(values).dump();
  } else {
    auto found = find(name);
    if (!found) return found.error();
    if (!*found) return core::makeError(core::ErrorCode::kNotFound, "no reference set " + name);
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& value : values) {
      entries.push_back({{"collection_id", (*found)->id}, {"value", value}, {"source", source}});
    }
    call.method = "PATCH";
    call.path = "/api/reference_data_collections/set_entries";
    call.body = entries.dump();
  }
  auto response = api_.callOk(call);
  if (!response) return response.error();
  return {};
}

core::Status ReferenceDataClient::probe() {
  ApiCall call;
  call.path = kind_ == ReferenceApi::kLegacySets ? "/api/reference_data/sets?fields=name"
                                                 : "/api/reference_data_collections/sets";
  call.headers.emplace_back("Range", "items=0-0");
  auto response = api_.callOk(call);
  if (!response) return response.error();
  return {};
}

}  // namespace aihunt::qradar
