#pragma once
// Finds credential-shaped text: AI vendor API keys ("sk-...", "sk-ant-...", "hf_...", "AIza..."),
// QRadar SEC tokens in header form, and HTTP Authorization values. One scanner serves both the
// log redactor (secrets never reach a log) and the detection (a key on a command line is a signal).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aihunt::core {

struct SecretSpan {
  std::size_t begin = 0;  // the secret value itself, not its label
  std::size_t end = 0;
};

// Every API-key-shaped token: a known vendor prefix followed by at least 20 key characters.
std::vector<SecretSpan> findApiKeyTokens(std::string_view text);
bool containsApiKeyToken(std::string_view text);

// Values after "SEC:", "Authorization:", "Bearer ", "token=", "api_key=" and similar labels.
std::vector<SecretSpan> findLabelledSecrets(std::string_view text);

// Replaces every span found by the two scanners above with "[REDACTED]".
std::string redactSecretShapes(std::string_view text);

}  // namespace aihunt::core
