#pragma once
// Finds credential-shaped text: AI vendor API keys ("sk-...", "sk-ant-...", "hf_...", "AIza..."),
// other well-known tokens (GitHub, GitLab, Slack, Stripe, AWS key ids), QRadar SEC tokens in
// header form, HTTP Authorization and Cookie values, values assigned to credential names
// (password=, "api-key": ..., client_secret=), curl's -u user:password and the password of a
// URL's user information. One scanner serves both the log redactor (secrets never reach a log)
// and the detection (a vendor key on a command line is a signal; the other tokens are not).
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

// Other credentials by their prefix (ghp_, github_pat_, glpat-, xoxb-, sk_live_, AKIA, ...): not
// signals of AI use, but evidence must not carry them either.
std::size_t credentialTokenEndAt(std::string_view text, std::size_t at);
std::vector<SecretSpan> findCredentialTokens(std::string_view text);

// Values after "SEC:", "Authorization:", "Bearer ", "token=", "api_key=" and similar labels, the
// password in "-u user:password" and "scheme://user:password@host". A value opened by a quote
// runs to the quote that closes it. A value that only names a variable (isVariableReference) or
// is code that reads one (os.environ['X'], os.getenv("X")) is not a secret and is not reported.
std::vector<SecretSpan> findLabelledSecrets(std::string_view text);

// Whether `value` is a reference to a variable rather than its content: `$env:NAME`, `$NAME`,
// `${NAME}`, `${env:NAME}` (PowerShell, POSIX shells) or `%NAME%` (cmd.exe), NAME being a
// letter or '_' then letters, digits and '_'. The closing '}' may be missing (a scanner may stop
// before it). Evidence keeps such text: it says where the key came from without revealing it.
bool isVariableReference(std::string_view value);

// Where the password starts in a URL's user information ("alice:pw" -> 3), or npos when it holds
// none. "api.openai.com:443\\" (a host and port ended by a backslash, as a browser reads it) holds
// none; "CORP\\alice:pw" does.
std::size_t userinfoSecretStart(std::string_view userinfo);

// Whether a URL parameter's name says that its value is a credential: key, api-key,
// subscription-key, Ocp-Apim-Subscription-Key, access_token, client_secret, password,
// X-Amz-Signature, X-Amz-Credential, sig (Azure SAS), code (OAuth), jwt, auth; compared without
// case, '-' or '_'.
bool isCredentialParameter(std::string_view name);
// The values of credential parameters in the query or fragment that starts at `from` (its '?'
// or '#') and ends at `end`, added to `spans` (values already "[REDACTED]" are not).
void credentialParameterSpans(std::string_view text, std::size_t from, std::size_t end,
                              std::vector<SecretSpan>& spans);

// Whether the value at `begin` of `text` is code that reads a key rather than holds it:
// os.environ['X'], os.getenv("X"), keyring.get_password(...) (a dotted name, or a function
// that reads a value, then '[' or '('), or a command substitution ($(...), `...`).
bool isCodeReference(std::string_view text, std::size_t begin);

// What the scanners above find, in one pass over `text`: sorted, overlaps merged.
std::vector<SecretSpan> findSecretSpans(std::string_view text);
// `text` with each of `spans` (sorted, apart) replaced by "[REDACTED]".
std::string redactSpans(std::string_view text, const std::vector<SecretSpan>& spans);
// Replaces every span findSecretSpans finds with "[REDACTED]".
std::string redactSecretShapes(std::string_view text);

}  // namespace aihunt::core
