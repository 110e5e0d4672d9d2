#include "config/overrides.h"

#include <charconv>
#include <string>

#include "core/text.h"

namespace aihunt::config {
namespace {

// Gives a grafted subtree the paths it would have had in the file; its marks point into the
// command line, not the file, so they are dropped.
void repath(YamlNode& node, const std::string& path) {
  node.path = path;
  node.mark = {};
  node.key_mark = {};
  for (std::size_t i = 0; i < node.items.size(); ++i) repath(node.items[i], indexPath(path, i));
  for (auto& [key, child] : node.entries) repath(child, childPath(path, key));
}

struct Step {
  std::string key;  // map key, or empty for an index
  std::size_t index = 0;
};

bool splitPath(std::string_view path, std::vector<Step>& steps) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return false;
      Step step;
      const auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, step.index);
      if (ec != std::errc() || end != path.data() + close) return false;
      steps.push_back(step);
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    const std::size_t end = path.find_first_of(".[", i);
    const std::string_view key = path.substr(i, end - i);
    if (key.empty()) return false;
    steps.push_back({std::string(key), 0});
    if (end == std::string_view::npos) break;
    i = path[end] == '.' ? end + 1 : end;
    if (i == path.size()) return false;  // a trailing '.'
  }
  return !steps.empty();
}

}  // namespace

void applyOverride(YamlNode& root, std::string_view assignment, Diagnostics& diagnostics) {
  const std::size_t equals = assignment.find('=');
  const std::string_view path = core::trim(assignment.substr(0, equals));
  const std::string shown = core::printableExcerpt(path, 120);
  std::vector<Step> steps;
  if (equals == std::string_view::npos || !splitPath(path, steps)) {
    diagnostics.error("",
                      "--set '" + shown + "': expected path=value (like hunts[0].enabled=false)");
    return;
  }
  Diagnostics value_diagnostics(diagnostics.source());
  YamlNode value = parseYamlTree(assignment.substr(equals + 1), value_diagnostics);
  if (value_diagnostics.hasErrors()) {
    diagnostics.error(shown, "--set: the value is not valid YAML");
    return;
  }
  if (root.isNull()) root.kind = YamlNode::Kind::kMap;
  YamlNode* node = &root;
  for (const Step& step : steps) {
    if (step.key.empty()) {
      if (!node->isSequence() || step.index >= node->items.size()) {
        diagnostics.error(shown, "--set: no list item " + std::to_string(step.index) + " at '" +
                                     (node->path.empty() ? std::string("(root)") : node->path) +
                                     "'");
        return;
      }
      node = &node->items[step.index];
      continue;
    }
    if (node->isNull()) node->kind = YamlNode::Kind::kMap;
    if (!node->isMap()) {
      diagnostics.error(shown, "--set: '" + node->path + "' is not a map");
      return;
    }
    YamlNode* next = nullptr;
    for (auto& [key, child] : node->entries) {
      if (key == step.key) next = &child;
    }
    if (next == nullptr) {
      YamlNode child;
      child.path = childPath(node->path, step.key);
      node->entries.push_back(YamlEntry{step.key, std::move(child)});
      next = &node->entries.back().value;
    }
    node = next;
  }
  const std::string target_path = node->path;
  *node = std::move(value);
  repath(*node, target_path);
}

}  // namespace aihunt::config
