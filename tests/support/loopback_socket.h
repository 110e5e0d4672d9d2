#pragma once
// Loopback sockets for tests that play the other end of a connection (a console, a syslog
// receiver): a listener on 127.0.0.1 at a port the kernel picks, and a port nothing listens on.
#include <cstdint>

namespace aihunt::testing {

// A TCP socket listening on 127.0.0.1 at port 0's pick; closed with the object.
class ListeningSocket {
 public:
  // `receive_buffer` > 0 sets SO_RCVBUF (accepted connections inherit it).
  explicit ListeningSocket(int backlog = 8, int receive_buffer = 0);
  ~ListeningSocket();
  ListeningSocket(const ListeningSocket&) = delete;
  ListeningSocket& operator=(const ListeningSocket&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  // The next connection (blocking), or -1.
  [[nodiscard]] int accept() const;

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A loopback port nothing listens on: bound, then released, so connecting is refused.
std::uint16_t closedLoopbackPort();

}  // namespace aihunt::testing
