// core::isIpLiteral: what inet_pton(3) reads as an address, and nothing that merely starts like
// one (the LEEF src/dst and IP reference-set values depend on it).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/ip_literal.h"

using aihunt::core::isIpLiteral;

TEST_CASE("addresses are IP literals; text around them, or other text, is not") {
  for (const std::string& address :
       std::vector<std::string>{"10.1.4.21", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::7",
                                "::ffff:10.0.0.1", "fe80::1:2:3:4"}) {
    INFO(address);
    CHECK(isIpLiteral(address));
  }
  for (const std::string& other : std::vector<std::string>{
           "", " 10.1.4.21", "10.1.4.21 ", "10.1.4.21\" or status=\"CLOSED", "10.1.4", "256.1.1.1",
           "10.1.4.21/32", "api.openai.com", "2001:db8::7%eth0", std::string("10.1.4.21\0x", 11),
           std::string(100, '1')}) {
    INFO(other);
    CHECK_FALSE(isIpLiteral(other));
  }
}
