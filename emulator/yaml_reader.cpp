#include "emulator/yaml_reader.h"

#include <algorithm>

namespace aihunt::emulator {

std::string childPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

YamlReader::YamlReader(std::string_view text) {
  try {
    root_ = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors_.push_back("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void YamlReader::fail(const std::string& path, std::string_view why) {
  errors_.push_back((path.empty() ? std::string("(root)") : path) + ": " + std::string(why));
}

bool YamlReader::checkMap(const YAML::Node& node, const std::string& path,
                          std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    fail(path, "expected a map");
    return false;
  }
  try {
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(childPath(path, key), "unknown key");
      }
    }
  } catch (const YAML::Exception& e) {
    fail(path, e.msg);
    return false;
  }
  return true;
}

void YamlReader::readString(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!node) return;
  if (!node.IsScalar()) {
    fail(path, "expected a string");
    return;
  }
  out = node.Scalar();
}

void YamlReader::readInt(const YAML::Node& node, const std::string& path, std::int64_t& out) {
  if (!node) return;
  try {
    out = node.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    fail(path, "expected an integer");
  }
}

void YamlReader::readBool(const YAML::Node& node, const std::string& path, bool& out) {
  if (!node) return;
  try {
    out = node.as<bool>();
  } catch (const YAML::Exception&) {
    fail(path, "expected true or false");
  }
}

void YamlReader::readStrings(const YAML::Node& node, const std::string& path,
                             std::vector<std::string>& out) {
  if (!node) return;
  if (!node.IsSequence()) {
    fail(path, "expected a list");
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) {
      fail(indexPath(path, i), "expected a string");
      continue;
    }
    out.push_back(node[i].Scalar());
  }
}

core::Error YamlReader::error() const {
  std::string message;
  for (const std::string& e : errors_) {
    if (!message.empty()) message += "\n";
    message += e;
  }
  return core::makeError(core::ErrorCode::kConfig, message);
}

}  // namespace aihunt::emulator
