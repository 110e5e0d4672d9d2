#include "detection/evidence.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/char_class.h"
#include "core/secret_scan.h"
#include "core/text.h"
#include "core/utf8_excerpt.h"

namespace aihunt::detection {
namespace {

bool isWholeWord(std::string_view text, std::size_t at, std::size_t length) {
  const std::size_t end = at + length;
  return (at == 0 || !core::isWordChar(text[at - 1])) &&
         (end == text.size() || !core::isWordChar(text[end]));
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
  return at == 4 || !core::isWordChar(text[at - 5]);
}

// Where the value assigned to the variable named at [name_at, name_at + length) starts, or npos
// when the text names it without assigning it. The name may first close a quote or an index,
// and the separator may be '=', ':' or ',' (a function's next argument), or only a space after
// setx. `quote` is set to the quote that opens the value ('\0' when none does).
std::size_t assignedValueStart(std::string_view text, std::size_t name_at, std::size_t length,
                               char& quote) {
  quote = '\0';
  std::size_t at = name_at + length;
  while (at < text.size() && (text[at] == '"' || text[at] == '\'' || text[at] == ']' ||
                              core::isEscapedQuoteAt(text, at))) {
    ++at;
  }
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  if (at < text.size() && (text[at] == '=' || text[at] == ':' || text[at] == ',')) {
    ++at;
  } else if (!afterSetx(text, name_at) || at == name_at + length) {
    return std::string::npos;
  }
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '"' ||
                              text[at] == '\'' || core::isEscapedQuoteAt(text, at))) {
    if (text[at] == '"' || text[at] == '\'') quote = text[at];
    if (text[at] == ' ' || text[at] == '\t') quote = '\0';
    ++at;
  }
  return at;
}

// Where a value that starts at `at` ends: at the quote that opened it closing (a quoted key may
// hold spaces), on the same line; otherwise at the first space or separator.
std::size_t assignedValueEnd(std::string_view text, std::size_t at, char quote) {
  if (quote != '\0') {
    for (std::size_t end = at; end < text.size() && text[end] != '\n' && text[end] != '\r'; ++end) {
      if (text[end] == quote) return end > at && text[end - 1] == '\\' ? end - 1 : end;
    }
  }
  std::size_t end = at;
  while (end < text.size() && !isValueEnd(text[end]) && !core::isEscapedQuoteAt(text, end)) ++end;
  return end;
}

}  // namespace

EvidenceRedactor::EvidenceRedactor(const CommandLineIndicators& indicators)
    : key_variables_(indicators.key_variables) {}

std::string EvidenceRedactor::redact(std::string_view text, std::size_t max_bytes,
                                     bool names_key_variable) const {
  std::string out = core::redactSecretShapes(text);
  if (!names_key_variable) return core::utf8Excerpt(out, max_bytes);
  // OPENAI_API_KEY = "value", $env:OPENAI_API_KEY='value', export OPENAI_API_KEY=value,
  // os.environ['OPENAI_API_KEY']='value', SetEnvironmentVariable("OPENAI_API_KEY","value"),
  // {"OPENAI_API_KEY": "value"}, setx OPENAI_API_KEY value
  std::vector<std::pair<std::size_t, std::size_t>> values;
  std::size_t next_free = 0;  // a variable named inside a value already redacted is part of it
  key_variables_.forEachMatch(out, [&](std::size_t index, std::size_t from) {
    const std::size_t length = key_variables_.pattern(index).size();
    if (from < next_free || !isWholeWord(out, from, length)) return true;
    char quote = '\0';
    const std::size_t at = assignedValueStart(out, from, length, quote);
    if (at == std::string::npos) return true;
    constexpr std::string_view kRedacted = "[REDACTED]";
    std::size_t end = at;
    if (out.compare(at, kRedacted.size(), kRedacted) == 0) {
      end = at + kRedacted.size();  // hidden already, by the secret scanner
    } else {
      end = assignedValueEnd(out, at, quote);
      // OPENAI_API_KEY=$env:VAULT_KEY copies another variable, and
      // OPENAI_API_KEY=os.environ["VAULT_KEY"] reads one: names, not secrets.
      const std::string_view value = std::string_view(out).substr(at, end - at);
      if (end > at && !core::isVariableReference(value) && !core::isCodeReference(out, at)) {
        values.emplace_back(at, end);
      }
    }
    next_free = std::max(next_free, end);
    return true;
  });
  if (!values.empty()) {
    // In one pass (a replace per value from the end moved the tail each time: quadratic in a
    // crafted line of many assignments, a review).
    std::vector<core::SecretSpan> spans;
    spans.reserve(values.size());
    for (const auto& [begin, end] : values) spans.push_back({begin, end});
    out = core::redactSpans(out, spans);
  }
  // Kept as written (newlines, tabs, quotes, non-ASCII): each output escapes it for its own
  // reader (JSON exactly, the terminal and CSV through core/display_text.h, LEEF its encoder).
  return core::utf8Excerpt(out, max_bytes);
}

}  // namespace aihunt::detection
