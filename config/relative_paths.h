#pragma once
// Relative paths in a config file name files beside it, wherever aihunt is started from: a SOC
// engineer who writes `token_file: qradar.token` next to aihunt.yaml means that file, not one
// in whatever folder a service manager or a shell happened to start in.
#include <string>

#include "config/config.h"

namespace aihunt::config {

// Makes qradar.token_file, qradar.tls.ca_file, outputs.jsonl.path, outputs.leef.ca_file and
// state.path absolute against `base_directory` when the file gives them as relative paths.
// state.path's default ("aihunt-state.db"), not given, stays relative to the working directory,
// which the image and the systemd unit set to the state folder (the config's folder is often
// read-only); `config check` warns that runs started elsewhere keep other ledgers. An empty
// `base_directory` (text that came from no file) changes nothing.
void resolveRelativePaths(Config& config, const std::string& base_directory);

// The folder holding `file_path`, or "." for a bare file name.
std::string directoryOf(const std::string& file_path);

}  // namespace aihunt::config
