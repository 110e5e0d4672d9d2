#include <catch2/catch.hpp>

#include "detection/cidr.h"

using namespace aihunt::detection;

TEST_CASE("CIDR parsing and containment") {
  const auto net = Cidr::parse("10.20.30.0/24");
  REQUIRE(net);
  CHECK(net->contains(*parseIpAddress("10.20.30.255")));
  CHECK_FALSE(net->contains(*parseIpAddress("10.20.31.0")));
  CHECK_FALSE(net->contains(*parseIpAddress("::ffff:10.20.30.1")));  // families stay apart
  CHECK(Cidr::parse("0.0.0.0/0")->contains(*parseIpAddress("8.8.8.8")));
  CHECK(Cidr::parse("10.0.0.1")->contains(*parseIpAddress("10.0.0.1")));
  CHECK_FALSE(Cidr::parse("10.0.0.1")->contains(*parseIpAddress("10.0.0.2")));
  const auto v6 = Cidr::parse("fd00::/8");
  REQUIRE(v6);
  CHECK(v6->contains(*parseIpAddress("fd12:3456::1")));
  CHECK_FALSE(v6->contains(*parseIpAddress("fe80::1")));
  CHECK(Cidr::parse("2001:db8::/33")->contains(*parseIpAddress("2001:db8:7fff::1")));
  CHECK_FALSE(Cidr::parse("2001:db8::/33")->contains(*parseIpAddress("2001:db8:8000::1")));
}

TEST_CASE("bad CIDRs say why") {
  const auto over = Cidr::parse("10.0.0.0/33");
  REQUIRE_FALSE(over);
  CHECK(over.error().message == "'10.0.0.0/33' is not a CIDR (prefix length above 32)");
  for (const char* bad : {"", "/8", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                          "300.1.1.1/8", "fd00::/129", "host.example/8", "10.0.0.0/ 8"}) {
    INFO(bad);
    CHECK_FALSE(Cidr::parse(bad));
  }
}
