#pragma once
// The T1588.007 content pack: providers, process categories, user-agent rules, command-line
// indicators and scoring defaults, as YAML in content/ and compiled into the binary. The same
// files are the documentation a SOC reads and the defaults the detection runs with.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "core/embedded_file.h"
#include "core/result.h"

namespace aihunt::config {

struct ContentPack {
  std::vector<ProviderSpec> providers;
  std::vector<ProcessSpec> processes;
  std::vector<UserAgentSpec> user_agents;
  detection::CommandLineIndicators indicators;
  std::int64_t large_upload_bytes = 0;
  std::int64_t large_upload_window_bytes = 0;
  detection::ScoringWeights scoring;
  std::vector<HuntConfig> hunts;  // hunts.yaml: one per telemetry family
};

struct PackOutcome {
  std::optional<ContentPack> pack;  // set when errors is empty
  std::vector<ConfigError> errors;  // each names its file as `source`
};

// Reads providers.yaml, processes.yaml, user_agents.yaml, indicators.yaml, detection.yaml and
// hunts.yaml
// from `files` (other files are ignored). Every scoring weight must be present.
PackOutcome parseContentPack(std::span<const core::EmbeddedFile> files);

// Every file compiled in from content/, and one of them by name (nullptr when absent).
std::span<const core::EmbeddedFile> builtinContentFiles();
const core::EmbeddedFile* findBuiltinFile(std::string_view name);

// The built-in pack. An error here is a bug in content/ (the tests load it).
core::Result<ContentPack> builtinContentPack();

}  // namespace aihunt::config
