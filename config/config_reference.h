#pragma once
// docs/config-reference.md as `aihunt config reference` prints it: the key table (config_keys.h)
// as Markdown, one table per top-level section.
#include <string>

namespace aihunt::config {

std::string configReferenceMarkdown();

}  // namespace aihunt::config
