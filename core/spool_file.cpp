#include "core/spool_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aihunt::core {

core::Result<int> openSpoolFile(const std::string& dir, std::string_view what) {
  std::string path = (dir.empty() ? std::string("/tmp") : dir) + "/aihunt-spool-XXXXXX";
  // mkstemp: mode 0600, O_EXCL. O_TMPFILE would skip the name, but not every file system has it.
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    return core::makeError(core::ErrorCode::kIo, "cannot hold " + std::string(what) + " in " +
                                                     (dir.empty() ? "/tmp" : dir) + ": " +
                                                     std::strerror(errno) +
                                                     " (set TMPDIR to a writable folder)");
  }
  ::unlink(path.c_str());  // gone with the descriptor, whatever happens to the process
  return fd;
}

}  // namespace aihunt::core
