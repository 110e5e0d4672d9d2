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
constexpr std::size_t kAwsKeyIdBody = 16;

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
constexpr std::array<CredentialPrefix, 15> kCredentialPrefixes = {{
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
    {"sk_test_", kMinKeyBody},
    {"rk_test_", kMinKeyBody},
    {"AKIA", kAwsKeyIdBody},  // an AWS access key id: exactly 16 upper-case letters and digits
    {"ASIA", kAwsKeyIdBody},
}};

// How the value after a label is found.
enum class LabelKind {
  kLiteral,       // the value follows the label ("SEC:", "Bearer ")
  kName,          // a credential's name, then '=' (or ':' when the name is quoted, as a JSON key)
  kHeader,        // a credential's or header's name, then ':' or '=' (YAML, JS, HTTP headers)
  kCookie,        // a cookie header: every cookie to the end of the header is the secret
  kOption,        // a command's option whose value, after a space or '=', is the secret
  kCookieOption,  // curl's --cookie: its whole value
  kUserOption,    // -u/--user/--auth: "user:password", the password is the secret
  kUrl,           // "://": a URL's password or token, and its credential parameters
};

struct SecretLabel {
  std::string_view text;
  LabelKind kind;
};

// Names match inside longer ones: "token" finds access_token and x-auth-token, "secret"
// client_secret, "password" http-password, "access_key" aws_secret_access_key, "accesskey"
// SharedAccessKey, "apikey" apiKey.
constexpr std::array<SecretLabel, 33> kSecretLabels = {{
    {"sec:", LabelKind::kLiteral},
    {"bearer ", LabelKind::kLiteral},
    {"basic ", LabelKind::kLiteral},
    {"authorization", LabelKind::kHeader},
    {"api-key", LabelKind::kHeader},
    {"api_key", LabelKind::kHeader},
    {"apikey", LabelKind::kHeader},
    {"subscription-key", LabelKind::kHeader},
    {"auth-token", LabelKind::kHeader},
    {"private-token", LabelKind::kHeader},
    {"password", LabelKind::kHeader},
    {"passwd", LabelKind::kHeader},
    {"secret", LabelKind::kHeader},
    {"access_key", LabelKind::kHeader},
    {"access-key", LabelKind::kHeader},
    {"accesskey", LabelKind::kHeader},
    {"accountkey", LabelKind::kHeader},
    {"secret_key", LabelKind::kHeader},
    {"secret-key", LabelKind::kHeader},
    {"private_key", LabelKind::kHeader},
    {"private-key", LabelKind::kHeader},
    {"credential", LabelKind::kHeader},
    {"token", LabelKind::kName},
    {"signature", LabelKind::kName},
    {"cookie", LabelKind::kCookie},
    {"--cookie", LabelKind::kCookieOption},
    {"-password", LabelKind::kOption},  // --password, --http-password, --proxy-password
    {"convertto-securestring", LabelKind::kOption},
    {"-u ", LabelKind::kUserOption},
    {"-a ", LabelKind::kUserOption},    // httpie
    {"-user", LabelKind::kUserOption},  // --user, --proxy-user
    {"-auth", LabelKind::kUserOption},  // httpie's --auth (not --auth-type: a space or '=' after)
    {"://", LabelKind::kUrl},
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
         text[end] != '\r' && text[end] != '}' && text[end] != ')' && text[end] != '`' &&
         !isEscapedQuoteAt(text, end))
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
  if (begin >= text.size()) return false;
  // Command substitution: TOKEN=$(vault kv get ...), TOKEN=`cat key.txt`.
  if (text[begin] == '`' || text.substr(begin, 2) == "$(") return true;
  if (!core::isNameStart(text[begin])) return false;
  std::size_t at = begin;
  bool dotted = false;
  while (at < text.size() && (core::isWordChar(text[at]) || text[at] == '.')) {
    dotted = dotted || text[at] == '.';
    ++at;
  }
  if (at >= text.size() || (text[at] != '[' && text[at] != '(')) return false;
  // os.environ[...], keyring.get_password(...): a dotted name. An undotted one only when it is
  // a function that reads a value; "Summer(2024)!" is a password.
  static constexpr std::array<std::string_view, 7> kReaders = {
      "getenv", "getpass", "input", "env", "environ", "ENV", "read_secret"};
  const std::string_view name = text.substr(begin, at - begin);
  const bool no_arguments = text.substr(at, 2) == "()";  // get_key()
  return dotted || no_arguments ||
         std::find(kReaders.begin(), kReaders.end(), name) != kReaders.end();
}

bool isCredentialParameter(std::string_view name) {
  // The name's last 16 letters folded, read from its end: no allocation per parameter.
  std::array<char, 16> tail{};
  std::size_t folded = 0;  // letters in the whole folded name
  for (auto it = name.rbegin(); it != name.rend(); ++it) {
    if (*it == '-' || *it == '_') continue;
    if (folded < tail.size()) tail[tail.size() - 1 - folded] = core::asciiLower(*it);
    ++folded;
  }
  const std::size_t kept = std::min(folded, tail.size());
  const std::string_view end(tail.data() + tail.size() - kept, kept);
  static constexpr std::array<std::string_view, 8> kEndings = {
      "key", "token", "secret", "password", "passwd", "signature", "credential", "credentials"};
  static constexpr std::array<std::string_view, 7> kWhole = {"sig", "code", "auth",   "jwt",
                                                             "pwd", "pass", "session"};
  const auto endsWith = [&](std::string_view ending) {
    return end.size() >= ending.size() && end.substr(end.size() - ending.size()) == ending;
  };
  return std::any_of(kEndings.begin(), kEndings.end(), endsWith) ||
         (folded <= tail.size() && std::find(kWhole.begin(), kWhole.end(), end) != kWhole.end());
}

void credentialParameterSpans(std::string_view text, std::size_t from, std::size_t end,
                              std::vector<SecretSpan>& spans) {
  constexpr std::string_view kRedacted = "[REDACTED]";
  std::size_t at = from + 1;
  while (at < end) {
    std::size_t stop = at;
    while (stop < end && text[stop] != '&' && text[stop] != '#' && text[stop] != ';') ++stop;
    const std::string_view parameter = text.substr(at, stop - at);
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && equals + 1 < parameter.size() &&
        parameter.substr(equals + 1) != kRedacted &&
        isCredentialParameter(parameter.substr(0, equals))) {
      spans.push_back({at + equals + 1, stop});
    }
    at = stop + 1;
  }
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
    if (min_body == kAwsKeyIdBody) {
      // Exactly: "ASIA_PACIFIC_DATACENTER" is a region's name, not a key id.
      while (end < text.size() &&
             (core::isAsciiDigit(text[end]) || (text[end] >= 'A' && text[end] <= 'Z'))) {
        ++end;
      }
      const bool whole = end == text.size() || !isKeyChar(text[end]);
      return end - at - prefix.size() == kAwsKeyIdBody && whole ? end : 0;
    }
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

// Spaces, then opening quotes (escaped ones too: token=\"value\"), come before a value. Sets
// `quote` to the quote that opened it ('\0' when none did). Spaces after a quote are the value's
// (password=" correct horse"). An empty quoted value ("", '') is no value: npos.
std::size_t skipOpening(std::string_view text, std::size_t from, char& quote) {
  quote = '\0';
  while (from < text.size() && (text[from] == ' ' || text[from] == '\t')) ++from;
  while (from < text.size()) {
    if (isEscapedQuoteAt(text, from)) {
      ++from;
      continue;
    }
    if (text[from] != '"' && text[from] != '\'') break;
    quote = text[from];
    ++from;
    if (from < text.size() && text[from] == quote) return std::string_view::npos;
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

// The quote that opens the argument a name stands at the start of ("password=abc def" in quotes,
// set "OPENAI_API_KEY=..."), or '\0'. Its value runs to that quote's closing one.
char argumentQuote(std::string_view text, std::size_t at) {
  std::size_t start = at;
  while (start > 0 && (isKeyChar(text[start - 1]) || text[start - 1] == '.')) --start;
  if (start == 0) return '\0';
  const char before = text[start - 1];
  // An escaped quote (\"Authorization: ...\") is a quote inside a quoted argument, whose
  // values the escaped quotes around them bound as before.
  if (start >= 2 && text[start - 2] == '\\') return '\0';
  return before == '"' || before == '\'' ? before : '\0';
}

// With the argument's quote around it: to the quote that closes it, or to a ';', '&' or line end
// before it (bash -c "export KEY=abc; python x.py" keeps what follows the assignment).
std::size_t argumentValueEnd(std::string_view text, std::size_t begin, char outer) {
  std::size_t end = begin;
  while (end < text.size() && text[end] != outer && text[end] != ';' && text[end] != '&' &&
         text[end] != '\n' && text[end] != '\r') {
    ++end;
  }
  return end > begin && text[end - 1] == '\\' && end < text.size() && text[end] == outer ? end - 1
                                                                                         : end;
}

// For a name label at `at`: where its separator's value starts, or npos when the name is not
// assigned here ("max_tokens=10" has "token" followed by 's'). A name quoted as a key
// ('api-key'='x', "password": "x", $h.Add("api-key", "x")) may close its quote (or an index,
// headers['api-key']) first; `quoted_name` says it did.
std::size_t afterSeparator(std::string_view text, std::size_t at, std::size_t length,
                           bool colon_unquoted, bool& quoted_name) {
  std::size_t from = at + length;
  quoted_name = false;
  while (from < text.size() && (text[from] == '"' || text[from] == '\'' || text[from] == ']' ||
                                isEscapedQuoteAt(text, from))) {
    quoted_name = true;
    ++from;
  }
  while (from < text.size() && (text[from] == ' ' || text[from] == '\t')) ++from;
  if (from >= text.size()) return std::string_view::npos;
  const char separator = text[from];
  if (separator == '=' || (separator == ':' && (colon_unquoted || quoted_name)) ||
      (separator == ',' && quoted_name)) {
    return from + 1;
  }
  return std::string_view::npos;
}

// A value worth hiding: long enough, and not a name or code that says where the secret comes
// from. Inside single quotes nothing is expanded ('$uperS3cret' is the password itself).
bool isSecretValue(std::string_view text, std::size_t begin, std::size_t end, char quote) {
  if (end <= begin || end - begin < kMinLabelledSecret) return false;
  if (quote == '\'') return true;
  return !isVariableReference(text.substr(begin, end - begin)) && !isCodeReference(text, begin);
}

// "user:password" at [begin, end): the password, or the user when the password is empty and the
// user is key-long (curl -u sk_test_...: as Stripe and Mailgun take a key). A Windows path
// (C:\x, python -u C:\tools\chat.py) and uid:gid (docker -u 1000:1000) hold none.
void userPasswordSpan(std::string_view text, std::size_t begin, std::size_t end,
                      std::vector<SecretSpan>& spans) {
  const std::string_view word = text.substr(begin, end - begin);
  const std::size_t colon = word.find(':');
  if (colon == std::string_view::npos) return;
  if (colon + 1 == word.size()) {
    if (colon >= kMinKeyBody) spans.push_back({begin, begin + colon});
    return;
  }
  if (word[colon + 1] == '\\' || word[colon + 1] == '/') return;
  const auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), core::isAsciiDigit);
  };
  if (digits(word.substr(0, colon)) && digits(word.substr(colon + 1))) return;
  spans.push_back({begin + colon + 1, end});
}

// scheme://user:password@host/path?key=...#access_token=...: the password (or a token given as
// the user), and the credential parameters of the query and fragment. Returns where it ends.
std::size_t urlSpans(std::string_view text, std::size_t begin, std::vector<SecretSpan>& spans) {
  const auto ends = [&](std::size_t at) {
    const char c = text[at];
    return c == ' ' || c == '"' || c == '\'' || c == '\n' || c == '\r' || c == '\t' || c == '<' ||
           c == '>' || isEscapedQuoteAt(text, at);
  };
  std::size_t host_end = begin;
  while (host_end < text.size() && text[host_end] != '/' && text[host_end] != '?' &&
         text[host_end] != '#' && !ends(host_end)) {
    ++host_end;
  }
  const std::size_t last_at = text.substr(begin, host_end - begin).rfind('@');
  if (last_at != std::string_view::npos) {
    const std::string_view userinfo = text.substr(begin, last_at);
    const std::size_t secret = userinfoSecretStart(userinfo);
    if (secret != std::string_view::npos) {
      spans.push_back({begin + secret, begin + last_at});
    } else if (userinfo.size() >= kMinKeyBody &&
               std::all_of(userinfo.begin(), userinfo.end(), isKeyChar)) {
      spans.push_back({begin, begin + last_at});  // https://<token>@github.com/...
    }
  }
  std::size_t end = host_end;
  while (end < text.size() && !ends(end)) ++end;
  const std::size_t query = text.substr(host_end, end - host_end).find_first_of("?#");
  if (query != std::string_view::npos) credentialParameterSpans(text, host_end + query, end, spans);
  return end;
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
  resume[index] = value_at;
  char outer = '\0';  // the quote around the whole argument, when the name opens it
  switch (label.kind) {
    case LabelKind::kLiteral:
      break;
    case LabelKind::kName:
    case LabelKind::kHeader:
    case LabelKind::kCookie: {
      // "token" alone takes ':' as a header's name only ("X-Vault-Token:", "access_token:"):
      // "the token: refused" in a message holds none.
      const bool colon =
          label.kind != LabelKind::kName ||
          (label.text == "token" && at > 0 && (text[at - 1] == '-' || text[at - 1] == '_'));
      bool quoted_name = false;
      value_at = afterSeparator(text, at, label.text.size(), colon, quoted_name);
      if (value_at == std::string_view::npos) return;
      if (!quoted_name) outer = argumentQuote(text, at);
      break;
    }
    case LabelKind::kOption:
    case LabelKind::kCookieOption:
      if (value_at >= text.size() || (text[value_at] != ' ' && text[value_at] != '=')) return;
      ++value_at;
      break;
    case LabelKind::kUserOption: {
      // "-u user:pw" and "-a user:pw" after a space or at the start; "--user=user:pw",
      // "--proxy-user user:pw", "--auth user:pw".
      const bool short_option = label.text.back() == ' ';
      if (short_option && at > 0 && text[at - 1] != ' ' && text[at - 1] != '\t') return;
      if (!short_option) {
        if (value_at >= text.size() || (text[value_at] != ' ' && text[value_at] != '=')) return;
        ++value_at;
      }
      char quote = '\0';
      const std::size_t begin = skipOpening(text, value_at, quote);
      if (begin == std::string_view::npos) return;
      const std::size_t end = quotedValueEnd(text, begin, quote);
      userPasswordSpan(text, begin, end, spans);
      resume[index] = end;
      return;
    }
    case LabelKind::kUrl:
      resume[index] = urlSpans(text, value_at, spans);
      return;
  }
  std::size_t begin = 0;
  std::size_t end = 0;
  char quote = '\0';
  if (outer != '\0') {
    // The argument's own quotes bound the value: "token=" "https://..." is an empty token, and
    // "password=abc def" hides all of it.
    while (value_at < text.size() && (text[value_at] == ' ' || text[value_at] == '\t')) {
      ++value_at;
    }
    if (value_at >= text.size() || text[value_at] == outer) return;
    begin = value_at;
    quote = outer;
    // A cookie list runs on past its ';' separators, to the argument's end.
    end = label.kind == LabelKind::kCookie ? quotedValueEnd(text, begin, outer)
                                           : argumentValueEnd(text, begin, outer);
  } else {
    begin = skipOpening(text, value_at, quote);
    if (begin == std::string_view::npos) return;
    end = quotedValueEnd(text, begin, quote);
  }
  if (label.kind == LabelKind::kCookie && quote == '\0') {
    // "Cookie: a=1; session=2": every cookie, to the end of the header: a space ends it unless
    // it follows the ';' between two cookies (-H Cookie:x=1 https://... keeps its URL).
    end = begin;
    while (end < text.size() && text[end] != '"' && text[end] != '\'' && text[end] != '\n' &&
           text[end] != '\r' && !isEscapedQuoteAt(text, end) &&
           (text[end] != ' ' || (end > begin && text[end - 1] == ';'))) {
      ++end;
    }
  }
  if (label.kind == LabelKind::kCookieOption) {
    // --cookie "a=1; b=2": the whole list. A file name in its place (cookies.txt) holds no '='
    // and is no secret.
    if (end > begin && text.substr(begin, end - begin).find('=') != std::string_view::npos) {
      spans.push_back({begin, end});
    }
    resume[index] = std::max(end, resume[index]);
    return;
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
      if (second != std::string_view::npos) {
        const std::size_t second_end = quotedValueEnd(text, second, second_quote);
        if (second_end > second) {
          if (isKnownScheme(text.substr(begin, end - begin))) begin = second;
          end = second_end;
        }
      }
    }
  }
  // Credentials are long; a short word after "Bearer " is an expression, not a secret, and
  // so is a variable's name ("Bearer $env:OPENAI_API_KEY" says where the key comes from) or
  // code that reads one (api_key=os.environ['OPENAI_API_KEY']).
  if (isSecretValue(text, begin, end, quote)) spans.push_back({begin, end});
  resume[index] = std::max(end, resume[index]);
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
