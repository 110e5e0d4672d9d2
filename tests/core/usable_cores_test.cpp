// The thread count of CPU-bound passes: what a CPU quota allows, read from cgroup files.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>

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

TEST_CASE("under an address-space limit a pass takes one thread") {
  const unsigned free_count = aihunt::core::defaultPassThreads(64);
  CHECK(free_count == std::min(64U, aihunt::core::usableCores()));
  CHECK(aihunt::core::defaultPassThreads(1) == 1U);
  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_AS, &before) == 0);
  // A limit that holds nothing back is still a limit.
  rlimit limited = before;
  limited.rlim_cur = before.rlim_max == RLIM_INFINITY ? RLIM_INFINITY - 1 : before.rlim_max;
  REQUIRE(setrlimit(RLIMIT_AS, &limited) == 0);
  const bool seen = aihunt::core::addressSpaceLimited();
  const unsigned limited_count = aihunt::core::defaultPassThreads(64);
  REQUIRE(setrlimit(RLIMIT_AS, &before) == 0);
  CHECK(seen);
  CHECK(limited_count == 1U);
  CHECK_FALSE(aihunt::core::addressSpaceLimited());
}
