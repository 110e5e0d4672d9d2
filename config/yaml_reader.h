#pragma once
// Typed reading of the YAML tree with a path on every error. MapReader is one config section:
// it hands out the keys the schema knows and, when it goes out of scope, reports every key the
// schema did not ask for ("unknown key"), so a typo never silently falls back to a default.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.h"
#include "config/yaml_tree.h"
#include "core/text.h"

namespace aihunt::config {

// Converters for one node; each reports a path-qualified error and returns nullopt on failure.
// A null node is "missing a value".
std::optional<std::string> readString(const YamlNode& node, Diagnostics& diagnostics,
                                      bool allow_empty = false);
std::optional<bool> readBool(const YamlNode& node, Diagnostics& diagnostics);
std::optional<std::int64_t> readInteger(const YamlNode& node, Diagnostics& diagnostics,
                                        std::int64_t min, std::int64_t max);
std::optional<std::chrono::milliseconds> readDuration(const YamlNode& node,
                                                      Diagnostics& diagnostics,
                                                      std::chrono::milliseconds min);
// Every item of a list of strings; a bad item is reported and skipped. nullopt when `node` is
// not a list at all.
std::optional<std::vector<std::string>> readStringList(const YamlNode& node,
                                                       Diagnostics& diagnostics);
// true when `node` is a map; otherwise reports "expected a map".
bool expectMap(const YamlNode& node, Diagnostics& diagnostics);
bool expectList(const YamlNode& node, Diagnostics& diagnostics);

// "'inscure' ... did you mean 'insecure'?" or the list of expected names.
std::string suggestion(std::string_view given, const std::vector<std::string_view>& known);

template <typename Enum>
using Choices = std::initializer_list<std::pair<std::string_view, Enum>>;

template <typename Enum>
std::optional<Enum> readChoice(const YamlNode& node, Diagnostics& diagnostics,
                               Choices<Enum> choices) {
  auto text = readString(node, diagnostics);
  if (!text) return std::nullopt;
  std::string expected;
  for (const auto& [name, value] : choices) {
    if (name == *text) return value;
    if (!expected.empty()) expected += ", ";
    expected += name;
  }
  diagnostics.error(node.path, "'" + core::printableExcerpt(*text) + "' is not one of: " + expected,
                    node.mark);
  return std::nullopt;
}

class MapReader {
 public:
  // `node` may be a map or null (an empty section); anything else is reported once and the
  // reader then yields nothing.
  MapReader(const YamlNode& node, Diagnostics& diagnostics);
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  // The value under `key` (marked as known), or nullptr when absent. Null values are returned:
  // the typed getters below treat them as "missing a value".
  const YamlNode* get(std::string_view key);
  // Like get(), but absence is an error.
  const YamlNode* require(std::string_view key);
  // Marks `key` as known but forbidden: present means an error with `message`.
  void forbid(std::string_view key, std::string message);

  // Typed getters: assign `out` only when the key is present and valid; absent keys keep the
  // default already in `out`.
  void string(std::string_view key, std::string& out, bool required = false);
  // A string where empty ("") means "not set" (a CA file left to the system trust store).
  void stringOrEmpty(std::string_view key, std::string& out);
  void boolean(std::string_view key, bool& out);
  template <typename Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    if (const YamlNode* node = get(key)) {
      if (auto value = readInteger(*node, diagnostics_, min, max)) out = static_cast<Int>(*value);
    }
  }
  void duration(std::string_view key, std::chrono::milliseconds& out,
                std::chrono::milliseconds min = std::chrono::milliseconds(0));
  void stringList(std::string_view key, std::vector<std::string>& out);
  template <typename Enum>
  void choice(std::string_view key, Enum& out, Choices<Enum> choices) {
    if (const YamlNode* node = get(key)) {
      if (auto value = readChoice(*node, diagnostics_, choices)) out = *value;
    }
  }

  [[nodiscard]] const YamlNode& node() const { return node_; }
  [[nodiscard]] const std::string& path() const { return node_.path; }
  [[nodiscard]] Diagnostics& diagnostics() { return diagnostics_; }

  // Reports unknown keys now (the destructor does it otherwise).
  void finish();

  // For a section that is off unless `enabled: true` (server, the console outputs): settings
  // given with no `enabled` key at all are a warning, since they would quietly do nothing.
  // `enabled: false` is a choice, and says nothing.
  void warnIfOffBySilence(bool enabled, std::string_view what);

 private:
  const YamlNode& node_;
  Diagnostics& diagnostics_;
  std::vector<std::string_view> known_;
  bool valid_ = false;
  bool finished_ = false;
};

}  // namespace aihunt::config
