#include "config/config_reference.h"

#include <string_view>

#include "config/config_keys.h"

namespace aihunt::config {
namespace {

constexpr std::string_view kPreamble =
    R"(# Configuration reference

Generated from the key table in `config/config_keys.cpp` by `aihunt config reference`; do not
edit by hand. A test fails when this file differs from what the binary prints: regenerate it
with `build/bin/aihunt config reference > docs/config-reference.md`.

- Unknown keys are errors, so a typo never falls back to a default silently. `aihunt config
  check FILE` prints every problem at once, each with its path.
- The file is YAML in UTF-8, one document, read as libyaml reads YAML 1.1. Quote a value that
  starts with `:` inside `[...]` (an IPv6 address: `["::1/128"]`), or with `,`, `%`, `@`, `` ` ``,
  `&`, `*` or `!`. Bytes that are not UTF-8, control characters and U+0085, U+2028 or U+2029 are
  passed over in comments and refused in values, with their line.
- `name[]` is an item of the list `name`; `<what>` is a name chosen from the set the row lists.
- Durations: `500ms`, `90s`, `15m`, `24h`, `7d`, `2w`, `1h30m`.
- Any value may use `${VAR}` or `${VAR:-default}` from the environment; `$$` is a literal `$`.
- Relative paths (token file, CA files, `outputs.jsonl.path`, `state.path`) are taken from the
  config file's folder.
- The QRadar token is never in the config: `AIHUNT_QRADAR_TOKEN` or `qradar.token_file`.
- `aihunt config example` prints a complete, commented example that passes `config check
  --offline` (the token, CA and state paths it names exist only where aihunt runs).
)";

// Table cells: a '|' would end the cell, a line break the row.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view section(std::string_view path) {
  std::string_view head = path.substr(0, path.find('.'));
  if (head.ends_with("[]")) head.remove_suffix(2);
  return head;
}

}  // namespace

std::string configReferenceMarkdown() {
  std::string out(kPreamble);
  std::string_view current;
  bool table_open = false;
  for (const ConfigKey& key : configKeys()) {
    const std::string_view name = section(key.path);
    if (name != current) {
      current = name;
      table_open = false;
      out += "\n## `" + std::string(name) + "`\n\n";
      if (key.path == name) {
        // The section's own row is its introduction; a scalar top-level key is only that.
        out += cell(key.description) + " Type: " + cell(key.type) + ".";
        if (!key.default_value.empty()) out += " Default: " + cell(key.default_value) + ".";
        out += "\n";
        continue;
      }
    }
    if (!table_open) {
      out += "\n| key | type | default | description |\n|---|---|---|---|\n";
      table_open = true;
    }
    out += "| `" + cell(key.path) + "` | " + cell(key.type) + " | ";
    out += key.default_value.empty() ? std::string("(none)") : cell(key.default_value);
    out += " | " + cell(key.description) + " |\n";
  }
  return out;
}

}  // namespace aihunt::config
