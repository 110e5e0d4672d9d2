#include "emulator/auth.h"

#include <openssl/crypto.h>

#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

bool secretEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

constexpr std::string_view kNoSec =
    "No SEC header present in request. Please provide it via \"SEC: token\". You may also use "
    "BASIC authentication parameters if this host supports it. e.g. \"Authorization: Basic "
    "base64Encoding\"";

}  // namespace

ApiError unauthorized(std::string message) {
  return ApiError{401, kCodeUnauthorized, std::move(message), "", nlohmann::json::object()};
}

ApiError insufficientCapabilities() {
  return ApiError{403, kCodeCapability,
                  "User has insufficient capabilities to access this endpoint resource",
                  "The provided token or user does not have the capability this endpoint needs.",
                  nlohmann::json::object()};
}

Authenticator::Authenticator(const EmulatorConfig& config) : admin_token_(config.admin_token) {
  auto capabilitiesOf = [&config](const std::string& role) {
    auto it = config.roles.find(role);
    return it == config.roles.end() ? CapabilitySet{} : it->second;
  };
  for (const TokenConfig& token : config.tokens) {
    tokens_[token.token] = Principal{token.user, capabilitiesOf(token.role)};
  }
  for (const UserConfig& user : config.users) {
    users_[user.name] = {user.password, Principal{user.name, capabilitiesOf(user.role)}};
  }
}

std::variant<Principal, ApiError> Authenticator::authenticate(const HttpRequest& request) const {
  if (const auto sec = request.header("SEC")) {
    for (const auto& [token, principal] : tokens_) {
      if (secretEquals(token, *sec)) return principal;
    }
    return unauthorized("Invalid SEC token: the token is not an authorized service token");
  }
  if (const auto authorization = request.header("Authorization")) {
    auto credentials = parseBasicAuth(*authorization);
    if (!credentials.ok()) return unauthorized("Invalid Authorization header");
    auto it = users_.find(credentials->user);
    if (it == users_.end() || !secretEquals(it->second.first, credentials->password)) {
      return unauthorized("Invalid username or password");
    }
    return it->second.second;
  }
  return unauthorized(std::string(kNoSec));
}

bool Authenticator::isAdmin(const HttpRequest& request) const {
  if (admin_token_.empty()) return false;
  const auto sec = request.header("SEC");
  return sec && secretEquals(admin_token_, *sec);
}

std::vector<std::string> Authenticator::secrets() const {
  std::vector<std::string> out;
  for (const auto& [token, principal] : tokens_) out.push_back(token);
  for (const auto& [name, user] : users_) out.push_back(user.first);
  if (!admin_token_.empty()) out.push_back(admin_token_);
  return out;
}

}  // namespace aihunt::emulator
