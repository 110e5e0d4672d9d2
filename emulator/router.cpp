#include "emulator/router.h"

namespace aihunt::emulator {

void Router::add(std::string method, std::string_view pattern, Capability capability,
                 RouteHandler handler) {
  Route route{std::move(method), {}, capability, std::move(handler)};
  std::size_t start = 0;
  while (start < pattern.size()) {
    std::size_t slash = pattern.find('/', start);
    if (slash == std::string_view::npos) slash = pattern.size();
    if (slash > start) route.pattern.emplace_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  routes_.push_back(std::move(route));
}

std::variant<RouteMatch, ApiError> Router::match(std::string_view method,
                                                 const std::vector<std::string>& segments) const {
  const Route* best = nullptr;
  int best_literals = -1;
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.pattern.size() != segments.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      if (route.pattern[i] == "{}") continue;
      ok = route.pattern[i] == segments[i];
      ++literals;
    }
    if (!ok) continue;
    path_known = true;
    if (route.method == method && literals > best_literals) {
      best = &route;
      best_literals = literals;
    }
  }
  if (best == nullptr) {
    if (path_known) {
      return ApiError{405, kCodeInvalidParameter,
                      "Method " + std::string(method) + " is not allowed for this endpoint",
                      "The endpoint does not support this HTTP method.", nlohmann::json::object()};
    }
    return notFound("Endpoint not found");
  }
  RouteMatch match{best, {}};
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->pattern[i] == "{}") match.params.push_back(segments[i]);
  }
  return match;
}

}  // namespace aihunt::emulator
