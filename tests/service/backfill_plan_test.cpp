// A backfill's windows: whole minutes covering what of the range the ledger does not hold, each
// at most schedule.max_window, and no more kept than the limit while every one is counted. Checked
// against a straightforward plan on generated ledgers and ranges.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "service/backfill_plan.h"

using aihunt::core::EpochMs;
using aihunt::service::BackfillPlan;
using aihunt::service::planBackfill;
using aihunt::service::PlannedWindow;
using aihunt::service::ScheduleSpec;
using aihunt::state::WindowRecord;

namespace {

constexpr EpochMs kMinute = 60'000;
constexpr EpochMs kHour = 60 * kMinute;
constexpr EpochMs kNow = 1'764'180'000'000;  // 2025-11-26T18:00:00Z, a whole minute

WindowRecord record(EpochMs from, EpochMs to) {
  WindowRecord r;
  r.from = from;
  r.to = to;
  return r;
}

// The plan the straightforward way: each minute of the range marked held when any record
// covers it (the records are whole minutes), then each run of minutes not held cut into windows
// of at most max_window from its start (the whole range when forced).
std::vector<PlannedWindow> naivePlan(const ScheduleSpec& spec, EpochMs from, EpochMs to,
                                     const std::vector<WindowRecord>& hunted, bool force) {
  std::vector<PlannedWindow> out;
  const EpochMs largest = std::max<EpochMs>(spec.max_window, kMinute);
  const EpochMs begin = from / kMinute * kMinute;
  const EpochMs end = (to + kMinute - 1) / kMinute * kMinute;
  const auto held = [&](EpochMs minute) {
    return !force && std::any_of(hunted.begin(), hunted.end(), [&](const WindowRecord& r) {
      return r.from <= minute && minute < r.to;
    });
  };
  EpochMs at = begin;
  while (at < end) {
    if (held(at)) {
      at += kMinute;
      continue;
    }
    EpochMs stop = at;
    while (stop < end && !held(stop)) stop += kMinute;
    for (EpochMs start = at; start < stop; start = std::min(stop, start + largest)) {
      out.push_back({start, std::min(stop, start + largest), start - spec.overlap});
    }
    at = stop;
  }
  return out;
}

}  // namespace

TEST_CASE("backfill windows cover the range in whole minutes", "[backfill]") {
  ScheduleSpec spec;
  const BackfillPlan plan = planBackfill(spec, kNow + 30'000, kNow + 3 * kHour + 1, {}, false, 10);
  REQUIRE(plan.windows.size() == 4);
  CHECK(plan.in_range == 4);
  CHECK(plan.to_hunt == 4);
  CHECK(plan.windows.front().from == kNow);
  CHECK(plan.windows.front().search_from == kNow - spec.overlap);
  CHECK(plan.windows.back().to == kNow + 3 * kHour + kMinute);
  for (std::size_t i = 1; i < plan.windows.size(); ++i) {
    CHECK(plan.windows[i].from == plan.windows[i - 1].to);
  }
}

TEST_CASE("a backfill plan is the straightforward one, on generated ledgers", "[backfill]") {
  std::uint64_t seed = 0x2545f4914f6cdd1dULL;
  const auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  for (int round = 0; round < 400; ++round) {
    ScheduleSpec spec;
    spec.max_window = std::vector<EpochMs>{30'000, kMinute, 15 * kMinute, kHour}[next() % 4];
    // A ledger of tiles with holes, some overlapping (a --force run), oldest first.
    std::vector<WindowRecord> ledger;
    EpochMs at = kNow + static_cast<EpochMs>(next() % 120) * kMinute;
    for (int i = 0; i < 30; ++i) {
      const EpochMs length = static_cast<EpochMs>(1 + next() % 90) * kMinute;
      const EpochMs back = next() % 5 == 0 ? static_cast<EpochMs>(next() % 30) * kMinute : 0;
      const EpochMs from = std::max(kNow, at - back);
      ledger.push_back(record(from, from + length));
      at = from + length + (next() % 3 == 0 ? static_cast<EpochMs>(next() % 60) * kMinute : 0);
    }
    std::sort(ledger.begin(), ledger.end(),
              [](const WindowRecord& a, const WindowRecord& b) { return a.from < b.from; });
    const EpochMs from = kNow + static_cast<EpochMs>(next() % (48 * kHour));
    const EpochMs to = from + 1 + static_cast<EpochMs>(next() % (24 * kHour));
    // What StateStore::windows gives: the records overlapping the range.
    std::vector<WindowRecord> overlapping;
    for (const WindowRecord& r : ledger) {
      if (r.from < (to + kMinute - 1) / kMinute * kMinute && r.to > from / kMinute * kMinute) {
        overlapping.push_back(r);
      }
    }
    const bool force = next() % 5 == 0;
    const std::size_t limit = 1 + next() % 40;
    const std::vector<PlannedWindow> expected = naivePlan(spec, from, to, overlapping, force);
    const BackfillPlan plan = planBackfill(spec, from, to, overlapping, force, limit);
    INFO("round " << round << " from " << from << " to " << to << " limit " << limit);
    CHECK(plan.to_hunt == expected.size());
    CHECK(plan.in_range >= plan.to_hunt);
    REQUIRE(plan.windows.size() == std::min(limit, expected.size()));
    for (std::size_t i = 0; i < plan.windows.size(); ++i) {
      CHECK(plan.windows[i].from == expected[i].from);
      CHECK(plan.windows[i].to == expected[i].to);
      CHECK(plan.windows[i].search_from == expected[i].search_from);
    }
  }
}

TEST_CASE("a window the ledger holds in part is not searched again in full", "[backfill]") {
  // A trial: [03:09, 03:29) with [03:19, 03:29) held was one search of all 20 minutes.
  ScheduleSpec spec;
  const EpochMs held_from = kNow + 10 * kMinute;
  const BackfillPlan plan = planBackfill(spec, kNow, kNow + 20 * kMinute,
                                         {record(held_from, kNow + 20 * kMinute)}, false, 10);
  CHECK(plan.in_range == 1);
  CHECK(plan.to_hunt == 1);
  REQUIRE(plan.windows.size() == 1);
  CHECK(plan.windows[0].from == kNow);
  CHECK(plan.windows[0].to == held_from);
  // Held in the middle: the two sides, each its own window.
  const BackfillPlan sides =
      planBackfill(spec, kNow, kNow + 50 * kMinute,
                   {record(kNow + 10 * kMinute, kNow + 40 * kMinute)}, false, 10);
  REQUIRE(sides.windows.size() == 2);
  CHECK(sides.windows[0].to == kNow + 10 * kMinute);
  CHECK(sides.windows[1].from == kNow + 40 * kMinute);
  CHECK(sides.windows[1].to == kNow + 50 * kMinute);
}

TEST_CASE("a range of decades is counted, not kept", "[backfill]") {
  ScheduleSpec spec;
  spec.max_window = kMinute;
  const BackfillPlan plan = planBackfill(spec, 0, kNow, {}, false, 1000);
  CHECK(plan.in_range == static_cast<std::size_t>(kNow / kMinute));
  CHECK(plan.to_hunt == plan.in_range);
  CHECK(plan.windows.size() == 1000);
}
