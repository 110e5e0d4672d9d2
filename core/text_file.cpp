#include "core/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aihunt::core {

core::Result<std::string> readTextFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  const auto why = [](int err) {
    return err != 0 ? std::string(": ") + std::strerror(err) : std::string();
  };
  if (!in) return core::makeError(core::ErrorCode::kIo, "cannot open " + path + why(errno));
  std::ostringstream text;
  errno = 0;
  text << in.rdbuf();
  // A directory opens but cannot be read (EISDIR); an empty file copies nothing, which also
  // marks the copy failed, but leaves errno alone.
  if (in.bad() || (text.fail() && errno != 0)) {
    return core::makeError(core::ErrorCode::kIo, "cannot read " + path + why(errno));
  }
  return text.str();
}

}  // namespace aihunt::core
