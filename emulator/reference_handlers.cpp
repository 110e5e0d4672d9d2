#include "emulator/reference_handlers.h"

#include <charconv>

#include "core/text.h"
#include "emulator/paging.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;

constexpr std::string_view kDefaultReferenceSource = "reference data api";

json entryJson(const RefEntry& entry) {
  return {{"value", entry.value},
          {"source", entry.source},
          {"first_seen", entry.first_seen},
          {"last_seen", entry.last_seen}};
}

json setJson(const RefSetInfo& info) {
  json out = {{"name", info.name},
              {"element_type", elementTypeName(info.type)},
              {"timeout_type", timeoutTypeName(info.timeout)},
              {"number_of_elements", info.count},
              {"creation_time", info.created}};
  if (!info.time_to_live.empty()) out["time_to_live"] = info.time_to_live;
  return out;
}

json collectionJson(const RefSetInfo& info) {
  json out = {{"id", info.id},
              {"name", info.name},
              {"entry_type", elementTypeName(info.type)},
              {"expiry_type", info.ttl_ms > 0 ? std::string(timeoutTypeName(info.timeout))
                                              : std::string("NO_EXPIRY")},
              // A number (seconds) in the collections API, where the legacy API has interval text.
              {"time_to_live", info.ttl_ms > 0 ? json(info.ttl_ms / 1000) : json(nullptr)},
              {"description", info.description},
              {"namespace", "SHARED"},
              {"tenant_id", nullptr},
              {"creation_time", info.created},
              {"number_of_entries", info.count}};
  return out;
}

json mapJson(const MapOfSetsInfo& info) {
  json out = {{"name", info.name},
              {"element_type", elementTypeName(info.type)},
              {"key_label", info.key_label},
              {"value_label", info.value_label},
              {"timeout_type", timeoutTypeName(info.timeout)},
              {"number_of_elements", info.count},
              {"creation_time", info.created}};
  if (!info.time_to_live.empty()) out["time_to_live"] = info.time_to_live;
  return out;
}

json taskJson(const RefTask& task) {
  json out = {{"id", task.id},
              {"status", task.status},
              {"created_by", task.created_by},
              {"created", task.created},
              {"started", task.created},
              {"modified", task.created},
              {"completed", task.status == "COMPLETED" ? json(task.created) : json(nullptr)}};
  if (!task.name.empty()) out["name"] = task.name;
  return out;
}

template <typename T, typename Render>
HttpResponse answer(ApiResult<T>&& result, int status, Render render) {
  if (auto* error = std::get_if<ApiError>(&result)) return errorResponse(*error);
  return jsonResponse(status, render(std::get<T>(result)).dump());
}

std::string param(const HttpRequest& request, const std::string& name) {
  const std::string* value = request.param(name);
  return value == nullptr ? std::string() : *value;
}

// The legacy API's `source`: "reference data api" unless the request names one (IBM's reference
// for POST /reference_data/sets/{name}).
std::string legacySource(const HttpRequest& request) {
  std::string source = param(request, "source");
  return source.empty() ? std::string(kDefaultReferenceSource) : source;
}

ApiError missing(const std::string& name) {
  return invalidParameter("Missing required parameter \"" + name + "\" from query parameters");
}

ApiError badJson(const std::string& why) {
  return ApiError{422, kCodeBadJson, "The request body is not valid JSON: " + why, "",
                  json::object()};
}

ApiResult<ElementType> elementTypeParam(const std::string& text) {
  const auto type = parseElementType(text);
  if (!type) {
    return invalidParameter("Invalid element_type \"" + core::printableExcerpt(text) +
                            "\" (ALN, ALNIC, IP, NUM, PORT, DATE)");
  }
  return *type;
}

ApiResult<TimeoutType> timeoutParam(const std::string& text) {
  if (text.empty()) return TimeoutType::kUnknown;
  const auto type = parseTimeoutType(text);
  if (!type) return invalidParameter("Invalid timeout_type (FIRST_SEEN, LAST_SEEN, UNKNOWN)");
  return *type;
}

// Seconds as the store's interval text ("30 days", "1 hour 30 seconds").
std::string intervalText(std::int64_t seconds) {
  std::string out;
  for (const auto& [unit, size] : {std::pair<const char*, std::int64_t>{"days", 86'400},
                                   {"hours", 3'600},
                                   {"minutes", 60},
                                   {"seconds", 1}}) {
    if (seconds >= size) {
      out += (out.empty() ? "" : " ") + std::to_string(seconds / size) + " " + unit;
      seconds %= size;
    }
  }
  return out;
}

ApiError taskNotFound(const std::string& id) {
  return notFound("The task " + core::printableExcerpt(id) + " does not exist.");
}

}  // namespace

void ReferenceHandlers::registerRoutes(Router& router) {
  const Capability cap = Capability::kReferenceData;
  // Legacy sets.
  router.add("GET", "/api/reference_data/sets", cap,
             [this](const HttpRequest& r, const RouteParams&) {
               json out = json::array();
               for (const RefSetInfo& info : store_.listSets()) out.push_back(setJson(info));
               auto window = pageWindow(r, out.size());
               if (auto* error = std::get_if<ApiError>(&window)) return errorResponse(*error);
               const PageWindow& w = std::get<PageWindow>(window);
               json page(out.begin() + static_cast<std::ptrdiff_t>(w.first),
                         out.begin() + static_cast<std::ptrdiff_t>(w.end));
               HttpResponse response = jsonResponse(200, page.dump());
               setContentRange(response, w);
               return response;
             });
  router.add("POST", "/api/reference_data/sets", cap,
             [this](const HttpRequest& r, const RouteParams&) { return createSet(r); });
  router.add("GET", "/api/reference_data/sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return getSet(r, p[0]); });
  router.add("POST", "/api/reference_data/sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               const std::string* value = r.param("value");
               if (value == nullptr) return errorResponse(missing("value"));
               return answer(store_.addValue(p[0], *value, legacySource(r)), 200, setJson);
             });
  router.add("POST", "/api/reference_data/sets/bulk_load/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return bulkLoad(r, p[0]); });
  router.add("DELETE", "/api/reference_data/sets/{}/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               return answer(store_.deleteValue(p[0], p[1]), 200, setJson);
             });
  router.add("DELETE", "/api/reference_data/sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               return answer(store_.deleteSet(p[0], param(r, "purge_only") == "true", r.user), 202,
                             taskJson);
             });
  router.add("GET", "/api/reference_data/set_delete_tasks/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               const auto id = parseId(p[0]);
               auto task = id ? store_.task(*id, "delete") : std::nullopt;
               if (!task) return errorResponse(taskNotFound(p[0]));
               return jsonResponse(200, taskJson(*task).dump());
             });
  // Maps of sets.
  router.add("GET", "/api/reference_data/map_of_sets", cap,
             [this](const HttpRequest&, const RouteParams&) {
               json out = json::array();
               for (const MapOfSetsInfo& info : store_.listMapsOfSets())
                 out.push_back(mapJson(info));
               return jsonResponse(200, out.dump());
             });
  router.add("POST", "/api/reference_data/map_of_sets", cap,
             [this](const HttpRequest& r, const RouteParams&) { return createMapOfSets(r); });
  router.add("GET", "/api/reference_data/map_of_sets/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               return answer(store_.getMapOfSets(p[0]), 200, [](const MapOfSetsView& view) {
                 json out = mapJson(view.info);
                 json data = json::object();
                 for (const auto& [key, entries] : view.data) {
                   json values = json::array();
                   for (const RefEntry& entry : entries) values.push_back(entryJson(entry));
                   data[key] = std::move(values);
                 }
                 out["data"] = std::move(data);
                 return out;
               });
             });
  router.add("POST", "/api/reference_data/map_of_sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               const std::string* key = r.param("key");
               const std::string* value = r.param("value");
               if (key == nullptr) return errorResponse(missing("key"));
               if (value == nullptr) return errorResponse(missing("value"));
               return answer(store_.addToMapOfSets(p[0], *key, *value, legacySource(r)), 200,
                             mapJson);
             });
  router.add(
      "POST", "/api/reference_data/map_of_sets/bulk_load/{}", cap,
      [this](const HttpRequest& r, const RouteParams& p) { return bulkLoadMapOfSets(r, p[0]); });
  router.add("DELETE", "/api/reference_data/map_of_sets/{}/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               const std::string* value = r.param("value");
               if (value == nullptr) return errorResponse(missing("value"));
               return answer(store_.deleteMapOfSetsValue(p[0], p[1], *value), 200, mapJson);
             });
  router.add("DELETE", "/api/reference_data/map_of_sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               return answer(store_.deleteMapOfSets(p[0], r.user), 202, taskJson);
             });
  router.add("GET", "/api/reference_data/map_of_sets_delete_tasks/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               const auto id = parseId(p[0]);
               auto task = id ? store_.task(*id, "delete") : std::nullopt;
               if (!task) return errorResponse(taskNotFound(p[0]));
               return jsonResponse(200, taskJson(*task).dump());
             });
  // v26 collections.
  router.add("GET", "/api/reference_data_collections/sets", cap,
             [this](const HttpRequest& r, const RouteParams&) { return collectionList(r); });
  router.add("POST", "/api/reference_data_collections/sets", cap,
             [this](const HttpRequest& r, const RouteParams&) { return createCollection(r); });
  router.add("GET", "/api/reference_data_collections/sets/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               const auto id = parseId(p[0]);
               const auto name = id ? store_.setNameById(*id) : std::nullopt;
               if (!name) return errorResponse(setNotFound(p[0]));
               return answer(store_.getSet(*name), 200,
                             [](const RefSetView& view) { return collectionJson(view.info); });
             });
  router.add("DELETE", "/api/reference_data_collections/sets/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               const auto id = parseId(p[0]);
               const auto name = id ? store_.setNameById(*id) : std::nullopt;
               if (!name) return errorResponse(setNotFound(p[0]));
               return answer(store_.deleteSet(*name, false, r.user), 202, taskJson);
             });
  router.add("GET", "/api/reference_data_collections/set_entries", cap,
             [this](const HttpRequest& r, const RouteParams&) { return collectionEntries(r); });
  router.add("PATCH", "/api/reference_data_collections/set_entries", cap,
             [this](const HttpRequest& r, const RouteParams&) { return patchEntries(r); });
  router.add("GET", "/api/reference_data_collections/set_bulk_update_tasks/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               const auto id = parseId(p[0]);
               auto task = id ? store_.task(*id, "bulk_update") : std::nullopt;
               if (!task) {
                 ApiError error = taskNotFound(p[0]);
                 error.code = kCodeBulkTaskNotFound;  // IBM: "The task_status_id does not exist"
                 return errorResponse(error);
               }
               return jsonResponse(200, taskJson(*task).dump());
             });
}

HttpResponse ReferenceHandlers::createSet(const HttpRequest& request) {
  const std::string* name = request.param("name");
  const std::string* type = request.param("element_type");
  if (name == nullptr) return errorResponse(missing("name"));
  if (type == nullptr) return errorResponse(missing("element_type"));
  auto element = elementTypeParam(*type);
  if (auto* error = std::get_if<ApiError>(&element)) return errorResponse(*error);
  auto timeout = timeoutParam(param(request, "timeout_type"));
  if (auto* error = std::get_if<ApiError>(&timeout)) return errorResponse(*error);
  NewSet spec{*name, std::get<ElementType>(element), std::get<TimeoutType>(timeout),
              param(request, "time_to_live"), ""};
  return answer(store_.createSet(spec), 201, setJson);
}

HttpResponse ReferenceHandlers::getSet(const HttpRequest& request, const std::string& name) {
  auto view = store_.getSet(name);
  if (auto* error = std::get_if<ApiError>(&view)) return errorResponse(*error);
  const RefSetView& set = std::get<RefSetView>(view);
  auto window = pageWindow(request, set.entries.size());
  if (auto* error = std::get_if<ApiError>(&window)) return errorResponse(*error);
  const PageWindow& w = std::get<PageWindow>(window);
  json out = setJson(set.info);
  json data = json::array();
  for (std::size_t i = w.first; i < w.end; ++i) data.push_back(entryJson(set.entries[i]));
  out["data"] = std::move(data);
  HttpResponse response = jsonResponse(200, out.dump());
  setContentRange(response, w);
  return response;
}

HttpResponse ReferenceHandlers::bulkLoad(const HttpRequest& request, const std::string& name) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return errorResponse(badJson("expected an array of strings"));
  if (!body.is_array()) return errorResponse(badJson("expected an array of strings"));
  std::vector<std::string> values;
  for (const json& item : body) {
    if (item.is_string()) {
      values.push_back(item.get<std::string>());
    } else if (item.is_number()) {
      values.push_back(item.dump());
    } else {
      return errorResponse(badJson("array items must be strings"));
    }
  }
  return answer(store_.bulkLoad(name, values, legacySource(request)), 200, setJson);
}

HttpResponse ReferenceHandlers::createMapOfSets(const HttpRequest& request) {
  const std::string* name = request.param("name");
  const std::string* type = request.param("element_type");
  if (name == nullptr) return errorResponse(missing("name"));
  if (type == nullptr) return errorResponse(missing("element_type"));
  auto element = elementTypeParam(*type);
  if (auto* error = std::get_if<ApiError>(&element)) return errorResponse(*error);
  auto timeout = timeoutParam(param(request, "timeout_type"));
  if (auto* error = std::get_if<ApiError>(&timeout)) return errorResponse(*error);
  return answer(
      store_.createMapOfSets(*name, std::get<ElementType>(element), param(request, "key_label"),
                             param(request, "value_label"), param(request, "time_to_live"),
                             std::get<TimeoutType>(timeout)),
      201, mapJson);
}

HttpResponse ReferenceHandlers::bulkLoadMapOfSets(const HttpRequest& request,
                                                  const std::string& name) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return errorResponse(badJson("expected an object of key to array of values"));
  }
  std::map<std::string, std::vector<std::string>> data;
  for (const auto& [key, values] : body.items()) {
    if (!values.is_array()) return errorResponse(badJson("values must be arrays"));
    for (const json& value : values) {
      if (!value.is_string() && !value.is_number()) {
        return errorResponse(badJson("values must be strings"));
      }
      data[key].push_back(value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  return answer(store_.bulkLoadMapOfSets(name, data, legacySource(request)), 200, mapJson);
}

HttpResponse ReferenceHandlers::createCollection(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return errorResponse(badJson("expected a JSON object"));
  }
  auto text = [&body](const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                       : std::string();
  };
  if (text("name").empty()) return errorResponse(invalidParameter("\"name\" is required"));
  auto element = elementTypeParam(text("entry_type").empty() ? "ALN" : text("entry_type"));
  if (auto* error = std::get_if<ApiError>(&element)) return errorResponse(*error);
  const std::string expiry = text("expiry_type");
  TimeoutType timeout = TimeoutType::kUnknown;
  if (!expiry.empty() && expiry != "NO_EXPIRY") {
    auto parsed = timeoutParam(expiry);
    if (auto* error = std::get_if<ApiError>(&parsed)) return errorResponse(*error);
    timeout = std::get<TimeoutType>(parsed);
  }
  // time_to_live is a number of seconds here (the legacy API takes interval text).
  std::string time_to_live;
  if (body.contains("time_to_live") && !body["time_to_live"].is_null()) {
    const json& ttl = body["time_to_live"];
    if (!ttl.is_number_integer() || ttl.get<std::int64_t>() < 0) {
      return errorResponse(ApiError{422, kCodeCollectionInvalid,
                                    "Invalid time_to_live: a whole number of seconds is expected",
                                    "", json::object()});
    }
    if (expiry != "NO_EXPIRY" && ttl.get<std::int64_t>() > 0) {
      time_to_live = intervalText(ttl.get<std::int64_t>());
    }
  }
  NewSet spec{text("name"), std::get<ElementType>(element), timeout, time_to_live,
              text("description")};
  auto created = store_.createSet(spec);
  if (auto* error = std::get_if<ApiError>(&created); error != nullptr && error->status == 409) {
    error->code = kCodeCollectionNameInUse;  // the collections API's own code, not 1004
  }
  return answer(std::move(created), 201, collectionJson);
}

namespace {

// `name="..."` (spaces around '=' allowed): the one filter clients use to find a set by name.
// Anything else is refused as IBM documents for a filter it cannot build: 422 with code 14001
// (GET /reference_data_collections/sets, juniper.net/documentation/us/en/software/jsa7.5.0/
// jsa-rest-api-v160/topics/ref/jsa-16.0--reference_data_collections-sets-GET.html).
std::optional<std::string> nameFilter(std::string_view filter) {
  filter = core::trim(filter);
  if (!filter.starts_with("name")) return std::nullopt;
  filter = core::trim(filter.substr(4));
  if (!filter.starts_with('=')) return std::nullopt;
  filter = core::trim(filter.substr(1));
  if (filter.size() < 2 || filter.front() != '"' || filter.back() != '"') return std::nullopt;
  std::string name;
  for (std::size_t i = 1; i + 1 < filter.size(); ++i) {
    if (filter[i] == '\\' && i + 2 < filter.size()) ++i;
    name.push_back(filter[i]);
  }
  return name;
}

// The slice of `items` a Range header asks for, with its Content-Range.
HttpResponse pagedList(const HttpRequest& request, const json& items) {
  auto window = pageWindow(request, items.size());
  if (auto* error = std::get_if<ApiError>(&window)) return errorResponse(*error);
  const PageWindow& w = std::get<PageWindow>(window);
  json page(items.begin() + static_cast<std::ptrdiff_t>(w.first),
            items.begin() + static_cast<std::ptrdiff_t>(w.end));
  HttpResponse response = jsonResponse(200, page.dump());
  setContentRange(response, w);
  return response;
}

}  // namespace

HttpResponse ReferenceHandlers::collectionList(const HttpRequest& request) {
  std::optional<std::string> name;
  if (const std::string* filter = request.param("filter")) {
    name = nameFilter(*filter);
    if (!name) {
      return errorResponse(ApiError{422, kCodeCollectionFilter,
                                    "An error occurred while building the filter (only "
                                    "name=\"...\" is supported here)",
                                    "", json::object()});
    }
  }
  json out = json::array();
  for (const RefSetInfo& info : store_.listSets()) {
    if (!name || info.name == *name) out.push_back(collectionJson(info));
  }
  return pagedList(request, out);
}

HttpResponse ReferenceHandlers::collectionEntries(const HttpRequest& request) {
  // filter=collection_id=N (the only filter supported here).
  std::optional<std::int64_t> collection;
  if (const std::string* filter = request.param("filter")) {
    std::string compact;
    for (const char c : *filter) {
      if (c != ' ') compact.push_back(c);
    }
    constexpr std::string_view kPrefix = "collection_id=";
    if (compact.rfind(kPrefix, 0) != 0 || !(collection = parseId(compact.substr(kPrefix.size())))) {
      return errorResponse(invalidParameter("Only filter=collection_id=<id> is supported"));
    }
  }
  json out = json::array();
  for (const RefSetInfo& info : store_.listSets()) {
    if (collection && info.id != *collection) continue;
    auto view = store_.getSet(info.name);
    if (!std::holds_alternative<RefSetView>(view)) continue;
    std::int64_t index = 0;
    for (const RefEntry& entry : std::get<RefSetView>(view).entries) {
      json item = entryJson(entry);
      item["collection_id"] = info.id;
      item["id"] = info.id * 1'000'000 + index++;
      out.push_back(std::move(item));
    }
  }
  return pagedList(request, out);
}

HttpResponse ReferenceHandlers::patchEntries(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_array()) {
    return errorResponse(badJson("expected an array of {collection_id, value, source}"));
  }
  std::vector<SetEntryPatch> entries;
  for (const json& item : body) {
    if (!item.is_object() || !item.contains("collection_id") ||
        !item["collection_id"].is_number_integer() || !item.contains("value")) {
      return errorResponse(badJson("each entry needs an integer collection_id and a value"));
    }
    SetEntryPatch patch;
    patch.collection_id = item["collection_id"].get<std::int64_t>();
    patch.value =
        item["value"].is_string() ? item["value"].get<std::string>() : item["value"].dump();
    if (item.contains("source") && item["source"].is_string()) {
      patch.source = item["source"].get<std::string>();
    }
    entries.push_back(std::move(patch));
  }
  return answer(store_.patchEntries(entries, request.user), 202, taskJson);
}

}  // namespace aihunt::emulator
