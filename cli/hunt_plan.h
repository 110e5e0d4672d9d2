#pragma once
// What `aihunt hunt` runs, offline or against a console: the configured hunts (one named, or
// every enabled one) rendered for the window, and the helpers both modes share.
#include <cstdint>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/time_window.h"
#include "cli/detection_setup.h"
#include "core/result.h"
#include "detection/event.h"
#include "detection/signals.h"

namespace aihunt::cli {

// The window a hunt covers when none is given.
inline constexpr std::int64_t kDefaultHuntWindowMs = 24LL * 3'600'000;

struct PlannedHunt {
  std::string name;
  aql::Query query;                 // streamed form: no ORDER BY
  detection::FieldMapping mapping;  // result columns -> logical fields
  detection::SignalSet signals;
};

// `only` empty: every enabled hunt; otherwise that hunt, enabled or not.
core::Result<std::vector<PlannedHunt>> planConfiguredHunts(const DetectionSetup& setup,
                                                           const std::string& only,
                                                           const aql::TimeRange& window);

core::Result<std::string> readTextFile(const std::string& path);

}  // namespace aihunt::cli
