#pragma once
// What a command line or script block says about AI use: an API-key variable, a key-shaped
// token, an SDK being installed. Kept apart from the analyzer so each rule is testable alone.
// Built once from the settings' lists; all questions are answered in one pass over the text,
// since endpoint telemetry brings a command line with nearly every event. (Evidence redaction
// lives in detection/evidence.)
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii_pattern_set.h"
#include "detection/settings.h"

namespace aihunt::detection {

// What one pass over a command line found.
struct CommandLineFacts {
  bool key_variable = false;   // see mentionsKeyVariable
  bool sdk_with_key = false;   // see mentionsSdkWithKey
  bool sdk_install = false;    // see installsSdk
  bool api_key_token = false;  // a vendor-prefixed key (core::findApiKeyTokens would find it)
};

class CommandLineMatcher {
 public:
  explicit CommandLineMatcher(const CommandLineIndicators& indicators);

  // The three questions below, and whether an API key is written out, in one pass over `text`:
  // the keyword lists live in one pattern set, so a long command line is read once rather than
  // once per list (the installers, only when a package was found).
  [[nodiscard]] CommandLineFacts examine(std::string_view text) const;

  // An API-key variable name from the indicators, as a whole word (OPENAI_API_KEY, but not
  // MY_OPENAI_API_KEY_BACKUP).
  [[nodiscard]] bool mentionsKeyVariable(std::string_view text) const;

  // "api_key", "apikey" or "api-key" next to an AI SDK's package name: python -c "import openai;
  // openai.api_key=..." and friends.
  [[nodiscard]] bool mentionsSdkWithKey(std::string_view text) const;

  // An installer (pip, npm, uv, ...) installing an AI SDK package.
  [[nodiscard]] bool installsSdk(std::string_view text) const;

  // A file path inside an installed AI SDK (site-packages/openai/...). Either slash.
  [[nodiscard]] bool isSdkPath(std::string_view path) const;

 private:
  // Which list a keyword of keywords_ came from.
  enum class Kind : std::uint8_t { kKeyVariable, kSdkPackage, kKeyWord, kKeyPrefix };

  core::AsciiPatternSet keywords_;    // the lists of Kind and the fixed words, in one set
  std::vector<Kind> kinds_;           // kinds_[i] is the list of keywords_'s pattern i
  core::AsciiPatternSet installers_;  // looked for only once a package was found (see examine)
  core::AsciiPatternSet sdk_paths_;   // separators normalised to '/'
};

}  // namespace aihunt::detection
