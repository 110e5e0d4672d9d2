#include "detection/cmdline_indicators.h"

#include <algorithm>

#include "core/secret_scan.h"
#include "core/text.h"

namespace aihunt::detection {
namespace {

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Package names contain '-', '@', '/' and '.', so their boundaries are looser than words'.
bool isPackageChar(char c) { return isWordChar(c) || c == '-' || c == '@' || c == '/' || c == '.'; }

// Finds `lower_needle` in `text` (ASCII case-insensitive) where the characters either side
// fail `is_inner`. Returns the position or npos.
template <typename IsInner>
std::size_t findBounded(std::string_view text, std::string_view lower_needle, std::size_t from,
                        IsInner is_inner) {
  if (lower_needle.empty()) return std::string_view::npos;
  while (from + lower_needle.size() <= text.size()) {
    std::size_t at = from;
    bool found = false;
    for (; at + lower_needle.size() <= text.size(); ++at) {
      std::size_t j = 0;
      while (j < lower_needle.size() && core::asciiLower(text[at + j]) == lower_needle[j]) ++j;
      if (j == lower_needle.size()) {
        found = true;
        break;
      }
    }
    if (!found) return std::string_view::npos;
    const std::size_t end = at + lower_needle.size();
    const bool left_ok = at == 0 || !is_inner(text[at - 1]);
    const bool right_ok = end == text.size() || !is_inner(text[end]);
    if (left_ok && right_ok) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

bool containsWord(std::string_view text, const std::string& lower_word) {
  return findBounded(text, lower_word, 0, isWordChar) != std::string_view::npos;
}

// "openai==1.3", "openai>=1", "openai[all]" still name the package "openai".
bool isPackageEnd(char c) { return !isPackageChar(c) || c == '='; }

bool containsPackage(std::string_view text, const std::string& lower_package) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = findBounded(
        text, lower_package, from, [](char c) { return isPackageChar(c) && c != '=' && c != '/'; });
    if (at == std::string_view::npos) return false;
    const std::size_t end = at + lower_package.size();
    // "openai/..." is a path, "x.openai" a module attribute: neither installs anything.
    const bool clean_left = at == 0 || !isPackageChar(text[at - 1]);
    const bool clean_right = end == text.size() || isPackageEnd(text[end]) || text[end] == '[' ||
                             text[end] == '<' || text[end] == '>' || text[end] == '~';
    if (clean_left && clean_right) return true;
    from = at + 1;
  }
}

bool anyPackage(const CommandLineIndicators& indicators, std::string_view text) {
  return std::any_of(indicators.sdk_packages.begin(), indicators.sdk_packages.end(),
                     [&](const std::string& package) { return containsPackage(text, package); });
}

}  // namespace

bool mentionsKeyVariable(const CommandLineIndicators& indicators, std::string_view text) {
  return std::any_of(indicators.key_variables.begin(), indicators.key_variables.end(),
                     [&](const std::string& name) { return containsWord(text, name); });
}

bool mentionsSdkWithKey(const CommandLineIndicators& indicators, std::string_view text) {
  const bool has_key_word = core::icontainsLower(text, "api_key") ||
                            core::icontainsLower(text, "apikey") ||
                            core::icontainsLower(text, "api-key");
  if (!has_key_word) return false;
  // As a module or package name: "import openai", "openai.api_key", "new Anthropic(".
  return std::any_of(indicators.sdk_packages.begin(), indicators.sdk_packages.end(),
                     [&](const std::string& package) {
                       return findBounded(text, package, 0, isWordChar) != std::string_view::npos;
                     });
}

bool installsSdk(const CommandLineIndicators& indicators, std::string_view text) {
  const bool has_installer =
      std::any_of(indicators.installers.begin(), indicators.installers.end(),
                  [&](const std::string& installer) { return containsWord(text, installer); });
  if (!has_installer) return false;
  const bool installs =
      containsWord(text, "install") || containsWord(text, "add") || containsWord(text, "i");
  return installs && anyPackage(indicators, text);
}

bool isSdkPath(const CommandLineIndicators& indicators, std::string_view path) {
  if (path.empty()) return false;
  std::string normalised = core::asciiLowered(path);
  std::replace(normalised.begin(), normalised.end(), '\\', '/');
  return std::any_of(
      indicators.sdk_paths.begin(), indicators.sdk_paths.end(),
      [&](const std::string& fragment) { return normalised.find(fragment) != std::string::npos; });
}

std::string redactedEvidence(const CommandLineIndicators& indicators, std::string_view text,
                             std::size_t max_bytes) {
  std::string out = core::redactSecretShapes(text);
  // OPENAI_API_KEY = "value", $env:OPENAI_API_KEY='value', export OPENAI_API_KEY=value
  for (const auto& name : indicators.key_variables) {
    std::size_t from = 0;
    while ((from = findBounded(out, name, from, isWordChar)) != std::string_view::npos) {
      std::size_t at = from + name.size();
      while (at < out.size() && out[at] == ' ') ++at;
      if (at >= out.size() || (out[at] != '=' && out[at] != ':')) {
        from += name.size();
        continue;
      }
      ++at;
      while (at < out.size() && (out[at] == ' ' || out[at] == '"' || out[at] == '\'')) ++at;
      std::size_t end = at;
      while (end < out.size() && out[end] != ' ' && out[end] != '"' && out[end] != '\'' &&
             out[end] != ';' && out[end] != '\n' && out[end] != '\r')
        ++end;
      if (end > at && out.compare(at, end - at, "[REDACTED]") != 0) {
        out.replace(at, end - at, "[REDACTED]");
      }
      from = at;
    }
  }
  return core::printableExcerpt(out, max_bytes);
}

}  // namespace aihunt::detection
