#include "service/backfill_plan.h"

#include <algorithm>

#include "aql/time_window.h"

namespace aihunt::service {
namespace {

// Windows of at most `largest` that [from, to) splits into.
std::size_t windowsIn(core::EpochMs from, core::EpochMs to, core::EpochMs largest) {
  return from >= to ? 0 : static_cast<std::size_t>((to - from + largest - 1) / largest);
}

}  // namespace

BackfillPlan planBackfill(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to,
                          const std::vector<state::WindowRecord>& hunted, bool force,
                          std::size_t max_windows) {
  BackfillPlan plan;
  const core::EpochMs largest = std::max<core::EpochMs>(spec.max_window, 60'000);
  const core::EpochMs begin = aql::floorToMinute(from);
  const core::EpochMs end = aql::ceilToMinute(to);
  plan.in_range = windowsIn(begin, end, largest);
  // A stretch the ledger does not hold, in windows from its start: counted in full, kept up to
  // the limit (a range typed decades wide is millions of windows).
  const auto take = [&](core::EpochMs start, core::EpochMs stop) {
    start = aql::floorToMinute(start);  // a ledger's windows are whole minutes already
    stop = std::min(end, aql::ceilToMinute(stop));
    plan.to_hunt += windowsIn(start, stop, largest);
    for (core::EpochMs at = start; at < stop && plan.windows.size() < max_windows;) {
      const core::EpochMs next = std::min(stop, at + largest);
      plan.windows.push_back(PlannedWindow{at, next, at - spec.overlap});
      at = next;
    }
  };
  if (force) {
    take(begin, end);
    return plan;
  }
  // Only what no done window covers: a window the ledger holds in part is not searched again in
  // full (a trial saw a backfill search a held half hour again, and replace its ledger row).
  core::EpochMs covered = begin;
  for (const state::WindowRecord& record : hunted) {  // oldest first
    if (covered >= end || record.from >= end) break;
    if (record.to <= covered) continue;
    if (record.from > covered) take(covered, record.from);
    covered = std::max(covered, record.to);
  }
  if (covered < end) take(covered, end);
  return plan;
}

}  // namespace aihunt::service
