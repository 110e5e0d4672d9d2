#include "detection/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include "core/text.h"

namespace aihunt::detection {

std::optional<IpAddress> parseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string copy(text);  // inet_pton wants a NUL-terminated string
  IpAddress address;
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    address.is_v4 = true;
    address.bytes[10] = 0xFF;
    address.bytes[11] = 0xFF;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
    for (std::size_t i = 0; i < 4; ++i) address.bytes[12 + i] = raw[i];
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    for (std::size_t i = 0; i < 16; ++i) address.bytes[i] = v6.s6_addr[i];
    return address;
  }
  return std::nullopt;
}

core::Result<Cidr> Cidr::parse(std::string_view text) {
  const auto fail = [&](std::string_view why) {
    return core::makeError(
        core::ErrorCode::kConfig,
        "'" + core::printableExcerpt(text) + "' is not a CIDR (" + std::string(why) + ")");
  };
  const std::size_t slash = text.find('/');
  const auto address = parseIpAddress(text.substr(0, slash));
  if (!address) return fail("bad address");
  const int max_bits = address->is_v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    if (prefix.empty() || ec != std::errc() || end != prefix.data() + prefix.size() || bits < 0) {
      return fail("bad prefix length");
    }
    if (bits > max_bits) {
      return fail(address->is_v4 ? "prefix length above 32" : "prefix length above 128");
    }
  }
  Cidr cidr;
  cidr.network_ = *address;
  cidr.prefix_bits_ = address->is_v4 ? bits + 96 : bits;
  return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
  if (address.is_v4 != network_.is_v4) return false;
  int remaining = prefix_bits_;
  for (std::size_t i = 0; i < 16 && remaining > 0; ++i, remaining -= 8) {
    const int take = remaining >= 8 ? 8 : remaining;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - take));
    if ((address.bytes[i] & mask) != (network_.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace aihunt::detection
