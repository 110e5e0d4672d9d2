// The stop's grace period (service/grace_watch.h): the deadline counts from the moment the stop
// was seen, the abandon flag is set at that deadline, and the stop is said once, at once, also
// when it comes within the watch's last look.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "service/grace_watch.h"

using aihunt::service::GraceWatch;
using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)

namespace {

bool waitFor(const std::atomic<int>& value, int wanted) {
  for (int i = 0; i < 200 && value.load() != wanted; ++i) std::this_thread::sleep_for(10ms);
  return value.load() == wanted;
}

}  // namespace

TEST_CASE("the grace watch says the stop once, then abandons deliveries at the deadline") {
  std::atomic<bool> flag{false};
  aihunt::qradar::Cancellation stop(flag);
  std::atomic<bool> abandon{false};
  std::atomic<int> said{0};
  {
    const GraceWatch watch(stop, 2s, &abandon, [&] { ++said; });
    std::this_thread::sleep_for(100ms);
    CHECK(said.load() == 0);
    const auto asked = GraceWatch::Clock::now();
    stop.request();
    REQUIRE(waitFor(said, 1));
    // Said while the grace period still runs, and the deadline counts from the stop.
    CHECK_FALSE(abandon.load());
    CHECK(watch.deadline() >= asked + 2s);
    CHECK(watch.deadline() <= asked + 2s + 1s);  // the watch looks every 50 ms; slack for load
    for (int i = 0; i < 1000 && !abandon.load(); ++i) std::this_thread::sleep_for(10ms);
    CHECK(abandon.load());
  }
  CHECK(said.load() == 1);

  // A stop asked for just before the watch ends: said once all the same.
  std::atomic<bool> late_flag{false};
  aihunt::qradar::Cancellation late(late_flag);
  std::atomic<int> late_said{0};
  {
    const GraceWatch watch(late, 10s, nullptr, [&] { ++late_said; });
    late.request();
  }
  CHECK(late_said.load() == 1);
}
