// The key table (config/config_keys.cpp) against the loader, so that the configuration reference
// cannot drift from the schema: every listed example is accepted where the table puts it, every
// key a section reader asks for is listed, and every key of the shipped example config is listed.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config_keys.h"
#include "config/config_reference.h"
#include "config/example_config.h"
#include "config/yaml_tree.h"
#include "tests/config/config_test_util.h"

using aihunt::config::ConfigKey;
using aihunt::config::configKeys;
using aihunt::config::testing::describeAll;
using aihunt::config::testing::load;

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    out.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// "hunts[3].fields.url" -> "hunts[].fields.url".
std::string normalise(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']') ++i;
    }
  }
  return out;
}

// A table path matches a normalised path segment by segment; "<what>" matches any name.
bool matches(std::string_view table_path, std::string_view path) {
  const auto want = split(table_path, '.');
  const auto have = split(path, '.');
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].starts_with('<')) {
      if (want[i].ends_with("[]") != have[i].ends_with("[]")) return false;
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

bool listed(std::string_view path) {
  for (const ConfigKey& key : configKeys()) {
    if (matches(key.path, path)) return true;
  }
  return false;
}

std::string instantiate(std::string_view table_path, std::string_view name) {
  std::string out;
  for (const auto& segment : split(table_path, '.')) {
    if (!out.empty()) out += '.';
    if (segment.starts_with('<')) {
      out += name;
      if (segment.ends_with("[]")) out += "[]";
    } else {
      out += segment;
    }
  }
  return out;
}

// A YAML document built from "a.b[].c = value" assignments (one item per list), block style.
struct DocNode {
  std::string value;  // a scalar or flow value; empty for a map
  bool list = false;  // this key holds a list of one map: the children
  std::vector<std::pair<std::string, std::unique_ptr<DocNode>>> children;

  DocNode& child(const std::string& key) {
    for (auto& [name, node] : children) {
      if (name == key) return *node;
    }
    children.emplace_back(key, std::make_unique<DocNode>());
    return *children.back().second;
  }
};

void assign(DocNode& root, std::string_view path, std::string_view value) {
  DocNode* node = &root;
  for (auto segment : split(path, '.')) {
    const bool list = segment.ends_with("[]");
    if (list) segment.resize(segment.size() - 2);
    node = &node->child(segment);
    node->list = node->list || list;
  }
  node->value = value;
}

void render(const DocNode& node, std::size_t indent, std::string& out) {
  for (const auto& [key, child] : node.children) {
    out += std::string(indent, ' ') + key + ":";
    if (!child->value.empty()) {
      out += " " + child->value + "\n";
    } else if (child->list) {
      out += "\n";
      std::string item;
      render(*child, indent + 4, item);
      item.replace(indent + 2, 2, "- ");
      out += item;
    } else {
      out += "\n";
      render(*child, indent + 2, out);
    }
  }
}

// The document that puts one row's example at its path, with the siblings it needs.
std::string exampleDocument(const ConfigKey& key) {
  DocNode root;
  for (const auto& assignment : split(key.example_context, ';')) {
    if (assignment.empty()) continue;
    const std::size_t equals = assignment.find('=');
    assign(root, instantiate(assignment.substr(0, equals), key.example_name),
           assignment.substr(equals + 1));
  }
  assign(root, instantiate(key.path, key.example_name), key.example);
  std::string out;
  render(root, 0, out);
  return out;
}

// "hunts[].schedule.every" as the loader names it: "hunts[0].schedule.every".
std::string loaderPath(std::string_view normalised) {
  std::string out;
  for (const char c : normalised) {
    out += c;
    if (c == '[') out += '0';
  }
  return out;
}

void collectKeys(const aihunt::config::YamlNode& node, std::set<std::string>& out) {
  for (const auto& entry : node.entries) {
    out.insert(normalise(entry.value.path));
    collectKeys(entry.value, out);
  }
  for (const auto& item : node.items) collectKeys(item, out);
}

}  // namespace

TEST_CASE("the document builder nests maps and lists") {
  ConfigKey key{"hunts[].schedule.every", "", "", "", "15m", {}, "hunts[].name=h"};
  CHECK(exampleDocument(key) == "hunts:\n  - name: h\n    schedule:\n      every: 15m\n");
  CHECK(normalise("a[12].b[0]") == "a[].b[]");
  CHECK(matches("d.extra_processes.<category>[].name", "d.extra_processes.AI_Client[].name"));
  CHECK_FALSE(matches("d.extra_processes.<category>[].name", "d.extra_processes.AI_Client.name"));
  CHECK_FALSE(matches("qradar.url", "qradar.urls"));
}

TEST_CASE("every key in the table is accepted by the loader with its example") {
  for (const ConfigKey& key : configKeys()) {
    if (key.example.empty()) continue;
    const std::string document = exampleDocument(key);
    const auto outcome = load(document);
    const std::string at = loaderPath(instantiate(key.path, key.example_name));
    INFO(document << describeAll(outcome.errors));
    for (const auto& error : outcome.errors) {
      const bool here =
          error.path == at || error.path.starts_with(at + ".") || error.path.starts_with(at + "[");
      CHECK_FALSE(here);
    }
  }
}

TEST_CASE("every key the section readers ask for is in the table") {
  std::set<std::string> asked;
  const auto remember = [&](const aihunt::config::LoadOutcome& outcome) {
    for (const auto& path : outcome.keys_read) asked.insert(normalise(path));
  };
  // Each row's document reaches its section's readers; "{}" reaches a section's own keys.
  for (const ConfigKey& key : configKeys()) {
    if (!key.example.empty()) {
      remember(load(exampleDocument(key)));
    } else if (key.path.find_first_of("[<") == std::string_view::npos) {
      remember(load(exampleDocument(ConfigKey{key.path, "", "", "", "{}"})));
    }
  }
  remember(load(aihunt::config::exampleConfigText()));
  REQUIRE(asked.size() > 50);
  for (const auto& path : asked) {
    INFO(path << " is read by the schema but not in config/config_keys.cpp");
    CHECK(listed(path));
  }
}

TEST_CASE("every key of the example config is in the table") {
  aihunt::config::Diagnostics diagnostics("aihunt.example.yaml");
  const auto root = aihunt::config::parseYamlTree(aihunt::config::exampleConfigText(), diagnostics);
  REQUIRE_FALSE(diagnostics.hasErrors());
  std::set<std::string> keys;
  collectKeys(root, keys);
  REQUIRE(keys.size() > 40);
  for (const auto& path : keys) {
    INFO(path << " is in content/aihunt.example.yaml but not in config/config_keys.cpp");
    CHECK(listed(path));
  }
}

TEST_CASE("the key table is well formed") {
  std::set<std::string_view> paths;
  for (const ConfigKey& key : configKeys()) {
    INFO(key.path);
    CHECK(paths.insert(key.path).second);
    CHECK_FALSE(key.type.empty());
    CHECK_FALSE(key.description.empty());
    // A "<what>" row names what its example uses there.
    CHECK((key.path.find('<') == std::string_view::npos) == key.example_name.empty());
    // Every row but a top-level one has its parent listed, so the reference reads top down.
    std::string_view parent = key.path.substr(0, key.path.rfind('.'));
    if (parent != key.path) {
      if (parent.ends_with("[]")) parent.remove_suffix(2);
      CHECK(paths.count(parent) == 1);
    }
  }
}

TEST_CASE("the reference lists every key once, with cells that cannot break the table") {
  const std::string reference = aihunt::config::configReferenceMarkdown();
  for (const ConfigKey& key : configKeys()) {
    const std::string section_header = "## `" + std::string(key.path) + "`";
    const std::string row = "| `" + std::string(key.path) + "` |";
    INFO(key.path);
    const bool once =
        (reference.find(row) != std::string::npos && reference.find(row) == reference.rfind(row)) ||
        reference.find(section_header) != std::string::npos;
    CHECK(once);
  }
  for (const auto& line : split(reference, '\n')) {
    if (!line.starts_with("| `")) continue;
    // Four cells: five unescaped bars.
    int bars = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++bars;
    }
    INFO(line);
    CHECK(bars == 5);
  }
}
