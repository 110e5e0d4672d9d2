#include "config/yaml_tree.h"

#include "config/yaml_hazards.h"

#include <exception>
#include <new>
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/text.h"

namespace aihunt::config {
namespace {

YamlMark toMark(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Keys are user text that ends up in paths and messages: keep them printable and short.
std::string keyForPath(std::string_view key) { return core::printableExcerpt(key, 64); }

class Converter {
 public:
  Converter(Diagnostics& diagnostics, const YamlLimits& limits)
      : diagnostics_(diagnostics), limits_(limits) {}

  // Returns false once a limit is hit: the conversion then stops everywhere.
  bool convert(const YAML::Node& source, YamlNode& out, std::size_t depth) {
    if (++nodes_ > limits_.max_nodes) {
      return fail(out, "document expands to more than " + std::to_string(limits_.max_nodes) +
                           " nodes (alias expansion?)");
    }
    if (depth > limits_.max_depth) {
      return fail(out, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    text_bytes_ += out.path.size();
    if (source.IsScalar()) text_bytes_ += source.Scalar().size();  // a reference: not copied yet
    if (text_bytes_ > limits_.max_text_bytes) {
      return fail(out, "document expands to more than " + std::to_string(limits_.max_text_bytes) +
                           " bytes of text (alias expansion?)");
    }
    out.mark = toMark(source.Mark());
    switch (source.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YamlNode::Kind::kNull;
        return true;
      case YAML::NodeType::Scalar:
        out.kind = YamlNode::Kind::kScalar;
        out.scalar = source.Scalar();
        // "?" is the tag of a plain scalar; "!" of a quoted one.
        out.quoted = source.Tag() == "!";
        return true;
      case YAML::NodeType::Sequence: {
        out.kind = YamlNode::Kind::kSequence;
        out.items.reserve(source.size());
        std::size_t index = 0;
        for (const auto& item : source) {
          YamlNode child;
          child.path = indexPath(out.path, index++);
          if (!convert(item, child, depth + 1)) return false;
          out.items.push_back(std::move(child));
        }
        return true;
      }
      case YAML::NodeType::Map: {
        out.kind = YamlNode::Kind::kMap;
        for (const auto& entry : source) {
          const YAML::Node& key = entry.first;
          if (!key.IsScalar()) {
            diagnostics_.error(out.path, "map keys must be plain text", toMark(key.Mark()));
            continue;
          }
          const std::string& name = key.Scalar();
          YamlNode child;
          child.path = childPath(out.path, keyForPath(name));
          child.key_mark = toMark(key.Mark());
          if (out.find(name) != nullptr) {
            // yaml-cpp silently keeps one of them; a config that says two things is an error.
            diagnostics_.error(child.path, "duplicate key", child.key_mark);
            continue;
          }
          if (!convert(entry.second, child, depth + 1)) return false;
          out.entries.push_back(YamlEntry{name, std::move(child)});
        }
        return true;
      }
    }
    return true;
  }

 private:
  bool fail(const YamlNode& at, std::string message) {
    diagnostics_.error(at.path, std::move(message), at.mark);
    return false;
  }

  Diagnostics& diagnostics_;
  const YamlLimits& limits_;
  std::size_t nodes_ = 0;
  std::size_t text_bytes_ = 0;
};

}  // namespace

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [name, node] : entries) {
    if (name == key) return &node;
  }
  return nullptr;
}

std::string_view kindDescription(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::kNull:
      return "nothing";
    case YamlNode::Kind::kScalar:
      return "a value";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a map";
  }
  return "?";
}

YamlNode parseYamlTree(std::string_view text, Diagnostics& diagnostics, const YamlLimits& limits) {
  YamlNode root;
  if (text.size() > limits.max_bytes) {
    diagnostics.error("", "file is larger than " + std::to_string(limits.max_bytes) + " bytes");
    return root;
  }
  if (const auto hazard = findYamlCppHazard(text)) {
    diagnostics.error("", hazard->message, hazard->mark);
    return root;
  }
  // The adapter: nothing thrown by yaml-cpp (syntax, its own recursion guard, allocation)
  // leaves this function.
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.empty()) return root;
    if (documents.size() > 1) {
      diagnostics.error("", "expected one YAML document, found " +
                                std::to_string(documents.size()) + " (remove '---' separators)");
      return root;
    }
    Converter converter(diagnostics, limits);
    YamlNode converted;
    if (converter.convert(documents.front(), converted, 0)) root = std::move(converted);
  } catch (const YAML::Exception& error) {
    YamlMark mark = toMark(error.mark);
    std::string message = error.msg.empty() ? std::string("invalid YAML") : error.msg;
    if (mark.line > 0) {
      message = "YAML syntax error at line " + std::to_string(mark.line) + ", column " +
                std::to_string(mark.column) + ": " + message;
    } else {
      message = "YAML syntax error: " + message;
    }
    diagnostics.error("", std::move(message), mark);
  } catch (const std::bad_alloc&) {
    diagnostics.error("", "out of memory while parsing YAML");
  } catch (const std::exception& error) {
    diagnostics.error("", std::string("YAML parser failed: ") + error.what());
  } catch (...) {
    diagnostics.error("", "YAML parser failed");
  }
  return root;
}

}  // namespace aihunt::config
