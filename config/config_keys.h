#pragma once
// Every key a config file may hold, in one table: `aihunt config reference` prints it as
// docs/config-reference.md, and tests/config/config_keys_test.cpp proves it against the loader
// (each key's example is accepted, every key the schema reads is listed, every key of
// content/aihunt.example.yaml is listed). A new key in a schema_*.cpp reader needs a row here.
#include <span>
#include <string_view>

namespace aihunt::config {

struct ConfigKey {
  // Dotted path. "name[]" is an item of the list `name`; "<what>" is a name the user chooses
  // from a fixed set (a logical field, a scoring weight, a process category).
  std::string_view path;
  std::string_view type;           // "duration, at least 100ms", "one of: sec, basic"
  std::string_view default_value;  // as YAML; "required" or "" (none) are said as such
  std::string_view description;
  // A YAML value the loader accepts at this path (flow style); empty for a section whose
  // children carry the examples.
  std::string_view example;
  // For a "<what>" segment: the name the example uses there.
  std::string_view example_name = {};
  // Other "path=value" assignments the example needs to be valid (a sibling it depends on),
  // separated by ';'.
  std::string_view example_context = {};
};

// The table, in the order of the reference: sections as in the example config.
std::span<const ConfigKey> configKeys();

}  // namespace aihunt::config
