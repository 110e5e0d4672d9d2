#include "core/secret_scan.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <span>

#include "core/ascii_pattern_set.h"
#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::core {
namespace {

constexpr std::size_t kMinKeyBody = 20;
constexpr std::size_t kMinLabelledSecret = 6;

// Vendor key prefixes, longest first so "sk-ant-" wins over "sk-".
constexpr std::array<std::string_view, 10> kKeyPrefixes = {
    "sk-proj-", "sk-ant-", "sk-or-", "pplx-", "xai-", "gsk_", "AIza", "hf_", "r8_", "sk-",
};

// Other credentials that evidence and logs must not carry, though they say nothing of AI use
// (not signals, so not in kKeyPrefixes): code hosts', chat and payment tokens, AWS key ids.
struct CredentialPrefix {
  std::string_view prefix;
  std::size_t min_body;
};
constexpr std::array<CredentialPrefix, 13> kCredentialPrefixes = {{
    {"github_pat_", kMinKeyBody},
    {"ghp_", kMinKeyBody},
    {"gho_", kMinKeyBody},
    {"ghu_", kMinKeyBody},
    {"ghs_", kMinKeyBody},
    {"ghr_", kMinKeyBody},
    {"glpat-", kMinKeyBody},
    {"xoxb-", kMinKeyBody},
    {"xoxp-", kMinKeyBody},
    {"sk_live_", kMinKeyBody},
    {"rk_live_", kMinKeyBody},
    {"AKIA", 16},  // an AWS access key id: 16 characters
    {"ASIA", 16},
}};

// How the value after a label is found.
enum class LabelKind {
  kLiteral,     // the value follows the label ("SEC:", "Bearer ")
  kName,        // a credential's name, then '=' (or ':' when the name is quoted, as a JSON key)
  kHeader,      // a header's name, then ':' or '='
  kCookie,      // a cookie header: everything to the end of the header is the secret
  kUserOption,  // curl's -u/--user: "user:password", the password is the secret
  kUrl,         // "://": a URL whose user information holds a password
};

struct SecretLabel {
  std::string_view text;
  LabelKind kind;
};

// Names match inside longer ones: "token" finds access_token and x-auth-token, "secret"
// client_secret, "password" http-password, "access_key" aws_secret_access_key.
constexpr std::array<SecretLabel, 25> kSecretLabels = {{
    {"sec:", LabelKind::kLiteral},      {"bearer ", LabelKind::kLiteral},
    {"basic ", LabelKind::kLiteral},    {"authorization", LabelKind::kHeader},
    {"api-key", LabelKind::kHeader},    {"subscription-key", LabelKind::kHeader},
    {"auth-token", LabelKind::kHeader}, {"cookie", LabelKind::kCookie},
    {"token", LabelKind::kName},        {"api_key", LabelKind::kName},
    {"apikey", LabelKind::kName},       {"password", LabelKind::kName},
    {"passwd", LabelKind::kName},       {"secret", LabelKind::kName},
    {"access_key", LabelKind::kName},   {"access-key", LabelKind::kName},
    {"secret_key", LabelKind::kName},   {"secret-key", LabelKind::kName},
    {"private_key", LabelKind::kName},  {"private-key", LabelKind::kName},
    {"-u ", LabelKind::kUserOption},    {"-user", LabelKind::kUserOption},  // --user, --proxy-user
    {"://", LabelKind::kUrl},           {"credential", LabelKind::kName},
    {"signature", LabelKind::kName},
}};

std::vector<std::string> labelTexts() {
  std::vector<std::string> texts;
  for (const SecretLabel& label : kSecretLabels) texts.emplace_back(label.text);
  return texts;
}

bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Where a labelled value ends: at a space, a quote or a separator of the text around it. A quote
// escaped with a backslash (\" in a Windows command line, "Bearer $env:KEY\"") ends it too,
// backslash and all: the backslash belongs to the quote, not to the value.
std::size_t valueEnd(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\'' &&
         text[end] != ',' && text[end] != '&' && text[end] != ';' && text[end] != '\n' &&
         text[end] != '\r' && text[end] != '}' && !isEscapedQuoteAt(text, end))
    ++end;
  return end;
}

// HTTP authorization schemes in use (IANA's registry plus common vendor ones).
bool isKnownScheme(std::string_view word) {
  static constexpr std::array<std::string_view, 16> kSchemes = {
      "bearer", "basic", "token",  "api-key", "apikey", "key",  "digest", "negotiate",
      "ntlm",   "ssws",  "splunk", "dpop",    "gnap",   "hoba", "mutual", "vapid"};
  for (const std::string_view scheme : kSchemes) {
    if (iequals(word, scheme)) return true;
  }
  return false;
}

void mergeSpans(std::vector<SecretSpan>& spans) {
  std::sort(spans.begin(), spans.end(),
            [](const SecretSpan& a, const SecretSpan& b) { return a.begin < b.begin; });
  std::vector<SecretSpan> merged;
  for (const auto& span : spans) {
    if (!merged.empty() && span.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  spans.swap(merged);
}

// NAME: a letter or '_', then letters, digits and '_'.
bool isVariableName(std::string_view name) {
  if (name.empty() || !core::isNameStart(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return core::isNameStart(c) || core::isAsciiAlnum(c); });
}

}  // namespace

bool isVariableReference(std::string_view value) {
  if (value.size() >= 3 && value.front() == '%' && value.back() == '%') {
    return isVariableName(value.substr(1, value.size() - 2));
  }
  if (value.empty() || value.front() != '$') return false;
  value.remove_prefix(1);
  const bool braced = !value.empty() && value.front() == '{';
  if (braced) {
    value.remove_prefix(1);
    if (!value.empty() && value.back() == '}') value.remove_suffix(1);
  }
  if (value.size() > 4 && iequals(value.substr(0, 4), "env:")) value.remove_prefix(4);
  return isVariableName(value);
}

bool isCodeReference(std::string_view text, std::size_t begin) {
  if (begin >= text.size() || !core::isNameStart(text[begin])) return false;
  std::size_t at = begin;
  while (at < text.size() && (core::isWordChar(text[at]) || text[at] == '.')) ++at;
  return at < text.size() && (text[at] == '[' || text[at] == '(');
}

std::size_t userinfoSecretStart(std::string_view userinfo) {
  const std::size_t colon = userinfo.find(':');
  const std::size_t backslash = userinfo.find('\\');
  std::size_t secret = colon;
  if (backslash != std::string_view::npos) {
    // A browser ends the host at the backslash (WHATWG URL): "api.openai.com:443\\@evil" names
    // api.openai.com and its port, no password; "CORP\\alice:pw" and "alice:p\\w" hold one.
    const bool port = colon != std::string_view::npos && colon < backslash &&
                      colon + 1 < backslash &&
                      std::all_of(userinfo.begin() + static_cast<std::ptrdiff_t>(colon + 1),
                                  userinfo.begin() + static_cast<std::ptrdiff_t>(backslash),
                                  [](char c) { return c >= '0' && c <= '9'; });
    if (port) secret = userinfo.find(':', backslash);
  }
  if (secret == std::string_view::npos || secret + 1 >= userinfo.size()) {
    return std::string_view::npos;
  }
  return secret + 1;
}

std::span<const std::string_view> apiKeyPrefixes() { return kKeyPrefixes; }

std::size_t apiKeyTokenEndAt(std::string_view text, std::size_t at) {
  if (at > 0 && core::isAsciiAlnum(text[at - 1])) return 0;
  for (const std::string_view prefix : kKeyPrefixes) {
    // Vendors print prefixes in one case; "AIza" is case-sensitive, the rest are lower case.
    // The first prefix present decides (longest first): "sk-ant-" with a body too short is no
    // key, and is not read again as "sk-" with "ant-..." for a body.
    if (text.substr(at, prefix.size()) != prefix) continue;
    std::size_t end = at + prefix.size();
    while (end < text.size() && isKeyChar(text[end])) ++end;
    return end - at - prefix.size() >= kMinKeyBody ? end : 0;
  }
  return 0;
}

std::vector<SecretSpan> findApiKeyTokens(std::string_view text) {
  // The first two bytes of every prefix: most positions of a command line are settled by one
  // look-up, since letters that start a prefix are common and the pairs are not.
  static const std::bitset<65536> kPrefixStarts = [] {
    std::bitset<65536> starts;
    for (const std::string_view prefix : kKeyPrefixes) {
      starts.set(std::size_t{static_cast<unsigned char>(prefix[0])} << 8U |
                 static_cast<unsigned char>(prefix[1]));
    }
    return starts;
  }();
  std::vector<SecretSpan> spans;
  std::size_t i = 0;
  while (i + 1 < text.size()) {
    if (kPrefixStarts[std::size_t{static_cast<unsigned char>(text[i])} << 8U |
                      static_cast<unsigned char>(text[i + 1])]) {
      if (const std::size_t end = apiKeyTokenEndAt(text, i); end != 0) {
        spans.push_back({i, end});
        i = end;
        continue;
      }
    }
    ++i;
  }
  return spans;
}

std::size_t credentialTokenEndAt(std::string_view text, std::size_t at) {
  if (at > 0 && core::isAsciiAlnum(text[at - 1])) return 0;
  for (const auto& [prefix, min_body] : kCredentialPrefixes) {
    if (text.substr(at, prefix.size()) != prefix) continue;
    std::size_t end = at + prefix.size();
    while (end < text.size() && isKeyChar(text[end])) ++end;
    return end - at - prefix.size() >= min_body ? end : 0;
  }
  return 0;
}

std::vector<SecretSpan> findCredentialTokens(std::string_view text) {
  std::vector<SecretSpan> spans;
  std::size_t i = 0;
  while (i < text.size()) {
    if (const std::size_t end = credentialTokenEndAt(text, i); end != 0) {
      spans.push_back({i, end});
      i = end;
    } else {
      ++i;
    }
  }
  return spans;
}

bool containsApiKeyToken(std::string_view text) { return !findApiKeyTokens(text).empty(); }

namespace {

// Spaces and opening quotes, escaped ones too (token=\"value\"), come before a value. Sets
// `quote` to the quote that opened it ('\0' when none did).
std::size_t skipOpening(std::string_view text, std::size_t from, char& quote) {
  quote = '\0';
  while (from < text.size()) {
    if (text[from] == ' ' || text[from] == '\t') {
      quote = '\0';
    } else if (text[from] == '"' || text[from] == '\'') {
      quote = text[from];
    } else if (!isEscapedQuoteAt(text, from)) {
      break;
    }
    ++from;
  }
  return from;
}

// Where a value that starts at `begin` ends. After an opening quote it runs to the quote that
// closes it (a password may hold spaces: 'correct horse battery'), as long as that is on the
// same line; otherwise, and without a quote, to the first space or separator (valueEnd).
std::size_t quotedValueEnd(std::string_view text, std::size_t begin, char quote) {
  if (quote != '\0') {
    for (std::size_t at = begin; at < text.size() && text[at] != '\n' && text[at] != '\r'; ++at) {
      if (text[at] == quote) return at > begin && text[at - 1] == '\\' ? at - 1 : at;
    }
  }
  return valueEnd(text, begin);
}

// For a name label at `at`: where its separator's value starts, or npos when the name is not
// assigned here ("max_tokens=10" has "token" followed by 's'). A name quoted as a key
// ('api-key'='x', "password": "x") may close its quote (or an index, headers['api-key']) first.
std::size_t afterSeparator(std::string_view text, std::size_t at, std::size_t length,
                           bool colon_unquoted) {
  std::size_t from = at + length;
  bool quoted_name = false;
  while (from < text.size() && (text[from] == '"' || text[from] == '\'' || text[from] == ']' ||
                                isEscapedQuoteAt(text, from))) {
    quoted_name = true;
    ++from;
  }
  while (from < text.size() && (text[from] == ' ' || text[from] == '\t')) ++from;
  if (from >= text.size()) return std::string_view::npos;
  if (text[from] == '=' || (text[from] == ':' && (colon_unquoted || quoted_name))) return from + 1;
  return std::string_view::npos;
}

// The labelled secret whose label `index` (of kSecretLabels) starts at `at`, if it names one;
// `resume` is where each label may match again: after the value it labelled, as a scan per label
// would.
void labelledSecretAt(std::string_view text, std::size_t index, std::size_t at,
                      std::array<std::size_t, kSecretLabels.size()>& resume,
                      std::vector<SecretSpan>& spans) {
  if (at < resume[index]) return;
  const SecretLabel& label = kSecretLabels[index];
  std::size_t value_at = at + label.text.size();
  switch (label.kind) {
    case LabelKind::kLiteral:
      break;
    case LabelKind::kName:
    case LabelKind::kHeader:
    case LabelKind::kCookie:
      value_at = afterSeparator(text, at, label.text.size(), label.kind != LabelKind::kName);
      if (value_at == std::string_view::npos) return;
      break;
    case LabelKind::kUserOption: {
      // "-u user:pw" after a space or at the start; "--user=user:pw", "--proxy-user user:pw".
      if (label.text == "-u " && at > 0 && text[at - 1] != ' ' && text[at - 1] != '\t') return;
      if (label.text != "-u ") {
        if (value_at >= text.size() || (text[value_at] != ' ' && text[value_at] != '=')) return;
        ++value_at;
      }
      char quote = '\0';
      const std::size_t begin = skipOpening(text, value_at, quote);
      const std::size_t end = quotedValueEnd(text, begin, quote);
      const std::size_t colon = text.substr(begin, end - begin).find(':');
      if (colon != std::string_view::npos && begin + colon + 1 < end) {
        spans.push_back({begin + colon + 1, end});
      }
      resume[index] = end;
      return;
    }
    case LabelKind::kUrl: {
      // scheme://user:password@host: what follows the first ':' of the user information, up to
      // its last '@' (a password may hold '@'), which ends before the path, query or a space.
      const std::size_t begin = value_at;
      std::size_t host_end = begin;
      while (host_end < text.size() && text[host_end] != '/' && text[host_end] != '?' &&
             text[host_end] != '#' && text[host_end] != ' ' && text[host_end] != '"' &&
             text[host_end] != '\'' && text[host_end] != '\n' && text[host_end] != '\r' &&
             !isEscapedQuoteAt(text, host_end)) {
        ++host_end;
      }
      const std::size_t last_at = text.substr(begin, host_end - begin).rfind('@');
      if (last_at == std::string_view::npos) return;
      const std::size_t secret = userinfoSecretStart(text.substr(begin, last_at));
      if (secret != std::string_view::npos) spans.push_back({begin + secret, begin + last_at});
      resume[index] = begin + last_at;
      return;
    }
  }
  char quote = '\0';
  std::size_t begin = skipOpening(text, value_at, quote);
  std::size_t end = quotedValueEnd(text, begin, quote);
  if (label.kind == LabelKind::kCookie && quote == '\0') {
    // "Cookie: a=1; session=2": every cookie, to the end of the header (a quote ends the
    // argument that holds it).
    end = begin;
    while (end < text.size() && text[end] != '"' && text[end] != '\'' && text[end] != '\n' &&
           text[end] != '\r' && !isEscapedQuoteAt(text, end)) {
      ++end;
    }
  }
  // "Authorization: Token x", "Authorization: Api-Key x": a known scheme word stays readable
  // and the word after it is the secret. An unknown first word may be the secret itself, so
  // with a word after it both go.
  if (label.text == "authorization") {
    const std::size_t word_end = valueEnd(text, begin);
    if (word_end < end && text[word_end] == ' ') {
      // Quoted: "Bearer abc" runs to the closing quote.
      if (isKnownScheme(text.substr(begin, word_end - begin))) begin = word_end + 1;
    } else if (end < text.size() && text[end] == ' ') {
      char second_quote = '\0';
      const std::size_t second = skipOpening(text, end, second_quote);
      const std::size_t second_end = quotedValueEnd(text, second, second_quote);
      if (second_end > second) {
        if (isKnownScheme(text.substr(begin, end - begin))) begin = second;
        end = second_end;
      }
    }
  }
  // Credentials are long; a short word after "Bearer " is an expression, not a secret, and
  // so is a variable's name ("Bearer $env:OPENAI_API_KEY" says where the key comes from) or
  // code that reads one (api_key=os.environ['OPENAI_API_KEY']).
  const std::string_view value = text.substr(begin, end - begin);
  if (end - begin >= kMinLabelledSecret && !isVariableReference(value) &&
      !isCodeReference(text, begin)) {
    spans.push_back({begin, end});
  }
  resume[index] = std::max(end, at + label.text.size());
}

}  // namespace

std::vector<SecretSpan> findLabelledSecrets(std::string_view text) {
  static const AsciiPatternSet labels(labelTexts());
  std::array<std::size_t, kSecretLabels.size()> resume{};
  std::vector<SecretSpan> spans;
  labels.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    labelledSecretAt(text, index, at, resume, spans);
    return true;
  });
  mergeSpans(spans);
  return spans;
}

std::vector<SecretSpan> findSecretSpans(std::string_view text) {
  // Prefixes first, then labels: one pass over the text for every scanner. The set matches any
  // case; apiKeyTokenEndAt and credentialTokenEndAt then hold a prefix to its vendor's case.
  static const AsciiPatternSet shapes = [] {
    std::vector<std::string> patterns(kKeyPrefixes.begin(), kKeyPrefixes.end());
    for (const auto& credential : kCredentialPrefixes) {
      patterns.emplace_back(credential.prefix);
    }
    const std::vector<std::string> labels = labelTexts();
    patterns.insert(patterns.end(), labels.begin(), labels.end());
    return AsciiPatternSet(patterns);
  }();
  constexpr std::size_t kFirstCredential = kKeyPrefixes.size();
  constexpr std::size_t kFirstLabel = kFirstCredential + kCredentialPrefixes.size();
  std::array<std::size_t, kSecretLabels.size()> resume{};
  std::vector<SecretSpan> spans;
  std::size_t key_resume = 0;  // a key's body is not searched for another key
  std::size_t key_tried = std::string_view::npos;
  std::size_t credential_resume = 0;
  std::size_t credential_tried = std::string_view::npos;
  shapes.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    if (index >= kFirstLabel) {
      labelledSecretAt(text, index - kFirstLabel, at, resume, spans);
    } else if (index >= kFirstCredential) {
      if (at >= credential_resume && at != credential_tried) {
        credential_tried = at;
        if (const std::size_t end = credentialTokenEndAt(text, at); end != 0) {
          spans.push_back({at, end});
          credential_resume = end;
        }
      }
    } else if (at >= key_resume && at != key_tried) {
      key_tried = at;  // apiKeyTokenEndAt tries every prefix at `at` itself
      if (const std::size_t end = apiKeyTokenEndAt(text, at); end != 0) {
        spans.push_back({at, end});
        key_resume = end;
      }
    }
    return true;
  });
  mergeSpans(spans);
  return spans;
}

std::string redactSpans(std::string_view text, const std::vector<SecretSpan>& spans) {
  std::string out;
  out.reserve(text.size());
  std::size_t cursor = 0;
  for (const auto& span : spans) {
    out.append(text.substr(cursor, span.begin - cursor));
    out.append("[REDACTED]");
    cursor = span.end;
  }
  out.append(text.substr(cursor));
  return out;
}

std::string redactSecretShapes(std::string_view text) {
  const std::vector<SecretSpan> spans = findSecretSpans(text);
  if (spans.empty()) return std::string(text);
  return redactSpans(text, spans);
}

}  // namespace aihunt::core
