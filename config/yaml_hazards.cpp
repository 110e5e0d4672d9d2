#include "config/yaml_hazards.h"

#include <vector>

namespace aihunt::config {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t'; }

// Whether a '|' or '>' at `at` starts a block scalar header: only indentation/chomping
// indicators, then spaces and perhaps a comment, up to the end of the line. yaml-cpp also takes a
// '#' right after the indicators for a comment (YAML wants a space first): so does this, or
// ">#[" would open a bracket here that yaml-cpp never sees (found by fuzz/config_fuzz).
bool isBlockScalarHeader(std::string_view text, std::size_t at) {
  std::size_t i = at + 1;
  while (i < text.size() &&
         (text[i] == '+' || text[i] == '-' || (text[i] >= '1' && text[i] <= '9'))) {
    ++i;
  }
  if (i < text.size() && text[i] == '#') return true;
  if (i < text.size() && !isSpace(text[i]) && text[i] != '\n') return false;
  while (i < text.size() && isSpace(text[i])) ++i;
  return i == text.size() || text[i] == '\n' || text[i] == '#';
}

std::size_t indentationAt(std::string_view text, std::size_t line_start) {
  std::size_t n = 0;
  while (line_start + n < text.size() && text[line_start + n] == ' ') ++n;
  return n;
}

const char* const kCommaMessage =
    "',' outside a [...] or {...} list where YAML expects a value (quote the value if the comma "
    "belongs to it)";

}  // namespace

std::optional<YamlHazard> findYamlCppHazard(std::string_view text, const YamlScanLimits& limits) {
  int line = 1, column = 0;
  std::size_t line_start = 0;
  // Entries so far in each open [ or { (outside quotes and comments); its size is the depth.
  std::vector<std::size_t> flow;
  char quote = 0;  // the open quote, if inside a quoted scalar
  bool comment = false;
  // What the text before the cursor on this line ends with, at depth 0: nothing yet (only
  // indentation), a finished node (closed quote or flow collection, an anchor/tag/alias, a
  // document marker), or plain text.
  enum class Before { kNothing, kNode, kText } before = Before::kNothing;
  bool in_property = false;  // inside an &anchor, !tag or *alias word
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      line_start = i + 1;
      comment = false;
      in_property = false;
      if (quote == 0) before = Before::kNothing;
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
        ++column;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' inside single quotes
          ++column;
        } else {
          quote = 0;
          if (flow.empty()) before = Before::kNode;
        }
      }
      continue;
    }
    const bool token_start = i == 0 || isSpace(text[i - 1]) || text[i - 1] == '\n' ||
                             text[i - 1] == '[' || text[i - 1] == '{' || text[i - 1] == ',' ||
                             text[i - 1] == ':';
    if (isSpace(c)) {
      in_property = false;
      continue;
    }
    if (c == '#' && token_start) {
      comment = true;
      continue;
    }
    if ((c == '"' || c == '\'') && token_start) {
      quote = c;
      continue;
    }
    // At depth 0 a bracket after plain text on its line belongs to that plain scalar ("w [" is
    // text to yaml-cpp, so a ',' starting a later line is still at depth 0: found by
    // fuzz/config_fuzz); after "key: ", "- " or "? " a node starts and a bracket opens a list.
    if ((c == '[' || c == '{') && (!flow.empty() || before != Before::kText)) {
      if (flow.size() >= limits.max_flow_depth) {
        return YamlHazard{{line, column},
                          "[...] or {...} nested deeper than " +
                              std::to_string(limits.max_flow_depth) + " levels"};
      }
      flow.push_back(0);
      continue;
    }
    if (c == ']' || c == '}') {
      if (!flow.empty()) {
        flow.pop_back();
        if (flow.empty()) before = Before::kNode;
      }
      continue;
    }
    if (!flow.empty()) {
      // A ',' that starts a line inside what this scanner takes for a [...] list: where it and
      // yaml-cpp disagree on the depth (a bracket on a multi-line plain scalar's next line is
      // text to yaml-cpp, and a comment line ends the scalar), yaml-cpp spins on it, allocating
      // without end (found by fuzz/config_fuzz). A leading comma in a multi-line list is valid
      // YAML, but no config needs it.
      if (c == ',' && i == line_start + indentationAt(text, line_start)) {
        return YamlHazard{{line, column},
                          "a line starts with ',' (end the line before with the comma, or quote "
                          "the value if the comma belongs to it)"};
      }
      if (c == ',' && ++flow.back() >= limits.max_flow_entries) {
        return YamlHazard{{line, column},
                          "a [...] or {...} list with more than " +
                              std::to_string(limits.max_flow_entries) + " entries"};
      }
      continue;
    }
    if (c == ',' && before != Before::kText) return YamlHazard{{line, column}, kCommaMessage};
    if (token_start && (c == '|' || c == '>') && isBlockScalarHeader(text, i)) {
      // A block scalar: its lines (blank, or indented deeper than the line that opened it) are
      // text, whatever brackets, quotes or commas they hold.
      const std::size_t parent = indentationAt(text, line_start);
      std::size_t next = text.find('\n', i);
      while (next != std::string_view::npos) {
        const std::size_t start = next + 1;
        const std::size_t indent = indentationAt(text, start);
        const bool blank = start + indent >= text.size() || text[start + indent] == '\n';
        if (!blank && indent <= parent) break;
        ++line;
        line_start = start;
        next = text.find('\n', start);
      }
      if (next == std::string_view::npos) return std::nullopt;
      i = next - 1;  // the loop's next step reads the '\n' that ends the block scalar
      column = static_cast<int>(i - line_start) + 1;
      continue;
    }
    const bool separated = i + 1 == text.size() || isSpace(text[i + 1]) || text[i + 1] == '\n';
    if (c == ':' && separated) {
      before = Before::kNothing;  // a mapping's value starts after "key: "
      continue;
    }
    if (token_start && (c == '-' || c == '?') && separated) {
      before = Before::kNothing;  // a sequence entry's or complex key's node starts
      continue;
    }
    if (token_start && (c == '&' || c == '!' || c == '*')) {
      in_property = true;
      before = Before::kNode;
      continue;
    }
    if (in_property) continue;
    if (token_start && c == '-' && text.substr(i, 3) == "---" &&
        (i + 3 == text.size() || isSpace(text[i + 3]) || text[i + 3] == '\n')) {
      before = Before::kNode;
      i += 2;
      column += 2;
      continue;
    }
    before = Before::kText;
  }
  return std::nullopt;
}

}  // namespace aihunt::config
