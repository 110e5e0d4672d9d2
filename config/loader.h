#pragma once
// Loading a config file: YAML -> tree -> ${ENV} expansion -> section readers -> detection
// settings (pack + additions + exceptions) -> QRadar token. Every problem of the whole file is
// reported at once, each with its path; nothing throws.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/environment.h"
#include "config/yaml_tree.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::config {

struct LoadOptions {
  // Resolve the QRadar token when a qradar: section exists (AIHUNT_QRADAR_TOKEN, then
  // qradar.token_file). Off for offline use and for checking a file on another machine.
  bool resolve_token = true;
  // When set, exceptions that expired before `now` are reported as warnings.
  std::optional<core::EpochMs> now;
  // `--set path=value` assignments, applied in order on top of the file.
  std::vector<std::string> overrides;
  // Where relative paths in the file (token_file, ca_file, outputs.jsonl.path, state.path) are
  // taken from. loadConfigFile sets it to the file's folder; empty: left as written.
  std::string base_directory;
  YamlLimits limits;
};

struct LoadOutcome {
  std::optional<Config> config;  // set exactly when errors is empty
  // The config as far as it could be read, errors or not (a key in error keeps its default):
  // for checks that add their own errors to these, so that every error is said at once.
  std::optional<Config> partial;
  std::vector<ConfigError> errors;
  std::vector<ConfigWarning> warnings;
  // The paths of the keys the section readers asked for (Diagnostics::noteKeyRead).
  std::vector<std::string> keys_read;

  [[nodiscard]] bool ok() const { return errors.empty(); }
};

LoadOutcome loadConfigText(std::string_view text, std::string_view source_name,
                           const Environment& env, const LoadOptions& options = {});
LoadOutcome loadConfigFile(const std::string& path, const Environment& env,
                           const LoadOptions& options = {});

// "N config error(s):", then each on a line of its own, up to `max_listed`, then how many more
// there are: a file can hold thousands, which only `aihunt config check` lists in full.
std::string describeErrors(const std::vector<ConfigError>& errors, std::size_t max_listed = 50);

// For callers that only want go/no-go: the config, or one error listing its problems
// (describeErrors).
core::Result<Config> toResult(LoadOutcome outcome);

}  // namespace aihunt::config
