#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>

#include "core/edit_distance.h"
#include "core/text.h"
#include "core/time.h"

namespace aihunt::config {
namespace {

std::string found(const YamlNode& node) {
  if (node.isScalar()) return "'" + core::printableExcerpt(node.scalar) + "'";
  return std::string(kindDescription(node.kind));
}

bool expectScalar(const YamlNode& node, Diagnostics& diagnostics, std::string_view expected) {
  if (node.invalid) return false;
  if (node.isScalar()) return true;
  if (node.isNull()) {
    diagnostics.error(node.path, "missing a value (expected " + std::string(expected) + ")",
                      node.mark);
  } else {
    diagnostics.error(node.path, "expected " + std::string(expected) + ", found " + found(node),
                      node.mark);
  }
  return false;
}

std::string shortDuration(std::chrono::milliseconds value) {
  const std::int64_t ms = value.count();
  const std::pair<std::int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (const auto& [scale, unit] : units) {
    if (ms != 0 && ms % scale == 0) return std::to_string(ms / scale) + unit;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace

std::optional<std::string> readString(const YamlNode& node, Diagnostics& diagnostics,
                                      bool allow_empty) {
  // YAML reads `key:` with nothing after it as null, not as empty text: where empty text means
  // something (a feature off), the message says how to write it.
  if (!expectScalar(node, diagnostics, allow_empty ? "text, or '' for none" : "text")) {
    return std::nullopt;
  }
  if (!allow_empty && node.scalar.empty()) {
    diagnostics.error(node.path, "must not be empty", node.mark);
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<bool> readBool(const YamlNode& node, Diagnostics& diagnostics) {
  if (!expectScalar(node, diagnostics, "true or false")) return std::nullopt;
  // YAML 1.2 core schema only: "yes", "no", "on", "off" are YAML 1.1 and a known trap.
  const std::string& text = node.scalar;
  if (!node.quoted) {
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  // "true" in quotes is text: say so, or the message reads as if true were not accepted.
  const bool quoted_word = node.quoted && (text == "true" || text == "True" || text == "TRUE" ||
                                           text == "false" || text == "False" || text == "FALSE");
  diagnostics.error(
      node.path,
      "expected true or false, found " +
          (quoted_word ? "the quoted text " + found(node) + " (write it without quotes)"
                       : found(node)),
      node.mark);
  return std::nullopt;
}

std::optional<std::int64_t> readInteger(const YamlNode& node, Diagnostics& diagnostics,
                                        std::int64_t min, std::int64_t max) {
  if (!expectScalar(node, diagnostics, "an integer")) return std::nullopt;
  const std::string& text = node.scalar;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    diagnostics.error(node.path, "integer " + found(node) + " is out of range", node.mark);
    return std::nullopt;
  }
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    diagnostics.error(node.path, "expected an integer, found " + found(node), node.mark);
    return std::nullopt;
  }
  if (value < min || value > max) {
    diagnostics.error(node.path,
                      "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          ", found " + std::to_string(value),
                      node.mark);
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::milliseconds> readDuration(const YamlNode& node,
                                                      Diagnostics& diagnostics,
                                                      std::chrono::milliseconds min) {
  if (!expectScalar(node, diagnostics, "a duration like 15m")) return std::nullopt;
  if (core::trim(node.scalar).starts_with('-')) {
    diagnostics.error(
        node.path, "must be at least " + shortDuration(min) + ", found " + found(node), node.mark);
    return std::nullopt;
  }
  auto parsed = core::parseDuration(node.scalar);
  if (!parsed) {
    diagnostics.error(node.path, parsed.error().message, node.mark);
    return std::nullopt;
  }
  if (*parsed < min) {
    diagnostics.error(
        node.path, "must be at least " + shortDuration(min) + ", found " + found(node), node.mark);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::vector<std::string>> readStringList(const YamlNode& node,
                                                       Diagnostics& diagnostics) {
  if (!expectList(node, diagnostics)) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(node.items.size());
  for (const auto& item : node.items) {
    if (auto text = readString(item, diagnostics)) out.push_back(std::move(*text));
  }
  return out;
}

bool expectMap(const YamlNode& node, Diagnostics& diagnostics) {
  if (node.isMap()) return true;
  diagnostics.error(node.path, "expected a map, found " + found(node), node.mark);
  return false;
}

bool expectList(const YamlNode& node, Diagnostics& diagnostics) {
  if (node.isSequence()) return true;
  diagnostics.error(node.path, "expected a list, found " + found(node), node.mark);
  return false;
}

std::string suggestion(std::string_view given, const std::vector<std::string_view>& known) {
  std::string_view best;
  std::size_t best_distance = 3;  // closer than this is a typo, not another word
  for (const auto& name : known) {
    const std::size_t distance = core::editDistance(given, name);
    if (distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  if (!best.empty()) return "did you mean '" + std::string(best) + "'?";
  std::string list;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const std::string_view name = known[i];
    if (std::find(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        known.begin() + static_cast<std::ptrdiff_t>(i)) {
      continue;  // asked for twice
    }
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list.empty() ? std::string("this section takes no keys") : "expected one of: " + list;
}

MapReader::MapReader(const YamlNode& node, Diagnostics& diagnostics)
    : node_(node), diagnostics_(diagnostics) {
  valid_ = node.isMap() || node.isNull();
  if (!valid_) expectMap(node, diagnostics);
}

MapReader::~MapReader() { finish(); }

const YamlNode* MapReader::get(std::string_view key) {
  known_.push_back(key);
  if (valid_) diagnostics_.noteKeyRead(childPath(node_.path, key));
  return valid_ ? node_.find(key) : nullptr;
}

const YamlNode* MapReader::require(std::string_view key) {
  const YamlNode* node = get(key);
  if (node == nullptr && valid_) {
    diagnostics_.error(childPath(node_.path, key), "missing required key",
                       node_.mark.line > 0 ? node_.mark : node_.key_mark);
  }
  return node;
}

void MapReader::forbid(std::string_view key, std::string message) {
  if (const YamlNode* node = get(key))
    diagnostics_.error(node->path, std::move(message), node->key_mark);
}

void MapReader::string(std::string_view key, std::string& out, bool required) {
  const YamlNode* node = required ? require(key) : get(key);
  if (node == nullptr) return;
  if (auto value = readString(*node, diagnostics_)) out = std::move(*value);
}

void MapReader::stringOrEmpty(std::string_view key, std::string& out) {
  const YamlNode* node = get(key);
  if (node == nullptr) return;
  if (auto value = readString(*node, diagnostics_, /*allow_empty=*/true)) out = std::move(*value);
}

void MapReader::boolean(std::string_view key, bool& out) {
  if (const YamlNode* node = get(key)) {
    if (auto value = readBool(*node, diagnostics_)) out = *value;
  }
}

void MapReader::duration(std::string_view key, std::chrono::milliseconds& out,
                         std::chrono::milliseconds min) {
  if (const YamlNode* node = get(key)) {
    if (auto value = readDuration(*node, diagnostics_, min)) out = *value;
  }
}

void MapReader::stringList(std::string_view key, std::vector<std::string>& out) {
  if (const YamlNode* node = get(key)) {
    if (auto value = readStringList(*node, diagnostics_)) out = std::move(*value);
  }
}

void MapReader::warnIfOffBySilence(bool enabled, std::string_view what) {
  if (enabled || !node_.isMap() || node_.entries.empty() || node_.find("enabled") != nullptr) {
    return;
  }
  diagnostics_.warning(node_.path,
                       std::string(what) +
                           " is off: this section has settings but no "
                           "'enabled: true'",
                       node_.key_mark.line > 0 ? node_.key_mark : node_.mark);
}

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!valid_) return;
  for (const auto& [key, child] : node_.entries) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    diagnostics_.error(child.path, "unknown key; " + suggestion(key, known_), child.key_mark);
  }
}

}  // namespace aihunt::config
