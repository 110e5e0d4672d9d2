#include "emulator/access_handlers.h"

#include <set>

#include <nlohmann/json.hpp>

#include "emulator/paging.h"

namespace aihunt::emulator {

void registerAccessRoutes(Router& router, const EmulatorConfig& config) {
  // The users are the config's token users and Basic users, each once, numbered from 1.
  std::set<std::string> names;
  for (const TokenConfig& token : config.tokens) names.insert(token.user);
  for (const UserConfig& user : config.users) names.insert(user.name);
  nlohmann::json users = nlohmann::json::array();
  std::int64_t id = 0;
  for (const std::string& name : names) users.push_back({{"id", ++id}, {"username", name}});

  // IBM: "Must have ADMIN or SAASADMIN capability to call this endpoint" (QRadar REST API 17.0,
  // GET /staged_config/access/users); Range applies as on every list endpoint.
  router.add("GET", "/api/staged_config/access/users", Capability::kAdmin,
             [users](const HttpRequest& request, const RouteParams&) {
               auto window = pageWindow(request, users.size());
               if (const auto* error = std::get_if<ApiError>(&window)) return errorResponse(*error);
               const PageWindow& page = std::get<PageWindow>(window);
               nlohmann::json slice = nlohmann::json::array();
               for (std::size_t i = page.first; i < page.end; ++i) slice.push_back(users[i]);
               HttpResponse response = jsonResponse(200, slice.dump());
               setContentRange(response, page);
               return response;
             });
}

}  // namespace aihunt::emulator
