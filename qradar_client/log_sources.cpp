#include "qradar_client/log_sources.h"

#include "qradar_client/range_pages.h"

namespace aihunt::qradar {

core::Result<std::vector<LogSource>> listLogSourcesOfType(ApiClient& api, std::int64_t type_id,
                                                          std::size_t limit,
                                                          std::size_t page_size) {
  auto entries =
      readRangePages(api,
                     "/api/config/event_sources/log_source_management/log_sources?fields=" +
                         urlEncode("id,name,enabled,protocol_parameters") +
                         "&filter=" + urlEncode("type_id=" + std::to_string(type_id)),
                     limit, page_size, "listing the log sources");
  if (!entries) return entries.error();
  std::vector<LogSource> sources;
  for (const auto& entry : *entries) {
    // Server data: an entry of another shape is skipped, never thrown on.
    if (!entry.is_object()) continue;
    const auto id = entry.find("id");
    if (id == entry.end() || !id->is_number_integer()) continue;
    LogSource source;
    source.id = id->get<std::int64_t>();
    if (const auto name = entry.find("name"); name != entry.end() && name->is_string()) {
      source.name = name->get<std::string>();
    }
    if (const auto enabled = entry.find("enabled");
        enabled != entry.end() && enabled->is_boolean()) {
      source.enabled = enabled->get<bool>();
    }
    const auto parameters = entry.find("protocol_parameters");
    if (parameters != entry.end() && parameters->is_array()) {
      for (const auto& parameter : *parameters) {
        if (!parameter.is_object()) continue;
        const auto name = parameter.find("name");
        const auto value = parameter.find("value");
        if (name != parameter.end() && name->is_string() && *name == "identifier" &&
            value != parameter.end() && value->is_string()) {
          source.identifier = value->get<std::string>();
        }
      }
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace aihunt::qradar
