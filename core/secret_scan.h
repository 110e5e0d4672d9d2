#pragma once
// Finds credential-shaped text: AI vendor API keys ("sk-...", "sk-ant-...", "hf_...", "AIza..."),
// QRadar SEC tokens in header form, and HTTP Authorization values. One scanner serves both the
// log redactor (secrets never reach a log) and the detection (a key on a command line is a signal).
#include <cstddef>
#include <span>
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

// The vendor prefixes, longest first ("sk-proj-", "sk-ant-", ..., "sk-"), for callers that look
// for them among other keywords in one pass.
std::span<const std::string_view> apiKeyPrefixes();
// When an API-key-shaped token starts at `at` (a prefix, at a word start, with its body), the
// offset just past it; otherwise 0.
std::size_t apiKeyTokenEndAt(std::string_view text, std::size_t at);
bool containsApiKeyToken(std::string_view text);

// Values after "SEC:", "Authorization:", "Bearer ", "token=", "api_key=" and similar labels. A
// value that only names a variable is not a secret (isVariableReference) and is not reported.
std::vector<SecretSpan> findLabelledSecrets(std::string_view text);

// Whether `value` is a reference to a variable rather than its content: `$env:NAME`, `$NAME`,
// `${NAME}`, `${env:NAME}` (PowerShell, POSIX shells) or `%NAME%` (cmd.exe), NAME being a
// letter or '_' then letters, digits and '_'. The closing '}' may be missing (a scanner may stop
// before it). Evidence keeps such text: it says where the key came from without revealing it.
bool isVariableReference(std::string_view value);

// What both scanners above find, in one pass over `text`: sorted, overlaps merged.
std::vector<SecretSpan> findSecretSpans(std::string_view text);
// `text` with each of `spans` (sorted, apart) replaced by "[REDACTED]".
std::string redactSpans(std::string_view text, const std::vector<SecretSpan>& spans);
// Replaces every span found by the two scanners above with "[REDACTED]".
std::string redactSecretShapes(std::string_view text);

}  // namespace aihunt::core
