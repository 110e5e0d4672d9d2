#include "service/backfill_plan.h"

#include <algorithm>

#include "aql/time_window.h"

namespace aihunt::service {

BackfillPlan planBackfill(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to,
                          const std::vector<state::WindowRecord>& hunted, bool force,
                          std::size_t max_windows) {
  BackfillPlan plan;
  const core::EpochMs largest = std::max<core::EpochMs>(spec.max_window, 60'000);
  const core::EpochMs end = aql::ceilToMinute(to);
  // Records wholly before the window in hand are done with for every later window too.
  std::size_t first = 0;
  for (core::EpochMs start = aql::floorToMinute(from); start < end;) {
    const core::EpochMs stop = std::min(end, start + largest);
    ++plan.in_range;
    bool covered = false;
    if (!force) {
      while (first < hunted.size() && hunted[first].to <= start) ++first;
      core::EpochMs reached = start;
      for (std::size_t i = first; i < hunted.size() && hunted[i].from < stop; ++i) {
        if (hunted[i].from <= reached) reached = std::max(reached, hunted[i].to);
      }
      covered = reached >= stop;
    }
    if (!covered) {
      ++plan.to_hunt;
      if (plan.windows.size() < max_windows) {
        plan.windows.push_back(PlannedWindow{start, stop, start - spec.overlap});
      }
    }
    start = stop;
  }
  return plan;
}

}  // namespace aihunt::service
