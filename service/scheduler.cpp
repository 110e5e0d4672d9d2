#include "service/scheduler.h"

#include <algorithm>

#include "aql/time_window.h"

namespace aihunt::service {
namespace {

PlannedWindow window(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to) {
  return PlannedWindow{from, to, from - spec.overlap};
}

// A backfill window's longest: schedule.max_window, never under a minute.
core::EpochMs backfillWindowLength(const ScheduleSpec& spec) {
  return std::max<core::EpochMs>(spec.max_window, 60'000);
}

}  // namespace

DuePlan dueWindows(const ScheduleSpec& spec, std::optional<core::EpochMs> ledger_end,
                   core::EpochMs now, std::size_t max_windows) {
  DuePlan plan;
  const core::EpochMs every = std::max<core::EpochMs>(spec.every, 60'000);
  const core::EpochMs largest = std::max(every, spec.max_window);
  plan.horizon = aql::floorToMinute(now - spec.delay);
  const core::EpochMs oldest = plan.horizon - spec.catch_up_max;
  core::EpochMs start = ledger_end.value_or(oldest);
  if (start < oldest) {
    plan.gap = Gap{start, oldest};
    start = oldest;
  }
  plan.lag = std::max<core::EpochMs>(0, plan.horizon - start);
  while (plan.windows.size() < max_windows && start + every <= plan.horizon) {
    // Whole `every` steps, as many as fit up to `largest`: windows stay aligned to the schedule.
    const core::EpochMs steps = std::min(largest, plan.horizon - start) / every;
    const core::EpochMs end = start + std::max<core::EpochMs>(1, steps) * every;
    plan.windows.push_back(window(spec, start, end));
    start = end;
  }
  plan.next_due = start + every + spec.delay;
  return plan;
}

std::size_t backfillWindowCount(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to) {
  const core::EpochMs start = aql::floorToMinute(from);
  const core::EpochMs end = aql::ceilToMinute(to);
  if (end <= start) return 0;
  const core::EpochMs largest = backfillWindowLength(spec);
  return static_cast<std::size_t>((end - start + largest - 1) / largest);
}

std::vector<PlannedWindow> backfillWindows(const ScheduleSpec& spec, core::EpochMs from,
                                           core::EpochMs to) {
  std::vector<PlannedWindow> windows;
  const core::EpochMs largest = backfillWindowLength(spec);
  core::EpochMs start = aql::floorToMinute(from);
  const core::EpochMs end = aql::ceilToMinute(to);
  while (start < end) {
    const core::EpochMs stop = std::min(end, start + largest);
    windows.push_back(window(spec, start, stop));
    start = stop;
  }
  return windows;
}

}  // namespace aihunt::service
