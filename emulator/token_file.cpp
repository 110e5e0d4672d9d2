#include "emulator/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace aihunt::emulator {
namespace {

constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

core::Error fileError(const std::string& path, const std::string& why) {
  return core::makeError(core::ErrorCode::kConfig, "token file " + path + ": " + why);
}

// Closes the descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

core::Result<std::vector<std::string>> readTokenFile(const std::string& path) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return fileError(path, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return fileError(path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return fileError(path, "not a regular file");
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fileError(path, "group or others may access it (chmod 600)");
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxTokenFileBytes) {
    return fileError(path, "larger than 64 KiB");
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fileError(path, std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxTokenFileBytes) return fileError(path, "larger than 64 KiB");
  }
  std::vector<std::string> tokens;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = core::trim(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (line.empty()) continue;
    // A token travels in a header: no spaces or control characters (and none echoed here).
    for (const char c : line) {
      if (c < '!' || c > '~') return fileError(path, "a token holds a space or control character");
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) return fileError(path, "holds no token");
  return tokens;
}

}  // namespace aihunt::emulator
