#pragma once
// Syslog receivers: TCP and TLS (RFC 6587 framing, one thread per connection) and UDP (one
// datagram, one message). Each frame goes to the handler with the peer's address. A TCP or TLS
// connection that sends nothing (TLS handshake included) for `idle_timeout` is closed, and the
// connection caps keep idle or hostile peers from taking every slot.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"
#include "emulator/connection_registry.h"

namespace aihunt::emulator {

using FrameHandler = std::function<void(std::string_view frame, const std::string& peer)>;

struct SyslogListenerOptions {
  std::string address = "127.0.0.1";
  int tcp_port = -1;  // -1: off, 0: any free port
  int tls_port = -1;
  int udp_port = -1;
  std::shared_ptr<boost::asio::ssl::context> tls;  // needed when tls_port >= 0
  ConnectionLimits limits{256, 64};
  std::chrono::milliseconds idle_timeout{60'000};
};

class SyslogListener {
 public:
  static core::Result<std::unique_ptr<SyslogListener>> start(SyslogListenerOptions options,
                                                             FrameHandler handler);
  ~SyslogListener();
  SyslogListener(const SyslogListener&) = delete;
  SyslogListener& operator=(const SyslogListener&) = delete;

  // 0 when that listener is off.
  [[nodiscard]] std::uint16_t tcpPort() const;
  [[nodiscard]] std::uint16_t tlsPort() const;
  [[nodiscard]] std::uint16_t udpPort() const;
  // TCP and TLS together.
  [[nodiscard]] const ConnectionCounters& connectionCounters() const;
  [[nodiscard]] std::uint64_t idleClosed() const;
  void stop();

  struct Impl;

 private:
  explicit SyslogListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::emulator
