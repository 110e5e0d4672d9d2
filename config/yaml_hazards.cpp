#include "config/yaml_hazards.h"

namespace aihunt::config {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<YamlMark> findYamlCppHazard(std::string_view text) {
  int line = 1, column = 0;
  int depth = 0;   // [ and { nesting outside quotes and comments
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
          if (depth == 0) before = Before::kNode;
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
    if (c == '[' || c == '{') {
      ++depth;
      continue;
    }
    if (c == ']' || c == '}') {
      if (depth > 0 && --depth == 0) before = Before::kNode;
      continue;
    }
    if (depth > 0) continue;
    if (c == ',' && before != Before::kText) return YamlMark{line, column};
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
