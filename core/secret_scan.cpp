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

constexpr std::array<std::string_view, 9> kSecretLabels = {
    "sec:",     "authorization:", "bearer ",  "basic ",     "token=",
    "api_key=", "apikey=",        "api-key:", "x-api-key:",
};

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

bool containsApiKeyToken(std::string_view text) { return !findApiKeyTokens(text).empty(); }

namespace {

// The labelled secret whose label `index` (of kSecretLabels) starts at `at`, if it names one;
// `resume` is where each label may match again: after the value it labelled, as a scan per label
// would.
void labelledSecretAt(std::string_view text, std::size_t index, std::size_t at,
                      std::array<std::size_t, kSecretLabels.size()>& resume,
                      std::vector<SecretSpan>& spans) {
  if (at < resume[index]) return;
  const std::string_view label = kSecretLabels[index];
  // Spaces and opening quotes, escaped ones too (token=\"value\"), come before the value.
  const auto skipOpening = [&](std::size_t from) {
    while (from < text.size() && (text[from] == ' ' || text[from] == '"' || text[from] == '\'' ||
                                  isEscapedQuoteAt(text, from))) {
      ++from;
    }
    return from;
  };
  std::size_t begin = skipOpening(at + label.size());
  std::size_t end = valueEnd(text, begin);
  // "Authorization: Token x", "Authorization: Api-Key x": a known scheme word stays readable
  // and the word after it is the secret. An unknown first word may be the secret itself, so
  // with a word after it both go.
  if (label == "authorization:" && end < text.size() && text[end] == ' ') {
    const std::size_t second = skipOpening(end);
    const std::size_t second_end = valueEnd(text, second);
    if (second_end > second) {
      if (isKnownScheme(text.substr(begin, end - begin))) begin = second;
      end = second_end;
    }
  }
  // Credentials are long; a short word after "Bearer " is an expression, not a secret, and
  // so is a variable's name ("Bearer $env:OPENAI_API_KEY" says where the key comes from).
  const std::string_view value = text.substr(begin, end - begin);
  if (end - begin >= kMinLabelledSecret && !isVariableReference(value)) {
    spans.push_back({begin, end});
  }
  resume[index] = end;
}

}  // namespace

std::vector<SecretSpan> findLabelledSecrets(std::string_view text) {
  static const AsciiPatternSet labels(
      std::vector<std::string>(kSecretLabels.begin(), kSecretLabels.end()));
  std::array<std::size_t, kSecretLabels.size()> resume{};
  std::vector<SecretSpan> spans;
  labels.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    labelledSecretAt(text, index, at, resume, spans);
    return true;
  });
  return spans;
}

std::vector<SecretSpan> findSecretSpans(std::string_view text) {
  // Prefixes first, then labels: one pass over the text for both scanners. The set matches any
  // case; apiKeyTokenEndAt then holds a prefix to its vendor's case.
  static const AsciiPatternSet shapes = [] {
    std::vector<std::string> patterns(kKeyPrefixes.begin(), kKeyPrefixes.end());
    patterns.insert(patterns.end(), kSecretLabels.begin(), kSecretLabels.end());
    return AsciiPatternSet(patterns);
  }();
  std::array<std::size_t, kSecretLabels.size()> resume{};
  std::vector<SecretSpan> spans;
  std::size_t key_resume = 0;  // a key's body is not searched for another key
  std::size_t key_tried = std::string_view::npos;
  shapes.forEachMatch(text, [&](std::size_t index, std::size_t at) {
    if (index >= kKeyPrefixes.size()) {
      labelledSecretAt(text, index - kKeyPrefixes.size(), at, resume, spans);
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
