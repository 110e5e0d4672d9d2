#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/int_cast.h"

using aihunt::core::truncatedInt64;

TEST_CASE("a double becomes an int64 only inside int64's range") {
  CHECK(truncatedInt64(1795165200000.0) == 1795165200000);
  CHECK(truncatedInt64(-1.9) == -1);
  CHECK(truncatedInt64(2.9) == 2);
  CHECK(truncatedInt64(-9223372036854775808.0) == std::numeric_limits<std::int64_t>::min());
  // The largest double below 2^63.
  CHECK(truncatedInt64(std::nextafter(9223372036854775808.0, 0.0)) ==
        std::int64_t{9223372036854774784});
  for (const double outside :
       {9223372036854775808.0, -9223372036854777856.0, 1e300, -1e300,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()}) {
    INFO(outside);
    CHECK_FALSE(truncatedInt64(outside));
  }
}
