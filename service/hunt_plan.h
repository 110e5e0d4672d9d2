#pragma once
// Which hunts a run covers, offline or against a console: the configured hunts (one named, or
// every enabled one) rendered for a window, and the helpers every mode shares.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/time_window.h"
#include "config/config.h"
#include "core/result.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "detection/signals.h"

namespace aihunt::service {

// The window a hunt covers when none is given.
inline constexpr std::int64_t kDefaultHuntWindowMs = 24LL * 3'600'000;

struct PlannedHunt {
  std::string name;
  aql::Query query;                 // streamed form: no ORDER BY
  detection::FieldMapping mapping;  // result columns -> logical fields
  detection::SignalSet signals;
  aql::TimeRange window;                   // what both queries cover
  std::optional<aql::Query> upload_query;  // aggregate_uploads: the second query
};

// `only` empty: every enabled hunt; otherwise those hunts, enabled or not, in that order
// (service/hunt_selection.h: an unknown name fails with the valid ones).
core::Result<std::vector<PlannedHunt>> planConfiguredHunts(
    const std::vector<config::HuntConfig>& hunts, const detection::DetectionSettings& settings,
    const std::vector<std::string>& only, const aql::TimeRange& window);

}  // namespace aihunt::service
