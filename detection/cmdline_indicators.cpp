#include "detection/cmdline_indicators.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/char_class.h"
#include "core/secret_scan.h"

namespace aihunt::detection {
namespace {

// Package names contain '-', '@', '/' and '.', so their boundaries are looser than words'.
bool isPackageChar(char c) {
  return core::isWordChar(c) || c == '-' || c == '@' || c == '/' || c == '.';
}

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
    found = isBounded(text, at, words.pattern(index).size(), core::isWordChar);
    return !found;
  });
  return found;
}

std::vector<std::string> slashNormalised(std::vector<std::string> paths) {
  for (auto& path : paths) std::replace(path.begin(), path.end(), '\\', '/');
  return paths;
}

}  // namespace

CommandLineMatcher::CommandLineMatcher(const CommandLineIndicators& indicators)
    : installers_(indicators.installers), sdk_paths_(slashNormalised(indicators.sdk_paths)) {
  std::vector<std::string> keywords;
  const auto add = [&](const std::vector<std::string>& list, Kind kind) {
    for (const auto& keyword : list) {
      keywords.push_back(keyword);
      kinds_.push_back(kind);
    }
  };
  add(indicators.key_variables, Kind::kKeyVariable);
  add(indicators.sdk_packages, Kind::kSdkPackage);
  add({"api_key", "apikey", "api-key"}, Kind::kKeyWord);
  const auto prefixes = core::apiKeyPrefixes();
  add(std::vector<std::string>(prefixes.begin(), prefixes.end()), Kind::kKeyPrefix);
  keywords_ = core::AsciiPatternSet(keywords);
}

CommandLineFacts CommandLineMatcher::examine(std::string_view text) const {
  bool key_variable = false, key_word = false, package_word = false;
  bool installable_package = false, api_key_token = false;
  keywords_.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    const std::size_t length = keywords_.pattern(index).size();
    switch (kinds_[index]) {
      case Kind::kKeyVariable:
        key_variable = key_variable || isBounded(text, at, length, core::isWordChar);
        break;
      case Kind::kSdkPackage:
        // As a module or package name: "import openai", "openai.api_key", "new Anthropic(".
        package_word = package_word || isBounded(text, at, length, core::isWordChar);
        installable_package = installable_package || isInstallablePackage(text, at, length);
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
  // Installers ("uv", "go", "pip") and verbs ("i") are short and match almost anywhere, so they
  // are looked for only when an installable package was found, which is rare: in the one pass
  // they would let most positions of a command line through its filter.
  const bool install =
      installable_package && containsWord(installers_, text) && containsWord(installVerbs(), text);
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

}  // namespace aihunt::detection
