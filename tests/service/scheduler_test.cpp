// The scheduler's window arithmetic, over generated ledgers and clocks: windows are whole minutes,
// contiguous, never past the horizon, oldest first, and everything older than catch_up_max is a
// gap, never silently skipped.
#include <catch2/catch.hpp>

#include <random>

#include "service/scheduler.h"

using aihunt::core::EpochMs;
using aihunt::service::dueWindows;
using aihunt::service::ScheduleSpec;

namespace {

constexpr EpochMs kMinute = 60'000;
constexpr EpochMs kHour = 60 * kMinute;
constexpr EpochMs kNow = 1'764'180'000'000;  // 2025-11-26T18:00:00Z, a whole minute

}  // namespace

TEST_CASE("an empty ledger starts catch_up_max before the horizon", "[scheduler]") {
  ScheduleSpec spec;  // every 15m, delay 1m, catch-up 24h, windows up to 1h
  const auto plan = dueWindows(spec, std::nullopt, kNow + 30'000, 1000);
  REQUIRE_FALSE(plan.gap);
  CHECK(plan.horizon == kNow - kMinute);
  REQUIRE(plan.windows.size() == 24);
  CHECK(plan.windows.front().from == plan.horizon - 24 * kHour);
  CHECK(plan.windows.back().to == plan.horizon);
  CHECK(plan.windows.front().search_from == plan.windows.front().from - spec.overlap);
}

TEST_CASE("an up-to-date ledger owes nothing until a whole interval has passed", "[scheduler]") {
  ScheduleSpec spec;
  const EpochMs end = kNow - kMinute;  // the horizon at kNow
  CHECK(dueWindows(spec, end, kNow, 10).windows.empty());
  CHECK(dueWindows(spec, end, kNow + 15 * kMinute - 1, 10).windows.empty());
  const auto plan = dueWindows(spec, end, kNow + 15 * kMinute, 10);
  REQUIRE(plan.windows.size() == 1);
  CHECK(plan.windows[0].from == end);
  CHECK(plan.windows[0].to == end + 15 * kMinute);
  CHECK(dueWindows(spec, end, kNow, 10).next_due == kNow + 15 * kMinute);
}

TEST_CASE("after downtime past catch_up_max the rest is a gap", "[scheduler]") {
  ScheduleSpec spec;
  const EpochMs end = kNow - 30 * kHour;
  const auto plan = dueWindows(spec, end, kNow, 1000);
  REQUIRE(plan.gap);
  CHECK(plan.gap->from == end);
  CHECK(plan.gap->to == plan.horizon - spec.catch_up_max);
  CHECK(plan.windows.front().from == plan.gap->to);
}

TEST_CASE("generated ledgers and clocks: contiguous whole-minute windows, a gap only when due",
          "[scheduler]") {
  std::mt19937_64 random(20261202);
  for (int i = 0; i < 5000; ++i) {
    ScheduleSpec spec;
    spec.every = (1 + static_cast<EpochMs>(random() % 60)) * kMinute;
    spec.overlap = static_cast<EpochMs>(random() % 10) * kMinute;
    spec.delay = static_cast<EpochMs>(random() % 5) * kMinute;
    spec.catch_up_max = spec.every * (1 + static_cast<EpochMs>(random() % 200));
    spec.max_window = spec.every * (1 + static_cast<EpochMs>(random() % 8));
    const EpochMs now = kNow + static_cast<EpochMs>(random() % (48 * kHour));
    std::optional<EpochMs> end;
    if (random() % 4 != 0) {
      end = kNow - static_cast<EpochMs>(random() % (72 * 60)) * kMinute;
    }
    const std::size_t most = 1 + random() % 500;
    const auto plan = dueWindows(spec, end, now, most);
    INFO("case " << i);
    CHECK(plan.horizon % kMinute == 0);
    CHECK(plan.horizon <= now - spec.delay);
    CHECK(plan.windows.size() <= most);
    EpochMs cursor = end.value_or(plan.horizon - spec.catch_up_max);
    if (plan.gap) {
      CHECK(plan.gap->from == cursor);
      CHECK(plan.gap->to == plan.horizon - spec.catch_up_max);
      CHECK(plan.gap->from < plan.gap->to);
      cursor = plan.gap->to;
    } else {
      CHECK(cursor >= plan.horizon - spec.catch_up_max);
    }
    for (const auto& window : plan.windows) {
      CHECK(window.from == cursor);
      CHECK(window.to > window.from);
      CHECK((window.to - window.from) % spec.every == 0);
      CHECK(window.to - window.from <= std::max(spec.every, spec.max_window));
      CHECK(window.to <= plan.horizon);
      CHECK(window.from % kMinute == cursor % kMinute);
      CHECK(window.search_from == window.from - spec.overlap);
      cursor = window.to;
    }
    // Nothing due is left behind unless the cap stopped the plan.
    if (plan.windows.size() < most) CHECK(cursor + spec.every > plan.horizon);
  }
}
