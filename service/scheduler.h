#pragma once
// Which windows a hunt owes, from its ledger and the clock. Pure arithmetic, no I/O: the daemon
// and `run --once` ask it (backfill's windows: service/backfill_plan.h), and tests drive it
// with any clock.
//
// Windows are whole minutes, contiguous and half-open [from, to). The newest window ends `delay`
// before now (QRadar indexes late), floored to the minute. A hunt with an empty ledger starts
// `catch_up_max` before that horizon; after downtime, missed windows are hunted oldest first up
// to `catch_up_max`, and anything older becomes a gap. Each search re-reads `overlap` before its
// window, for events indexed after their window closed; the ledger records the window alone.
#include <cstddef>
#include <optional>
#include <vector>

#include "core/time.h"

namespace aihunt::service {

struct ScheduleSpec {
  core::EpochMs every = 15 * 60'000;
  core::EpochMs overlap = 2 * 60'000;
  core::EpochMs delay = 60'000;
  core::EpochMs catch_up_max = 24LL * 3'600'000;
  core::EpochMs max_window = 60 * 60'000;  // catching up: windows grow up to this, never past
};

struct PlannedWindow {
  core::EpochMs from = 0;  // the ledger's window [from, to)
  core::EpochMs to = 0;
  core::EpochMs search_from = 0;  // from - overlap: what the search reads
};

struct Gap {
  core::EpochMs from = 0;
  core::EpochMs to = 0;
};

struct DuePlan {
  std::optional<Gap> gap;              // to record before hunting (older than catch_up_max)
  std::vector<PlannedWindow> windows;  // oldest first, contiguous
  core::EpochMs horizon = 0;           // the newest window end allowed now
  core::EpochMs lag = 0;               // horizon - ledger end (0 when up to date)
  core::EpochMs next_due = 0;          // when the next window will be due, if none is now
};

// The newest window end allowed at `now`: `delay` before it, on a whole minute.
core::EpochMs horizonAt(const ScheduleSpec& spec, core::EpochMs now);

// The windows due at `now` for a hunt whose ledger ends at `ledger_end` (nullopt: empty), at
// most `max_windows` of them. A window is due once a whole `every` fits before the horizon;
// when behind, consecutive windows merge up to `max_window`.
DuePlan dueWindows(const ScheduleSpec& spec, std::optional<core::EpochMs> ledger_end,
                   core::EpochMs now, std::size_t max_windows);

}  // namespace aihunt::service
