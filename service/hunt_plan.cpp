#include "service/hunt_plan.h"

#include <fstream>
#include <sstream>

#include "service/hunt_query.h"

namespace aihunt::service {

core::Result<std::vector<PlannedHunt>> planConfiguredHunts(
    const std::vector<config::HuntConfig>& hunts, const detection::DetectionSettings& settings,
    const std::string& only, const aql::TimeRange& window) {
  std::vector<PlannedHunt> plan;
  for (const auto& configured : hunts) {
    if (only.empty() ? !configured.enabled : configured.name != only) continue;
    auto query = huntQuery(configured, settings, window.from, window.to, /*streamed=*/true);
    if (!query) return query.error().withContext("hunt '" + configured.name + "'");
    PlannedHunt hunt;
    hunt.name = configured.name;
    hunt.query = std::move(*query);
    // Generated queries alias columns by logical field; an own `aql` uses the hunt's mapping.
    hunt.mapping = configured.aql.empty() ? logicalColumnMapping() : configured.columns;
    hunt.signals = configured.signals;
    hunt.window = window;
    auto upload = uploadQuery(configured, settings, window.from, window.to);
    if (!upload) return upload.error().withContext("hunt '" + configured.name + "'");
    hunt.upload_query = std::move(*upload);
    plan.push_back(std::move(hunt));
  }
  if (plan.empty()) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           only.empty() ? "no enabled hunts" : "no hunt named '" + only + "'");
  }
  return plan;
}

core::Result<std::string> readTextFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return core::makeError(core::ErrorCode::kIo, "cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace aihunt::service
