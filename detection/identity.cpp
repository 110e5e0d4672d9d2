#include "detection/identity.h"

#include <array>

#include "core/text.h"
#include "detection/process.h"

namespace aihunt::detection {
namespace {

bool isPlaceholder(std::string_view value) {
  static constexpr std::array<std::string_view, 6> kNobody = {"-",    "n/a",     "none",
                                                              "null", "unknown", "(null)"};
  for (const auto placeholder : kNobody) {
    if (core::iequals(value, placeholder)) return true;
  }
  return false;
}

bool isIpLiteral(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  for (const char c : host) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  return !host.empty();
}

// 2: DOMAIN\user, 1: user@domain, 0: bare.
int qualification(std::string_view user) {
  if (user.find('\\') != std::string_view::npos) return 2;
  if (user.find('@') != std::string_view::npos) return 1;
  return 0;
}

}  // namespace

std::string userKey(std::string_view username) {
  const std::string_view whole = core::trim(username);
  std::string_view name = whole;
  if (const auto slash = name.rfind('\\'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  if (const auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
  name = core::trim(name);
  // A name with nothing where the user should be (`CORP\alice\`, `CORP\`, `@corp`) is keyed
  // whole: an empty key means "no user", which would let the finding join another user's
  // incident on its host or IP alone.
  if (name.empty()) name = whole;
  if (isPlaceholder(name)) return {};
  return core::asciiLowered(name);
}

std::string hostKey(std::string_view host) {
  std::string_view name = core::trim(host);
  if (isPlaceholder(name)) return {};
  if (!isIpLiteral(name)) {
    if (const auto dot = name.find('.'); dot != std::string_view::npos) name = name.substr(0, dot);
  }
  return core::asciiLowered(name);
}

std::string processKey(std::string_view process_name) { return normaliseProcessName(process_name); }

bool preferUserDisplay(std::string_view candidate, std::string_view current) {
  if (current.empty()) return !candidate.empty();
  if (candidate.empty()) return false;
  const int a = qualification(candidate);
  const int b = qualification(current);
  if (a != b) return a > b;
  return candidate < current;
}

}  // namespace aihunt::detection
