#include "aql/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include "core/text.h"

namespace aihunt::aql {

std::optional<IpAddress> parseIp(std::string_view text) {
  text = core::trim(text);
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string copy(text);  // inet_pton wants a terminated string
  IpAddress ip;
  if (copy.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, copy.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  if (inet_pton(AF_INET6, copy.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  ip.v6 = true;
  return ip;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  text = core::trim(text);
  const std::size_t slash = text.find('/');
  auto ip = parseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const int max_prefix = ip->v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return std::nullopt;
    }
  }
  Cidr cidr;
  cidr.network_ = *ip;
  cidr.prefix_ = prefix;
  return cidr;
}

bool Cidr::contains(const IpAddress& ip) const {
  if (ip.v6 != network_.v6) return false;
  int bits = prefix_;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i] & mask) != (network_.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace aihunt::aql
