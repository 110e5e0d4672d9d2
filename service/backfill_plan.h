#pragma once
// Which windows of a backfill's range are still to hunt: those the ledger does not cover in
// full (unless forced), at most `max_windows` of them kept, every one counted. Counting without
// keeping bounds the memory of a range typed wrong (decades of minutes are millions of windows)
// while the refusal still names how many searches it would have been.
#include <cstddef>
#include <vector>

#include "core/time.h"
#include "service/scheduler.h"
#include "state/state_store.h"

namespace aihunt::service {

struct BackfillPlan {
  std::size_t in_range = 0;            // windows the range holds
  std::size_t to_hunt = 0;             // of those, not covered by the ledger (all, forced)
  std::vector<PlannedWindow> windows;  // the first `max_windows` of those, oldest first
};

// `hunted`: the ledger's done windows overlapping the range, oldest first (StateStore::windows).
BackfillPlan planBackfill(const ScheduleSpec& spec, core::EpochMs from, core::EpochMs to,
                          const std::vector<state::WindowRecord>& hunted, bool force,
                          std::size_t max_windows);

}  // namespace aihunt::service
