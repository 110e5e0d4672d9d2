#pragma once
// Raw loopback TCP connections for the emulator tests that need what libcurl will not do: hold
// a connection open and silent, connect from a chosen loopback source address (127.0.0.2 is a
// different peer to the emulator than 127.0.0.1), watch for the peer closing.
#include <chrono>
#include <string>

namespace aihunt::testing {

// A TCP connection to 127.0.0.1:`port`, from `source` (an IPv4 loopback address) when given;
// -1 on failure.
int connectTcp(int port, const char* source = nullptr);

// Reads until the peer closes the connection or `limit` passes; true if it closed.
bool closedByPeerWithin(int fd, std::chrono::milliseconds limit, std::string* received = nullptr);

// Closes the descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd();
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ScopedFd& operator=(ScopedFd&& other) noexcept;
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace aihunt::testing
