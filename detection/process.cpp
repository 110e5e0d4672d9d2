#include "detection/process.h"

#include <array>

#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::detection {
namespace {

struct CategoryName {
  ProcessCategory category;
  std::string_view name;
};

constexpr std::array<CategoryName, 8> kCategoryNames = {{
    {ProcessCategory::kUnknown, "Unknown"},
    {ProcessCategory::kScriptRuntime, "ScriptRuntime"},
    {ProcessCategory::kScriptHost, "ScriptHost"},
    {ProcessCategory::kCliTransfer, "CLI_Transfer"},
    {ProcessCategory::kLolbin, "LOLBin"},
    {ProcessCategory::kAiClient, "AI_Client"},
    {ProcessCategory::kBrowser, "Browser"},
    {ProcessCategory::kOther, "Other"},
}};

// The executable part of an application value: a quoted path, a path ending in ".exe", or the
// text up to the first space.
std::string_view executablePart(std::string_view text) {
  text = core::trim(text);
  if (!text.empty() && (text.front() == '"' || text.front() == '\'')) {
    const char quote = text.front();
    const std::size_t close = text.find(quote, 1);
    return text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  }
  // Windows paths have spaces ("C:\Program Files\..."), so look for ".exe" at a word end first.
  for (std::size_t at = 0; at + 4 <= text.size(); ++at) {
    if (text[at] == '.' && core::iequals(text.substr(at, 4), ".exe") &&
        (at + 4 == text.size() || text[at + 4] == ' ' || text[at + 4] == '"')) {
      return text.substr(0, at + 4);
    }
  }
  const std::size_t space = text.find(' ');
  return space == std::string_view::npos ? text : text.substr(0, space);
}

}  // namespace

std::string_view processCategoryName(ProcessCategory category) {
  for (const auto& entry : kCategoryNames) {
    if (entry.category == category) return entry.name;
  }
  return "Unknown";
}

std::optional<ProcessCategory> processCategoryFromName(std::string_view name) {
  for (const auto& entry : kCategoryNames) {
    if (core::iequals(entry.name, name)) return entry.category;
  }
  return std::nullopt;
}

std::string normaliseProcessName(std::string_view application) {
  std::string_view path = executablePart(application);
  for (std::size_t i = path.size(); i > 0; --i) {  // find_last_of calls memchr per character
    if (path[i - 1] == '/' || path[i - 1] == '\\') {
      path.remove_prefix(i);
      break;
    }
  }
  std::string name = core::asciiLowered(core::trim(path));
  if (name.ends_with(".exe")) name.resize(name.size() - 4);
  return name;
}

std::string_view withoutVersionSuffix(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && (core::isAsciiDigit(name[end - 1]) || name[end - 1] == '.')) --end;
  // Only digits and dots that start with a digit count as a version ("x." is not), and a name
  // that is all version ("7") is left alone.
  if (end == name.size() || end == 0 || !core::isAsciiDigit(name[end])) return name;
  if (name[end - 1] == '-' || name[end - 1] == '_') --end;
  return end == 0 ? name : name.substr(0, end);
}

core::Status ProcessCatalog::add(std::string_view name, const ProcessEntry& entry) {
  std::string key = normaliseProcessName(name);
  if (key.empty()) {
    return core::makeError(core::ErrorCode::kConfig,
                           "'" + core::printableExcerpt(name) + "' is not a process name");
  }
  auto [it, inserted] = entries_.emplace(key, entry);
  if (!inserted && it->second.category != entry.category) {
    return core::makeError(core::ErrorCode::kConfig,
                           "process '" + key + "' is listed as both " +
                               std::string(processCategoryName(it->second.category)) + " and " +
                               std::string(processCategoryName(entry.category)));
  }
  return {};
}

ProcessCatalog::Match ProcessCatalog::lookup(std::string_view normalised_name) const {
  if (const auto it = entries_.find(normalised_name); it != entries_.end()) {
    return {it->second, it->first};
  }
  const std::string_view folded = withoutVersionSuffix(normalised_name);
  if (folded.size() != normalised_name.size()) {
    if (const auto it = entries_.find(folded); it != entries_.end()) return {it->second, it->first};
  }
  return {other_, normalised_name};
}

}  // namespace aihunt::detection
