#include <algorithm>

#include "cli/detection_setup.h"

#include "config/detection_settings_builder.h"
#include "config/environment.h"
#include "config/loader.h"

namespace aihunt::cli {

core::Result<DetectionSetup> loadDetectionSetup(const std::string& config_path,
                                                const std::string& hunt, CommandContext& context) {
  DetectionSetup setup;
  if (config_path.empty()) {
    if (!hunt.empty()) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--hunt needs --config: hunts are defined in a config file");
    }
    auto builtin = config::builtinDetectionSettings();
    if (!builtin) return builtin.error().withContext("built-in content pack");
    setup.settings = std::make_unique<detection::DetectionSettings>(std::move(*builtin));
    return setup;
  }
  config::ProcessEnvironment environment;
  config::LoadOptions options;
  options.resolve_token = false;  // triage and offline hunts never talk to QRadar
  config::LoadOutcome outcome = config::loadConfigFile(config_path, environment, options);
  for (const auto& warning : outcome.warnings) context.logger->warn("{}", warning.describe());
  if (!outcome.ok()) {
    std::string message = std::to_string(outcome.errors.size()) + " config error(s):";
    for (const auto& error : outcome.errors) message += "\n  " + error.describe();
    return core::makeError(core::ErrorCode::kConfig, message);
  }
  config::Config& config = *outcome.config;
  if (!hunt.empty()) {
    const auto found = std::find_if(config.hunts.begin(), config.hunts.end(),
                                    [&](const config::HuntConfig& h) { return h.name == hunt; });
    if (found == config.hunts.end()) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "no hunt named '" + hunt + "' in " + config_path);
    }
    setup.mapping = found->columns;
    setup.hunt_name = found->name;
  }
  setup.settings = std::make_unique<detection::DetectionSettings>(std::move(config.settings));
  return setup;
}

}  // namespace aihunt::cli
