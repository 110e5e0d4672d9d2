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
  // Who may read: Admin, or (log source types) any client, which then sees only each object's
  // name and id.
  bool names_for_all = false;
};

// IBM's API reference (JSA 7.5's edition of API 16.0 and 17.0, log_source_types GET and
// GET {id}): System Administrator, Security Admin or Manage Log Source Types permission gets
// every field; a less privileged client gets only name and id.
//   https://www.juniper.net/documentation/us/en/software/jsa7.5.0/jsa-rest-api-v170/topics/ref/17.0--config-event_sources-log_source_management-log_source_types-id-GET.html
// The emulator's roles have no Manage Log Source Types: only Admin sees everything.
json namesOnly(const json& object) {
  json out = json::object();
  for (const char* key : {"id", "name"}) {
    if (object.contains(key)) out[key] = object[key];
  }
  return out;
}

constexpr Resource kResources[] = {
    {"/api/data_classification/qid_records", ClassificationKind::kQidRecord,
     &ClassificationStore::createQidRecord, "QID record"},
    {"/api/data_classification/dsm_event_mappings", ClassificationKind::kDsmEventMapping,
     &ClassificationStore::createDsmEventMapping, "DSM event mapping"},
    {"/api/config/event_sources/log_source_management/log_source_types",
     ClassificationKind::kLogSourceType, &ClassificationStore::createLogSourceType,
     "log source type", /*names_for_all=*/true},
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
    const Capability read = resource.names_for_all ? Capability::kNone : cap;
    router.add("GET", resource.path, read,
               [this, resource](const HttpRequest& r, const RouteParams&) {
                 std::vector<json> objects = store_.list(resource.kind);
                 json sample = ClassificationStore::sample(resource.kind);
                 if (!r.admin) {
                   for (auto& object : objects) object = namesOnly(object);
                   sample = namesOnly(sample);
                 }
                 return listResponse(r, std::move(objects), sample);
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
    router.add("GET", std::string(resource.path) + "/{}", read,
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
                 return objectResponse(200, r.admin ? *object : namesOnly(*object), r);
               });
  }
}

}  // namespace aihunt::emulator
