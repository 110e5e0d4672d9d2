#pragma once
// The query parameters QRadar's list endpoints share, over JSON objects: `filter`
// (offense_filter.h), `sort`, the `Range: items=a-b` header and `fields` (top-level names only).
// IBM's API reference lists the same four for /siem/offenses, /data_classification/* and
// /config/event_sources/log_source_management/*.
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/http_message.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

// `fields=id,status` keeps only those top-level fields; an unknown name is 422/1005.
ApiResult<nlohmann::json> selectFields(const nlohmann::json& object, const HttpRequest& request);

// The answer to a list request: `objects` filtered, sorted (every sort key must be a field of
// `sample`, else 422/1030), cut to the Range (with Content-Range) and reduced to `fields`.
HttpResponse listResponse(const HttpRequest& request, std::vector<nlohmann::json> objects,
                          const nlohmann::json& sample);

// A single object, reduced to `fields`.
HttpResponse objectResponse(int status, const nlohmann::json& object, const HttpRequest& request);

}  // namespace aihunt::emulator
