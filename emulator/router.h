#pragma once
// Method + path pattern -> handler. Patterns are '/'-separated with "{}" for one decoded segment
// ("/api/ariel/searches/{}/results"); the route with the most literal segments wins, a path that
// matches only with another method answers 405, no match 404.
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/capability.h"
#include "emulator/http_message.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

using RouteParams = std::vector<std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // segments; "{}" is a parameter
  Capability capability = Capability::kNone;
  RouteHandler handler;
};

struct RouteMatch {
  const Route* route = nullptr;
  RouteParams params;
};

class Router {
 public:
  void add(std::string method, std::string_view pattern, Capability capability,
           RouteHandler handler);
  [[nodiscard]] std::variant<RouteMatch, ApiError> match(
      std::string_view method, const std::vector<std::string>& segments) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace aihunt::emulator
