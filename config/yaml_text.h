#pragma once
// Config text made fit for libyaml. libyaml refuses, anywhere in a file, bytes that are not
// UTF-8 and control characters, and reads U+0085, U+2028 and U+2029 as line breaks; configs
// edited on Windows or pasted from web pages hold them, mostly in comments, and loaded before
// (yaml-cpp passed them on). Each such character becomes U+FFFD, so that a comment that holds one
// is read as it was, and the tree builder refuses any value or key that holds one, with its
// position (yaml_tree.cpp).
#include <cstddef>
#include <string>
#include <string_view>

namespace aihunt::config {

struct PreparedYaml {
  std::string text;
  std::size_t replaced = 0;      // characters replaced with U+FFFD
  std::size_t directives = 0;    // lines that start with '%' (YAML directives)
  std::size_t first_excess = 0;  // the line of the directive past `max_directives`, or 0
};

// `text` unchanged when it starts with a UTF-16 or UTF-32 byte order mark: libyaml reads those
// encodings itself (and refuses what they cannot hold).
PreparedYaml prepareYamlText(std::string_view text, std::size_t max_directives);

// "\xEF\xBF\xBD", U+FFFD in UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace aihunt::config
