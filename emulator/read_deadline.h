#pragma once
// Deadlines for blocking socket reads. Asio's blocking reads wait in poll(2) without a timeout,
// so SO_RCVTIMEO never fires and an idle keep-alive client (or one that connects and sends
// nothing) would hold its connection thread forever. A connection arms a deadline before it
// waits for a request and disarms it once the request is read; a watchdog thread shuts the
// socket down (which wakes the blocked read) when a deadline passes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace aihunt::emulator {

class ReadDeadlines {
 public:
  ReadDeadlines();
  ~ReadDeadlines();
  ReadDeadlines(const ReadDeadlines&) = delete;
  ReadDeadlines& operator=(const ReadDeadlines&) = delete;

  // After `timeout`, shutdown(fd) unless disarmed first. The fd must stay open until disarm().
  void arm(int fd, std::chrono::milliseconds timeout);
  // After this returns, the watchdog no longer touches `fd`.
  void disarm(int fd);
  // Connections shut down because a deadline passed.
  [[nodiscard]] std::uint64_t expired() const;

 private:
  void watch();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, std::chrono::steady_clock::time_point> deadlines_;
  std::uint64_t expired_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// Arms on construction, disarms when it goes out of scope.
class ArmedDeadline {
 public:
  ArmedDeadline(ReadDeadlines& deadlines, int fd, std::chrono::milliseconds timeout)
      : deadlines_(deadlines), fd_(fd) {
    deadlines_.arm(fd_, timeout);
  }
  ~ArmedDeadline() { deadlines_.disarm(fd_); }
  ArmedDeadline(const ArmedDeadline&) = delete;
  ArmedDeadline& operator=(const ArmedDeadline&) = delete;

 private:
  ReadDeadlines& deadlines_;
  int fd_;
};

}  // namespace aihunt::emulator
