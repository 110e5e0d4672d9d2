#include "core/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace aihunt::core {
namespace {

core::Error ioError(const char* what, const std::string& path, int err) {
  return core::makeError(core::ErrorCode::kIo,
                         std::string(what) + " " + path + ": " + std::strerror(err));
}

}  // namespace

core::Result<std::string> readTextFile(const std::string& path) {
  // read(2) rather than a stream: a stream turns a failed read part way into a short text that
  // looks whole, and hides errno.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ioError("cannot open", path, errno);
  std::string text;
  std::array<char, 64 * 1024> buffer{};
  while (true) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;  // a directory: EISDIR
      ::close(fd);
      return ioError("cannot read", path, err);
    }
    if (got == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fd);
  return text;
}

}  // namespace aihunt::core
