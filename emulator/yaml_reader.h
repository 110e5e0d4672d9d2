#pragma once
// The yaml-cpp adapter for the emulator's config, rule and fault files: typed reads that record
// an error with its path ("ariel.workers: expected an integer") instead of throwing, and a check
// that rejects unknown keys. yaml-cpp exceptions stop here.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/result.h"

namespace aihunt::emulator {

class YamlReader {
 public:
  // Parses `text`; a syntax error is recorded and root() is null.
  explicit YamlReader(std::string_view text);

  [[nodiscard]] const YAML::Node& root() const { return root_; }

  // Records an error for every key of map `node` not in `allowed`; errors if `node` is no map.
  bool checkMap(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::string_view> allowed);
  void readString(const YAML::Node& node, const std::string& path, std::string& out);
  void readInt(const YAML::Node& node, const std::string& path, std::int64_t& out);
  void readBool(const YAML::Node& node, const std::string& path, bool& out);
  void readStrings(const YAML::Node& node, const std::string& path, std::vector<std::string>& out);
  void fail(const std::string& path, std::string_view why);

  [[nodiscard]] bool ok() const { return errors_.empty(); }
  // All errors, one per line, as a kConfig error.
  [[nodiscard]] core::Error error() const;

 private:
  YAML::Node root_;
  std::vector<std::string> errors_;
};

std::string childPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, std::size_t index);

}  // namespace aihunt::emulator
