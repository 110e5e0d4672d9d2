#pragma once
// Config text made fit for libyaml. libyaml refuses, anywhere in a file, bytes that are not
// UTF-8 and control characters, and reads U+0085, U+2028 and U+2029 as line breaks; configs
// edited on Windows or pasted from web pages hold them, mostly in comments, and loaded before
// (yaml-cpp passed them on). Each such character becomes U+FFFD and is remembered with its
// position, so that a comment that holds one is read as it was, and the tree builder refuses a
// value or key that holds one, at that character (yaml_tree.cpp). UTF-16 text (with its byte
// order mark) is turned into UTF-8 first, so that it gets the same treatment.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace aihunt::config {

struct ReplacedCharacter {
  std::size_t index = 0;  // in characters from the start, as libyaml's marks count them
  YamlMark mark;
};

struct PreparedYaml {
  std::string text;                         // UTF-8, without a byte order mark
  std::vector<ReplacedCharacter> replaced;  // in text order
  // The line of the first YAML directive (a line that starts with '%' before a document's
  // content) past `max_directives`, or 0.
  int excess_directive_line = 0;
};

PreparedYaml prepareYamlText(std::string_view text, std::size_t max_directives);

// "\xEF\xBF\xBD", U+FFFD in UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace aihunt::config
