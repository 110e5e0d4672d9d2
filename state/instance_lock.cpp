#include "state/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace aihunt::state {

namespace {

// The pid the holder wrote into the lock file, as text ("" when it cannot be read).
std::string holderOf(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buffer[i] >= '0' && buffer[i] <= '9'; ++i) pid.push_back(buffer[i]);
  return pid;
}

// For a command the message suggests: in single quotes, any quote in the path closed and escaped.
std::string shellQuoted(const std::string& path) {
  std::string out = "'";
  for (const char c : path) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string realStatePath(const std::string& state_path) {
  std::string current = state_path;
  std::array<char, PATH_MAX> buffer{};
  // A link to a file not there yet is followed too, link by link (at most 40, as the kernel
  // does): SQLite follows it and creates the file where it points.
  for (int hops = 0; hops < 40; ++hops) {
    if (::realpath(current.c_str(), buffer.data()) != nullptr) return buffer.data();
    struct stat info {};
    if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) break;
    const ssize_t length = ::readlink(current.c_str(), buffer.data(), buffer.size() - 1);
    if (length <= 0) break;
    std::string target(buffer.data(), static_cast<std::size_t>(length));
    if (target.front() != '/') {
      const std::size_t slash = current.find_last_of('/');
      if (slash != std::string::npos) target = current.substr(0, slash + 1) + target;
    }
    current = std::move(target);
  }
  // No file yet: its folder's real path, and its own name.
  const std::size_t slash = current.find_last_of('/');
  const std::string folder = slash == std::string::npos ? std::string(".")
                             : slash == 0               ? std::string("/")
                                                        : current.substr(0, slash);
  const std::string name = slash == std::string::npos ? current : current.substr(slash + 1);
  if (::realpath(folder.c_str(), buffer.data()) != nullptr) {
    const std::string real_folder(buffer.data());
    return real_folder + (real_folder == "/" ? "" : "/") + name;
  }
  return current;
}

std::string lockPathOf(const std::string& state_path) {
  return realStatePath(state_path) + ".lock";
}

core::Result<InstanceLock> InstanceLock::acquire(const std::string& state_path,
                                                 std::string_view busy_advice) {
  const std::string path = lockPathOf(state_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  // No folder: there is no store to share either, and opening it says what is wrong better.
  if (fd < 0 && errno == ENOENT) return InstanceLock();
  if (fd < 0) {
    const int error = errno;
    // Most often a read-only folder (a volume mounted for another user): the store keeps its
    // lock, journal and WAL files beside the database, so the folder itself must be writable.
    std::string hint;
    struct stat lock_file {};
    if (error == EACCES && ::stat(path.c_str(), &lock_file) == 0 &&
        lock_file.st_uid != ::geteuid()) {
      hint = " (the lock file is there and belongs to another user (uid " +
             std::to_string(lock_file.st_uid) +
             "): an earlier run as that user, root perhaps, left it, and most likely the state "
             "file and its -wal and -shm beside it too; give them all to this user (uid " +
             std::to_string(::geteuid()) + "): chown " + std::to_string(::geteuid()) + ":" +
             std::to_string(::getegid()) + " " + shellQuoted(realStatePath(state_path)) + "*)";
    } else if (error == EACCES && ::access(path.c_str(), F_OK) == 0) {
      // aihunt's own, made read-only (a folder and its files set read-only by hand, a volume
      // mounted so): a resource trial saw this blamed on another user.
      hint =
          " (the lock file is aihunt's but not writable: the state file's folder and the files "
          "in it must be writable by aihunt; check their permissions)";
    } else if (error == EACCES || error == EROFS) {
      hint =
          " (the state file's folder must be writable by aihunt: check its owner and "
          "permissions)";
    }
    return core::makeError(core::ErrorCode::kState, "cannot open the state file's lock " + path +
                                                        ": " + std::strerror(error) + hint);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = error == EWOULDBLOCK ? holderOf(fd) : std::string();
    ::close(fd);
    if (error != EWOULDBLOCK) {
      return core::makeError(core::ErrorCode::kState,
                             "cannot lock " + path + ": " + std::strerror(error));
    }
    return core::makeError(
        core::ErrorCode::kBusy,
        "state file " + state_path + " is in use by another aihunt process" +
            (holder.empty() ? std::string() : " (pid " + holder + ")") + ": " +
            (busy_advice.empty()
                 ? std::string("one daemon, run or --deliver per state file (two would deliver "
                               "every finding twice); stop the other, or give this one its own "
                               "state.path")
                 : std::string(busy_advice)));
  }
  // Who holds it, for the message above; the lock itself is the flock, not this text.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    static_cast<void>(::pwrite(fd, pid.data(), pid.size(), 0));
  }
  return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace aihunt::state
