#pragma once
// IPv4 and IPv6 networks for exception matching ("10.0.0.0/8", "fd00::/8", a bare address).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace aihunt::detection {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 kept as ::ffff:a.b.c.d
  bool is_v4 = false;
};

std::optional<IpAddress> parseIpAddress(std::string_view text);

class Cidr {
 public:
  // "10.0.0.0/33" -> error "'10.0.0.0/33' is not a CIDR (prefix length above 32)".
  static core::Result<Cidr> parse(std::string_view text);
  [[nodiscard]] bool contains(const IpAddress& address) const;

 private:
  IpAddress network_;
  int prefix_bits_ = 0;  // in the 128-bit space
};

}  // namespace aihunt::detection
