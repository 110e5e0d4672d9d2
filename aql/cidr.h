#pragma once
// INCIDR('10.0.0.0/8', sourceip): IPv4 and IPv6 networks. A bare address is a /32 or /128.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace aihunt::aql {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;
};

std::optional<IpAddress> parseIp(std::string_view text);

class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);
  [[nodiscard]] bool contains(const IpAddress& ip) const;

 private:
  IpAddress network_;
  int prefix_ = 0;
};

}  // namespace aihunt::aql
