#pragma once
// Who is calling: a SEC token or HTTP Basic user from the config, mapped to its role's
// capabilities. Failures are QRadar's 401 body; capability checks answer 403/1009. The admin
// token is separate and opens only the emulator's /admin endpoints.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "emulator/capability.h"
#include "emulator/emulator_config.h"
#include "emulator/http_message.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

struct Principal {
  std::string user;
  CapabilitySet capabilities;
};

class Authenticator {
 public:
  explicit Authenticator(const EmulatorConfig& config);

  [[nodiscard]] std::variant<Principal, ApiError> authenticate(const HttpRequest& request) const;
  [[nodiscard]] bool isAdmin(const HttpRequest& request) const;
  // Every secret the logs and the request log must never show.
  [[nodiscard]] std::vector<std::string> secrets() const;

 private:
  std::map<std::string, Principal> tokens_;
  std::map<std::string, std::pair<std::string, Principal>> users_;  // name -> (password, who)
  std::string admin_token_;
};

ApiError unauthorized(std::string message);
ApiError insufficientCapabilities();

}  // namespace aihunt::emulator
