#pragma once
// Builds the runtime detection::DetectionSettings from the built-in pack and the config's
// `detection:` additions and `exceptions:`. Config additions extend the pack; for a process name
// listed in both, the config's category wins (a site may know that its "java" is a server).
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/content_pack.h"
#include "config/schema.h"
#include "core/result.h"
#include "detection/settings.h"

namespace aihunt::config {

// `pack` is null when the config says use_builtin_pack: false. Problems go to `diagnostics`
// with the path of the config value that caused them.
void buildDetectionSettings(const ContentPack* pack, const DetectionConfig& config,
                            const std::vector<ExceptionSpec>& exceptions, Diagnostics& diagnostics,
                            detection::DetectionSettings& out);

// The built-in pack alone, with no exceptions: what `aihunt hunt --offline` runs without config.
core::Result<detection::DetectionSettings> builtinDetectionSettings();

}  // namespace aihunt::config
