#pragma once
// Where a command's detection settings come from: the built-in content pack, or a config file
// (pack plus its additions and exceptions), and which hunt's field mapping reads the rows.
#include <memory>
#include <string>

#include "cli/command.h"
#include "config/config.h"
#include "core/result.h"
#include "detection/event.h"
#include "detection/settings.h"

namespace aihunt::cli {

struct DetectionSetup {
  std::unique_ptr<detection::DetectionSettings> settings;
  std::vector<config::HuntConfig> hunts;  // the config's, or the built-in ones
  detection::FieldMapping mapping = detection::FieldMapping::seedDefaults();
  std::string hunt_name = "triage";
  // From the config (empty without one): where the daemon's state store is, whose stored
  // reference set copies an online hunt falls back on, and how many values of a set to read.
  std::string state_path;
  std::int64_t reference_set_max_values = 100'000;
  // outputs.stdout.incident_window: the bucket that incidents group findings in.
  std::int64_t incident_window_ms = 10LL * 60'000;
};

// `config_path` empty: the built-in pack. `hunt` empty: the seed query's column names.
// Config warnings are logged through the context; errors come back, all of them in one message.
core::Result<DetectionSetup> loadDetectionSetup(const std::string& config_path,
                                                const std::string& hunt, CommandContext& context);

// The names an own query's columns (--aql, --seed-query) are read by: the seed query's, or with
// a --hunt NAME the configured hunt's property names (`"URL"`, `"User Agent"`). An unknown name
// is an error that lists the hunts.
core::Result<detection::FieldMapping> ownQueryMapping(const DetectionSetup& setup,
                                                      const std::vector<std::string>& names);

}  // namespace aihunt::cli
