#include "cli/detection_setup.h"

#include <algorithm>

#include "config/content_pack.h"
#include "config/detection_settings_builder.h"
#include "config/environment.h"
#include "config/loader.h"
#include "service/hunt_selection.h"

namespace aihunt::cli {
namespace {

core::Status loadBuiltin(DetectionSetup& setup) {
  auto builtin = config::builtinDetectionSettings();
  if (!builtin) return builtin.error().withContext("built-in content pack");
  setup.settings = std::make_unique<detection::DetectionSettings>(std::move(*builtin));
  auto pack = config::builtinContentPack();
  if (!pack) return pack.error().withContext("built-in content pack");
  setup.hunts = pack->hunts;
  return {};
}

core::Status loadConfig(const std::string& path, DetectionSetup& setup, CommandContext& context) {
  config::ProcessEnvironment environment;
  config::LoadOptions options;
  options.resolve_token = false;  // triage and offline hunts never talk to QRadar
  config::LoadOutcome outcome = config::loadConfigFile(path, environment, options);
  for (const auto& warning : outcome.warnings) context.logger->warn("{}", warning.describe());
  if (!outcome.ok()) {
    return core::makeError(core::ErrorCode::kConfig, config::describeErrors(outcome.errors));
  }
  config::Config& config = *outcome.config;
  setup.settings = std::make_unique<detection::DetectionSettings>(std::move(config.settings));
  setup.hunts = std::move(config.hunts);
  setup.state_path = config.state.path;
  setup.incident_window_ms = config.outputs.standard_output.incident_window.count();
  if (config.qradar) setup.reference_set_max_values = config.qradar->exceptions_max_values;
  return {};
}

}  // namespace

core::Result<DetectionSetup> loadDetectionSetup(const std::string& config_path,
                                                const std::string& hunt, CommandContext& context) {
  DetectionSetup setup;
  const core::Status loaded =
      config_path.empty() ? loadBuiltin(setup) : loadConfig(config_path, setup, context);
  if (!loaded) return loaded.error();
  if (!hunt.empty()) {
    const auto found = std::find_if(setup.hunts.begin(), setup.hunts.end(),
                                    [&](const config::HuntConfig& h) { return h.name == hunt; });
    if (found == setup.hunts.end()) {
      core::Error error = service::checkHuntNames({hunt}, service::huntNames(setup.hunts)).error();
      // `hunt` takes a list; here one hunt's names read the rows (a trial gave two).
      if (hunt.find(',') != std::string::npos) {
        error.message += " (--hunt here names the one hunt whose column names the rows have)";
      }
      return error;
    }
    setup.mapping = found->columns;
    setup.hunt_name = found->name;
  }
  return setup;
}

core::Result<detection::FieldMapping> ownQueryMapping(const DetectionSetup& setup,
                                                      const std::vector<std::string>& names) {
  if (names.empty()) return setup.mapping;
  const auto found = std::find_if(setup.hunts.begin(), setup.hunts.end(),
                                  [&](const config::HuntConfig& h) { return h.name == names[0]; });
  if (found == setup.hunts.end()) {
    return service::checkHuntNames({names[0]}, service::huntNames(setup.hunts)).error();
  }
  // A hunt of its own `aql` names its columns itself; a generated one by its `fields`.
  return found->columns;
}

}  // namespace aihunt::cli
