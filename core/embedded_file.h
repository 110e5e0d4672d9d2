#pragma once
// A file compiled into the binary by cmake/EmbedFiles.cmake.
#include <string_view>

namespace aihunt::core {

struct EmbeddedFile {
  std::string_view name;
  std::string_view contents;
};

}  // namespace aihunt::core
