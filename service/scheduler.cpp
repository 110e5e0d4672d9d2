#include "service/scheduler.h"

#include <algorithm>

#include "aql/time_window.h"

namespace aihunt::service {
namespace {

PlannedWindow window(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to) {
  return PlannedWindow{from, to, from - spec.overlap};
}

}  // namespace

core::EpochMs horizonAt(const ScheduleSpec& spec, core::EpochMs now) {
  return aql::floorToMinute(now - spec.delay);
}

DuePlan dueWindows(const ScheduleSpec& spec, std::optional<core::EpochMs> ledger_end,
                   core::EpochMs now, std::size_t max_windows) {
  DuePlan plan;
  const core::EpochMs every = std::max<core::EpochMs>(spec.every, 60'000);
  const core::EpochMs largest = std::max(every, spec.max_window);
  plan.horizon = horizonAt(spec, now);
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

}  // namespace aihunt::service
