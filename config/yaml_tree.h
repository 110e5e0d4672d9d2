#pragma once
// Our own YAML document tree, built from libyaml's events inside parseYamlTree(): the tree below
// owns plain strings, knows each node's config path and source position, and cannot throw, so
// the schema code never sees a parser's type or error.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.h"

namespace aihunt::config {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  std::string path;   // "hunts[0].fields.url"; "" for the document root
  YamlMark mark;      // where the value starts
  YamlMark key_mark;  // where its key starts, for map entries
  std::string scalar;
  bool quoted = false;             // '...' or "..." in the source: "null" in quotes is a string
  bool invalid = false;            // already reported (a bad ${VAR}): readers stay quiet about it
  std::vector<YamlNode> items;     // kSequence
  std::vector<YamlEntry> entries;  // kMap, in document order

  [[nodiscard]] bool isNull() const { return kind == Kind::kNull; }
  [[nodiscard]] bool isScalar() const { return kind == Kind::kScalar; }
  [[nodiscard]] bool isSequence() const { return kind == Kind::kSequence; }
  [[nodiscard]] bool isMap() const { return kind == Kind::kMap; }
  // The map entry for `key`, or nullptr.
  [[nodiscard]] const YamlNode* find(std::string_view key) const;
};

// A map entry. A named struct rather than std::pair: a pair cannot hold the still-incomplete
// YamlNode inside YamlNode itself (clang rejects it; libstdc++ with GCC happens to accept).
struct YamlEntry {
  std::string key;
  YamlNode value;
};

// "a map", "a list", "a value", "nothing": for "expected X, found Y" messages.
std::string_view kindDescription(YamlNode::Kind kind);

struct YamlLimits {
  std::size_t max_bytes = 4U << 20;  // 4 MiB: configs are kilobytes
  std::size_t max_depth = 64;        // nesting; real configs use about 6
  std::size_t max_nodes = 200'000;   // after alias expansion: stops "billion laughs"
  // Text the tree holds after alias expansion (scalars and paths): a long scalar aliased by
  // many nodes stays under max_nodes and still copies itself each time (a few KiB times 200,000
  // nodes took config_fuzz past 2 GiB). Real configs hold kilobytes.
  std::size_t max_text_bytes = 32U << 20;
};

// Parses one YAML document. Errors (syntax with line/column, limits, duplicate or non-scalar
// keys, several documents) go to `diagnostics`; the returned tree is then partial or null.
YamlNode parseYamlTree(std::string_view text, Diagnostics& diagnostics,
                       const YamlLimits& limits = {});

}  // namespace aihunt::config
