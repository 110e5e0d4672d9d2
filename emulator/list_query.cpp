#include "emulator/list_query.h"

#include "core/text.h"
#include "emulator/offense_filter.h"
#include "emulator/paging.h"

namespace aihunt::emulator {

using nlohmann::json;

ApiResult<json> selectFields(const json& object, const HttpRequest& request) {
  const std::string* fields = request.param("fields");
  if (fields == nullptr || core::trim(*fields).empty()) return object;
  json out = json::object();
  std::string_view rest = *fields;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string name(core::trim(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty()) continue;
    if (!object.contains(name)) {
      return ApiError{422, kCodeInvalidParameter,
                      "Specified field \"" + core::printableExcerpt(name) +
                          "\" is not recognized by this endpoint",
                      "", json::object()};
    }
    out[name] = object[name];
  }
  return out;
}

HttpResponse listResponse(const HttpRequest& request, std::vector<json> objects,
                          const json& sample) {
  if (const std::string* text = request.param("filter")) {
    auto filter = parseFilter(*text);
    if (!filter.ok()) return errorResponse(invalidParameter(filter.error().message));
    std::erase_if(objects, [&filter](const json& object) { return !filter->matches(object); });
  }
  if (const std::string* text = request.param("sort")) {
    auto keys = parseSort(*text);
    bool valid = keys.ok();
    for (std::size_t i = 0; valid && i < keys->size(); ++i) {
      valid = sample.contains((*keys)[i].field);
    }
    if (!valid) {
      return errorResponse(ApiError{422, kCodeBadSort,
                                    "Invalid sort: \"" + core::printableExcerpt(*text) + "\"", "",
                                    json::object()});
    }
    sortObjects(objects, *keys);
  }
  auto window = pageWindow(request, objects.size());
  if (auto* error = std::get_if<ApiError>(&window)) return errorResponse(*error);
  const PageWindow& w = std::get<PageWindow>(window);
  json out = json::array();
  for (std::size_t i = w.first; i < w.end; ++i) {
    auto selected = selectFields(objects[i], request);
    if (auto* error = std::get_if<ApiError>(&selected)) return errorResponse(*error);
    out.push_back(std::move(std::get<json>(selected)));
  }
  HttpResponse response = jsonResponse(200, out.dump());
  setContentRange(response, w);
  return response;
}

HttpResponse objectResponse(int status, const json& object, const HttpRequest& request) {
  auto selected = selectFields(object, request);
  if (auto* error = std::get_if<ApiError>(&selected)) return errorResponse(*error);
  return jsonResponse(status, std::get<json>(selected).dump());
}

}  // namespace aihunt::emulator
