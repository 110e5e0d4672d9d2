#pragma once
// Relative paths in a config file name files beside it, wherever aihunt is started from: a SOC
// engineer who writes `token_file: qradar.token` next to aihunt.yaml means that file, not one
// in whatever folder a service manager or a shell happened to start in.
#include <string>

#include "config/config.h"
#include "config/yaml_tree.h"

namespace aihunt::config {

// Makes qradar.token_file, qradar.tls.ca_file, outputs.jsonl.path, outputs.leef.ca_file and
// state.path absolute against `base_directory` when the file gives them as relative paths.
// Defaults the file does not spell out (state.path's "aihunt-state.db") stay relative to the
// working directory, since the config's folder may well be read-only. An empty
// `base_directory` (text that came from no file) changes nothing.
void resolveRelativePaths(Config& config, const YamlNode& root, const std::string& base_directory);

// The folder holding `file_path`, or "." for a bare file name.
std::string directoryOf(const std::string& file_path);

}  // namespace aihunt::config
