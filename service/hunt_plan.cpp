#include "service/hunt_plan.h"

#include "service/hunt_query.h"
#include "service/hunt_selection.h"

namespace aihunt::service {

core::Result<std::vector<PlannedHunt>> planConfiguredHunts(
    const std::vector<config::HuntConfig>& hunts, const detection::DetectionSettings& settings,
    const std::vector<std::string>& only, const aql::TimeRange& window) {
  // The hunt's name before an error (withContext keeps one copy where the builder said it).
  const auto named = [](const core::Error& error, const std::string& name) {
    return error.withContext("hunt '" + name + "'");
  };
  auto selected = selectHunts(hunts, only);
  if (!selected) return selected.error();
  std::vector<PlannedHunt> plan;
  for (const config::HuntConfig* selected_hunt : *selected) {
    const config::HuntConfig& configured = *selected_hunt;
    auto query = huntQuery(configured, settings, window.from, window.to, /*streamed=*/true);
    if (!query) return named(query.error(), configured.name);
    PlannedHunt hunt;
    hunt.name = configured.name;
    hunt.query = std::move(*query);
    // Generated queries alias columns by logical field; an own `aql` uses the hunt's mapping.
    hunt.mapping = configured.aql.empty() ? logicalColumnMapping() : configured.columns;
    hunt.signals = configured.signals;
    hunt.window = window;
    auto upload = uploadQuery(configured, settings, window.from, window.to);
    if (!upload) return named(upload.error(), configured.name);
    hunt.upload_query = std::move(*upload);
    plan.push_back(std::move(hunt));
  }
  return plan;
}

}  // namespace aihunt::service
