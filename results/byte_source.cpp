#include "results/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace aihunt::results {
namespace {

class FdByteSource final : public ByteSource {
 public:
  FdByteSource(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)) {}
  ~FdByteSource() override {
    if (owned_) ::close(fd_);
  }
  FdByteSource(const FdByteSource&) = delete;
  FdByteSource& operator=(const FdByteSource&) = delete;

  core::Result<std::size_t> read(std::span<char> buffer) override {
    while (true) {
      const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EINTR) continue;
      return core::makeError(core::ErrorCode::kIo,
                             "reading " + name_ + ": " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
  std::string name_;
};

constexpr int kWidePipeBytes = 1 << 20;

// A pipe holds 64 KiB by default, so a fast reader wakes up for every 64 KiB its writer
// produces. A larger pipe lets each read return up to the splitter's whole chunk. Best effort:
// the kernel may refuse (pipe-max-size), and then the pipe works as before.
void widenPipe(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode)) {
    (void)::fcntl(fd, F_SETPIPE_SZ, kWidePipeBytes);
  }
}

}  // namespace

core::Result<std::unique_ptr<ByteSource>> openInput(const std::string& path) {
  if (path == "-") {
    widenPipe(STDIN_FILENO);
    return std::unique_ptr<ByteSource>(new FdByteSource(STDIN_FILENO, false, "stdin"));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::makeError(core::ErrorCode::kIo,
                           "cannot open " + path + ": " + std::strerror(errno));
  }
  // A folder opens, and fails only at its first read ("Is a directory"), which reads like a
  // fault in a file rather than the wrong name.
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           path + " is a folder: give a file in it");
  }
  return std::unique_ptr<ByteSource>(new FdByteSource(fd, true, path));
}

core::Result<std::size_t> MemoryByteSource::read(std::span<char> buffer) {
  const std::size_t count = std::min(buffer.size(), bytes_.size());
  std::memcpy(buffer.data(), bytes_.data(), count);
  bytes_.remove_prefix(count);
  return count;
}

}  // namespace aihunt::results
