#include "emulator/read_deadline.h"

#include <sys/socket.h>

namespace aihunt::emulator {

ReadDeadlines::ReadDeadlines() : thread_([this] { watch(); }) {}

ReadDeadlines::~ReadDeadlines() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadDeadlines::arm(int fd, std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    deadlines_[fd] = std::chrono::steady_clock::now() + timeout;
  }
  wake_.notify_all();
}

void ReadDeadlines::disarm(int fd) {
  std::lock_guard lock(mutex_);
  deadlines_.erase(fd);
}

std::uint64_t ReadDeadlines::expired() const {
  std::lock_guard lock(mutex_);
  return expired_;
}

void ReadDeadlines::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto earliest = std::chrono::steady_clock::time_point::max();
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      if (it->second <= now) {
        // Under the lock: disarm() cannot return (and the fd cannot be closed) meanwhile.
        ::shutdown(it->first, SHUT_RDWR);
        ++expired_;
        it = deadlines_.erase(it);
      } else {
        earliest = std::min(earliest, it->second);
        ++it;
      }
    }
    if (earliest == std::chrono::steady_clock::time_point::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, earliest);
    }
  }
}

}  // namespace aihunt::emulator
