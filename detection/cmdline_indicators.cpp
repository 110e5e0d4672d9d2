#include "detection/cmdline_indicators.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/secret_scan.h"
#include "core/text.h"

namespace aihunt::detection {
namespace {

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Package names contain '-', '@', '/' and '.', so their boundaries are looser than words'.
bool isPackageChar(char c) { return isWordChar(c) || c == '-' || c == '@' || c == '/' || c == '.'; }

// Whether the match [at, at + length) has no character passing `is_inner` on either side.
template <typename IsInner>
bool isBounded(std::string_view text, std::size_t at, std::size_t length, IsInner is_inner) {
  const std::size_t end = at + length;
  return (at == 0 || !is_inner(text[at - 1])) && (end == text.size() || !is_inner(text[end]));
}

// "openai", "openai==1.3", "openai[all]", "openai@4" (npm's version pin) name an installable
// package; "openai/..." (a path) and "x.openai" (a module attribute) do not.
bool isInstallablePackage(std::string_view text, std::size_t at, std::size_t length) {
  const std::size_t end = at + length;
  const bool clean_left = at == 0 || !isPackageChar(text[at - 1]);
  const bool clean_right = end == text.size() || !isPackageChar(text[end]) || text[end] == '=' ||
                           text[end] == '@' || text[end] == '[' || text[end] == '<' ||
                           text[end] == '>' || text[end] == '~';
  return clean_left && clean_right;
}

const core::AsciiPatternSet& installVerbs() {
  static const core::AsciiPatternSet verbs({"install", "add", "i"});
  return verbs;
}

bool containsWord(const core::AsciiPatternSet& words, std::string_view text) {
  bool found = false;
  words.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    found = isBounded(text, at, words.pattern(index).size(), isWordChar);
    return !found;
  });
  return found;
}

bool isValueEnd(char c) {
  return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ';' || c == ',' || c == ')' ||
         c == ']' || c == '}' || c == '\n' || c == '\r';
}

// "setx NAME value" (Windows): the word before the name is setx.
bool afterSetx(std::string_view text, std::size_t name_at) {
  std::size_t at = name_at;
  while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t')) --at;
  if (at == name_at || at < 4 || !core::iequals(text.substr(at - 4, 4), "setx")) return false;
  return at == 4 || !isWordChar(text[at - 5]);
}

// Where the value assigned to the variable named at [name_at, name_at + length) starts, or npos
// when the text names it without assigning it. The name may first close a quote or an index,
// and the separator may be '=', ':' or ',' (a function's next argument), or only a space after
// setx.
std::size_t assignedValueStart(std::string_view text, std::size_t name_at, std::size_t length) {
  std::size_t at = name_at + length;
  while (at < text.size() && (text[at] == '"' || text[at] == '\'' || text[at] == ']')) ++at;
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  if (at < text.size() && (text[at] == '=' || text[at] == ':' || text[at] == ',')) {
    ++at;
  } else if (!afterSetx(text, name_at) || at == name_at + length) {
    return std::string::npos;
  }
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '"' || text[at] == '\'')) {
    ++at;
  }
  return at;
}

std::vector<std::string> slashNormalised(std::vector<std::string> paths) {
  for (auto& path : paths) std::replace(path.begin(), path.end(), '\\', '/');
  return paths;
}

}  // namespace

CommandLineMatcher::CommandLineMatcher(const CommandLineIndicators& indicators)
    : key_variables_(indicators.key_variables), sdk_paths_(slashNormalised(indicators.sdk_paths)) {
  std::vector<std::string> keywords;
  const auto add = [&](const std::vector<std::string>& list, Kind kind) {
    for (const auto& keyword : list) {
      keywords.push_back(keyword);
      kinds_.push_back(kind);
    }
  };
  add(indicators.key_variables, Kind::kKeyVariable);
  add(indicators.sdk_packages, Kind::kSdkPackage);
  add(indicators.installers, Kind::kInstaller);
  add({"api_key", "apikey", "api-key"}, Kind::kKeyWord);
  const auto prefixes = core::apiKeyPrefixes();
  add(std::vector<std::string>(prefixes.begin(), prefixes.end()), Kind::kKeyPrefix);
  keywords_ = core::AsciiPatternSet(keywords);
}

CommandLineFacts CommandLineMatcher::examine(std::string_view text) const {
  bool key_variable = false, key_word = false, package_word = false;
  bool installer = false, installable_package = false, api_key_token = false;
  keywords_.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    const std::size_t length = keywords_.pattern(index).size();
    switch (kinds_[index]) {
      case Kind::kKeyVariable:
        key_variable = key_variable || isBounded(text, at, length, isWordChar);
        break;
      case Kind::kSdkPackage:
        // As a module or package name: "import openai", "openai.api_key", "new Anthropic(".
        package_word = package_word || isBounded(text, at, length, isWordChar);
        installable_package = installable_package || isInstallablePackage(text, at, length);
        break;
      case Kind::kInstaller:
        installer = installer || isBounded(text, at, length, isWordChar);
        break;
      case Kind::kKeyWord:
        key_word = true;  // a substring: "openai.api_key", "OPENAI_APIKEY"
        break;
      case Kind::kKeyPrefix:  // matched in any case here; the exact check is the scanner's
        api_key_token = api_key_token || core::apiKeyTokenEndAt(text, at) != 0;
        break;
    }
    return true;
  });
  // The verbs ("i" among them) match almost anywhere, so they are looked for only when an
  // installer and a package were found, which is rare.
  const bool install = installer && installable_package && containsWord(installVerbs(), text);
  return {key_variable, key_word && package_word, install, api_key_token};
}

bool CommandLineMatcher::mentionsKeyVariable(std::string_view text) const {
  return examine(text).key_variable;
}

bool CommandLineMatcher::mentionsSdkWithKey(std::string_view text) const {
  return examine(text).sdk_with_key;
}

bool CommandLineMatcher::installsSdk(std::string_view text) const {
  return examine(text).sdk_install;
}

bool CommandLineMatcher::isSdkPath(std::string_view path) const {
  if (path.empty()) return false;
  std::string normalised(path);
  std::replace(normalised.begin(), normalised.end(), '\\', '/');
  return sdk_paths_.containsAny(normalised);
}

std::string CommandLineMatcher::redactedEvidence(std::string_view text,
                                                 std::size_t max_bytes) const {
  std::string out = core::redactSecretShapes(text);
  // OPENAI_API_KEY = "value", $env:OPENAI_API_KEY='value', export OPENAI_API_KEY=value,
  // os.environ['OPENAI_API_KEY']='value', SetEnvironmentVariable("OPENAI_API_KEY","value"),
  // {"OPENAI_API_KEY": "value"}, setx OPENAI_API_KEY value
  std::vector<std::pair<std::size_t, std::size_t>> values;
  std::size_t next_free = 0;  // a variable named inside a value already redacted is part of it
  key_variables_.forEachMatch(out, [&](std::size_t index, std::size_t from) {
    const std::size_t length = key_variables_.pattern(index).size();
    if (from < next_free || !isBounded(out, from, length, isWordChar)) return true;
    const std::size_t at = assignedValueStart(out, from, length);
    if (at == std::string::npos) return true;
    constexpr std::string_view kRedacted = "[REDACTED]";
    std::size_t end = at;
    if (out.compare(at, kRedacted.size(), kRedacted) == 0) {
      end = at + kRedacted.size();  // hidden already, by the secret scanner
    } else {
      while (end < out.size() && !isValueEnd(out[end])) ++end;
      if (end > at) values.emplace_back(at, end);
    }
    next_free = std::max(next_free, end);
    return true;
  });
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    out.replace(it->first, it->second - it->first, "[REDACTED]");
  }
  return core::printableExcerpt(out, max_bytes);
}

}  // namespace aihunt::detection
