#include "config/config_error.h"

#include "core/display_text.h"

namespace aihunt::config {
namespace {

void replaceAll(std::string& text, std::string_view needle, std::string_view replacement) {
  if (needle.empty()) return;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + replacement.size())) {
    text.replace(at, needle.size(), replacement);
  }
}

}  // namespace

std::string ConfigMessage::describe() const {
  // The file's name on one line: one with a line feed would print a line of its own.
  std::string out = source.empty() ? std::string("<config>") : core::displayText(source);
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

void Diagnostics::error(std::string path, std::string message, YamlMark mark) {
  errors_.push_back({source_, std::move(path), std::move(message), mark.line, mark.column});
}

void Diagnostics::warning(std::string path, std::string message, YamlMark mark) {
  warnings_.push_back({source_, std::move(path), std::move(message), mark.line, mark.column});
}

void Diagnostics::merge(const Diagnostics& other) {
  errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

void Diagnostics::scrub(std::string_view secret) {
  constexpr std::string_view kRedacted = "[REDACTED]";
  for (auto* list : {&errors_, &warnings_}) {
    for (auto& item : *list) {
      replaceAll(item.path, secret, kRedacted);
      replaceAll(item.message, secret, kRedacted);
    }
  }
}

std::string childPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string indexPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + '[' + std::to_string(index) + ']';
}

}  // namespace aihunt::config
