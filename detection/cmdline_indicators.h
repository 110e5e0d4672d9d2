#pragma once
// What a command line or script block says about AI use: an API-key variable, a key-shaped
// token, an SDK being installed. Kept apart from the analyzer so each rule is testable alone.
#include <string>
#include <string_view>

#include "detection/settings.h"

namespace aihunt::detection {

// An API-key variable name from the indicators, as a whole word (OPENAI_API_KEY, but not
// MY_OPENAI_API_KEY_BACKUP).
bool mentionsKeyVariable(const CommandLineIndicators& indicators, std::string_view text);

// "api_key", "apikey" or "api-key" next to an AI SDK's package name: python -c "import openai;
// openai.api_key=..." and friends.
bool mentionsSdkWithKey(const CommandLineIndicators& indicators, std::string_view text);

// An installer (pip, npm, uv, ...) installing an AI SDK package.
bool installsSdk(const CommandLineIndicators& indicators, std::string_view text);

// A file path inside an installed AI SDK (site-packages/openai/...). Either slash.
bool isSdkPath(const CommandLineIndicators& indicators, std::string_view path);

// Evidence for a finding: the text with key-shaped tokens, labelled secrets and the values
// assigned to key variables replaced by [REDACTED], cut to `max_bytes`.
std::string redactedEvidence(const CommandLineIndicators& indicators, std::string_view text,
                             std::size_t max_bytes);

}  // namespace aihunt::detection
