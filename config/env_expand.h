#pragma once
// ${VAR} and ${VAR:-default} in config values, so that one file serves several sites and
// secrets-adjacent values (URLs, user names) come from the deployment, not the repository.
// "$$" is a literal '$'; a '$' not followed by '{' or '$' is left alone.
#include <string>
#include <string_view>

#include "config/environment.h"
#include "config/yaml_tree.h"
#include "core/result.h"

namespace aihunt::config {

// Expands one value. ${VAR:-default} uses the default when VAR is unset or empty (as the shell
// does). An unset VAR without a default, an unterminated "${" or a bad name is an error.
core::Result<std::string> expandEnvironment(std::string_view text, const Environment& env);

// Expands every scalar value (never a key) in the tree in place; errors name the value's path.
void expandEnvironmentInTree(YamlNode& node, const Environment& env, Diagnostics& diagnostics);

}  // namespace aihunt::config
