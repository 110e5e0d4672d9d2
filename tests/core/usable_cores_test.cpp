// The thread count of CPU-bound passes: what a CPU quota allows, read from cgroup files.
#include <catch2/catch.hpp>

#include <sched.h>

#include "core/usable_cores.h"

using aihunt::core::cpusFromQuota;

TEST_CASE("a CPU quota allows its CPUs rounded up, and no quota allows any") {
  CHECK(cpusFromQuota("100000 100000") == 1U);
  CHECK(cpusFromQuota("50000 100000") == 1U);  // a Kubernetes limit of 500m
  CHECK(cpusFromQuota("150000 100000") == 2U);
  CHECK(cpusFromQuota("400000 100000") == 4U);
  CHECK(cpusFromQuota("1 100000") == 1U);
  CHECK_FALSE(cpusFromQuota("max 100000"));  // cgroup v2: no limit
  CHECK_FALSE(cpusFromQuota("-1 100000"));   // cgroup v1: no limit
  for (const char* bad : {"", "100000", "abc 100000", "100000 0", "100000 x", "1 2 3", " 1 2"}) {
    INFO(bad);
    CHECK_FALSE(cpusFromQuota(bad));
  }
}

TEST_CASE("the affinity mask bounds the count, as under taskset -c") {
  cpu_set_t all;
  CPU_ZERO(&all);
  REQUIRE(sched_getaffinity(0, sizeof(all), &all) == 0);
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
  const unsigned pinned = aihunt::core::usableCores();
  REQUIRE(sched_setaffinity(0, sizeof(all), &all) == 0);
  CHECK(pinned == 1U);
  CHECK(aihunt::core::usableCores() <= static_cast<unsigned>(CPU_COUNT(&all)));
}
