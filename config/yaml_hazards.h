#pragma once
// Inputs that hang yaml-cpp 0.7 (Debian 12's): a ',' where its scanner expects a new node in
// block context ("-- , a", "'q', a", "[a]\n, b", a line starting with ','), which it loops on
// forever. Found by fuzz/config_fuzz. We refuse them before yaml-cpp sees the text.
#include <optional>
#include <string_view>

#include "config/config_error.h"

namespace aihunt::config {

// Where the first hazardous ',' is, if any. Conservative: a plain scalar continued on a line
// that starts with ',' is refused too (quote such a value).
std::optional<YamlMark> findYamlCppHazard(std::string_view text);

}  // namespace aihunt::config
