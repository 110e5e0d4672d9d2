#include "emulator/classification_handlers.h"

#include <charconv>
#include <functional>
#include <string>

#include "emulator/list_query.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;
using Create = ApiResult<json> (ClassificationStore::*)(const json&);

struct Resource {
  const char* path;
  ClassificationKind kind;
  Create create;
  const char* noun;  // for 404 messages
};

constexpr Resource kResources[] = {
    {"/api/data_classification/qid_records", ClassificationKind::kQidRecord,
     &ClassificationStore::createQidRecord, "QID record"},
    {"/api/data_classification/dsm_event_mappings", ClassificationKind::kDsmEventMapping,
     &ClassificationStore::createDsmEventMapping, "DSM event mapping"},
    {"/api/config/event_sources/log_source_management/log_source_types",
     ClassificationKind::kLogSourceType, &ClassificationStore::createLogSourceType,
     "log source type"},
    {"/api/config/event_sources/log_source_management/log_sources", ClassificationKind::kLogSource,
     &ClassificationStore::createLogSource, "log source"},
};

std::optional<std::int64_t> positiveId(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

void ClassificationHandlers::registerRoutes(Router& router) {
  const Capability cap = Capability::kAdmin;
  for (const Resource& resource : kResources) {
    router.add("GET", resource.path, cap,
               [this, resource](const HttpRequest& r, const RouteParams&) {
                 return listResponse(r, store_.list(resource.kind),
                                     ClassificationStore::sample(resource.kind));
               });
    router.add("POST", resource.path, cap,
               [this, resource](const HttpRequest& r, const RouteParams&) {
                 const json body = json::parse(r.body, nullptr, false);
                 if (body.is_discarded() || !body.is_object()) {
                   return errorResponse(ApiError{422, kCodeInvalidParameter,
                                                 "The request body must be a JSON object", "",
                                                 json::object()});
                 }
                 auto created = std::invoke(resource.create, store_, body);
                 if (auto* error = std::get_if<ApiError>(&created)) return errorResponse(*error);
                 return objectResponse(201, std::get<json>(created), r);
               });
    router.add("GET", std::string(resource.path) + "/{}", cap,
               [this, resource](const HttpRequest& r, const RouteParams& p) {
                 const auto id = positiveId(p[0]);
                 if (!id) {
                   return errorResponse(invalidParameter(std::string(resource.noun) +
                                                         " id must be a positive integer"));
                 }
                 const auto object = store_.get(resource.kind, *id);
                 if (!object) {
                   return errorResponse(
                       notFound("The requested " + std::string(resource.noun) + " was not found."));
                 }
                 return objectResponse(200, *object, r);
               });
  }
}

}  // namespace aihunt::emulator
