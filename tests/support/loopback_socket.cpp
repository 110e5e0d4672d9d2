#include "tests/support/loopback_socket.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aihunt::testing {
namespace {

// Binds a new TCP socket to 127.0.0.1:0 and returns it with the port the kernel chose.
int bindLoopback(std::uint16_t& port, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

ListeningSocket::ListeningSocket(int backlog, int receive_buffer) {
  fd_ = bindLoopback(port_, receive_buffer);
  REQUIRE(::listen(fd_, backlog) == 0);
}

ListeningSocket::~ListeningSocket() { ::close(fd_); }

int ListeningSocket::accept() const { return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC); }

std::uint16_t closedLoopbackPort() {
  std::uint16_t port = 0;
  ::close(bindLoopback(port, 0));
  return port;
}

}  // namespace aihunt::testing
