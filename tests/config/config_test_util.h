#pragma once
// Helpers shared by the config tests: load a YAML text with a fake environment and look up the
// error reported at one path.
#include <string>
#include <string_view>
#include <vector>

#include "config/environment.h"
#include "config/loader.h"

namespace aihunt::config::testing {

inline LoadOutcome load(std::string_view yaml, const Environment& env = MapEnvironment{}) {
  LoadOptions options;
  options.resolve_token = false;
  return loadConfigText(yaml, "test.yaml", env, options);
}

// Every message reported at `path`, in order.
inline std::vector<std::string> messagesAt(const std::vector<ConfigError>& errors,
                                           std::string_view path) {
  std::vector<std::string> out;
  for (const auto& error : errors) {
    if (error.path == path) out.push_back(error.message);
  }
  return out;
}

// The single message at `path`, or "" (with the full list printed by the failing assertion).
inline std::string messageAt(const std::vector<ConfigError>& errors, std::string_view path) {
  const auto messages = messagesAt(errors, path);
  return messages.size() == 1 ? messages.front() : std::string();
}

inline std::string describeAll(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& error : errors) out += error.describe() + "\n";
  return out;
}

}  // namespace aihunt::config::testing
