#pragma once
// `--set path=value` overrides from the command line, applied to the YAML tree before the
// schema reads it, so an override is validated exactly like the file (same paths, same errors).
// The value is YAML: `--set hunts[0].enabled=false`, `--set hunts[0].signals=[large_upload]`.
#include <string_view>

#include "config/config_error.h"
#include "config/yaml_tree.h"

namespace aihunt::config {

// Sets the value at `path` ("qradar.timeouts.request", "hunts[1].enabled"), creating maps on
// the way; list items must already exist. Problems are reported at the path with "--set".
void applyOverride(YamlNode& root, std::string_view assignment, Diagnostics& diagnostics);

}  // namespace aihunt::config
