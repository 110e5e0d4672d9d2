#include "core/ip_literal.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace aihunt::core {

bool isIpLiteral(std::string_view text) {
  // inet_pton reads a C string: a value with an embedded NUL, or longer than any address, is
  // not one.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(text);
  in6_addr address{};
  return ::inet_pton(AF_INET, terminated.c_str(), &address) == 1 ||
         ::inet_pton(AF_INET6, terminated.c_str(), &address) == 1;
}

}  // namespace aihunt::core
