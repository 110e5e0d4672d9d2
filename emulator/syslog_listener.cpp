#include "emulator/syslog_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <thread>
#include <vector>

#include "emulator/read_deadline.h"
#include "emulator/socket_util.h"
#include "emulator/syslog_parser.h"

namespace aihunt::emulator {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

struct SyslogListener::Impl {
  SyslogListenerOptions options;
  FrameHandler handler;
  net::io_context io;
  tcp::acceptor tcp_acceptor{io};
  tcp::acceptor tls_acceptor{io};
  udp::socket udp_socket{io};
  std::uint16_t tcp_port = 0;
  std::uint16_t tls_port = 0;
  std::uint16_t udp_port = 0;
  std::vector<std::thread> threads;
  ConnectionRegistry connections;
  ReadDeadlines deadlines;
  std::atomic<bool> stopping{false};

  template <typename Stream>
  void readFrames(Stream& stream, int fd, const std::string& peer) {
    SyslogFramer framer;
    std::vector<std::string> frames;
    char buffer[16384];
    for (;;) {
      boost::system::error_code ec;
      std::size_t n = 0;
      {
        // Blocking reads never time out by themselves (SO_RCVTIMEO does not reach Asio's
        // poll): the watchdog shuts an idle connection down.
        const ArmedDeadline deadline(deadlines, fd, options.idle_timeout);
        n = stream.read_some(net::buffer(buffer), ec);
      }
      if (n > 0) {
        framer.feed(std::string_view(buffer, n), frames);
        for (const std::string& frame : frames) handler(frame, peer);
        frames.clear();
      }
      if (ec || stopping.load()) break;
    }
    framer.finish(frames);
    for (const std::string& frame : frames) handler(frame, peer);
  }

  void serve(tcp::socket socket, bool use_tls, std::size_t id) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    const std::string peer = ec ? std::string("unknown") : endpoint.address().to_string();
    const int fd = socket.native_handle();
    if (use_tls) {
      net::ssl::stream<tcp::socket> stream(std::move(socket), *options.tls);
      {
        const ArmedDeadline deadline(deadlines, fd, options.idle_timeout);
        stream.handshake(net::ssl::stream_base::server, ec);
      }
      if (!ec) readFrames(stream, fd, peer);
      connections.release(id);
      stream.next_layer().close(ec);
    } else {
      readFrames(socket, fd, peer);
      connections.release(id);
      socket.close(ec);
    }
  }

  void acceptLoop(tcp::acceptor& acceptor, bool use_tls) {
    while (!stopping.load()) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (stopping.load()) return;
      if (ec) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      const int fd = socket.native_handle();
      const auto peer = socket.remote_endpoint(ec);
      const std::string address = ec ? std::string() : peer.address().to_string();
      auto shared = std::make_shared<tcp::socket>(std::move(socket));
      const LaunchOutcome outcome = connections.launch(
          fd, address,
          [this, shared, use_tls](std::size_t id) { serve(std::move(*shared), use_tls, id); });
      // Over a cap: closed before any byte is read. The sender sees the connection end and
      // can retry; an event it already wrote into this socket is lost, as on a full console.
      if (outcome != LaunchOutcome::kStarted) shared->close(ec);
    }
  }

  void udpLoop() {
    setSocketTimeouts(udp_socket.native_handle(), 1);
    std::vector<char> buffer(kMaxSyslogFrame);
    // Plain recvfrom(2): Asio's blocking receive would poll(2) without a timeout after
    // SO_RCVTIMEO fires, and stop() could never end this loop.
    while (!stopping.load()) {
      sockaddr_storage from{};
      socklen_t from_size = sizeof from;
      const ssize_t n = ::recvfrom(udp_socket.native_handle(), buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &from_size);
      if (n <= 0) continue;
      char host[INET6_ADDRSTRLEN] = {};
      if (from.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&from)->sin_addr, host, sizeof host);
      } else if (from.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&from)->sin6_addr, host, sizeof host);
      }
      handler(std::string_view(buffer.data(), static_cast<std::size_t>(n)), host);
    }
  }

  core::Status listen(tcp::acceptor& acceptor, int port, std::uint16_t& bound) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec) return core::makeError(core::ErrorCode::kInvalidArgument, "invalid syslog address");
    const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return core::makeError(
          core::ErrorCode::kTransport,
          "syslog: cannot listen on port " + std::to_string(port) + ": " + ec.message());
    }
    bound = acceptor.local_endpoint(ec).port();
    return {};
  }
};

core::Result<std::unique_ptr<SyslogListener>> SyslogListener::start(SyslogListenerOptions options,
                                                                    FrameHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  impl->connections.setLimits(impl->options.limits);
  Impl* raw = impl.get();
  if (raw->options.tcp_port >= 0) {
    auto status = raw->listen(raw->tcp_acceptor, raw->options.tcp_port, raw->tcp_port);
    if (!status.ok()) return status.error();
  }
  if (raw->options.tls_port >= 0) {
    if (!raw->options.tls)
      return core::makeError(core::ErrorCode::kTls, "syslog TLS needs a certificate");
    auto status = raw->listen(raw->tls_acceptor, raw->options.tls_port, raw->tls_port);
    if (!status.ok()) return status.error();
  }
  if (raw->options.udp_port >= 0) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(raw->options.address, ec);
    const udp::endpoint endpoint(address, static_cast<std::uint16_t>(raw->options.udp_port));
    if (!ec) raw->udp_socket.open(endpoint.protocol(), ec);
    if (!ec) raw->udp_socket.bind(endpoint, ec);
    if (ec) {
      return core::makeError(core::ErrorCode::kTransport,
                             "syslog: cannot bind UDP port " +
                                 std::to_string(raw->options.udp_port) + ": " + ec.message());
    }
    raw->udp_port = raw->udp_socket.local_endpoint(ec).port();
  }
  if (raw->options.tcp_port >= 0) {
    raw->threads.emplace_back([raw] { raw->acceptLoop(raw->tcp_acceptor, false); });
  }
  if (raw->options.tls_port >= 0) {
    raw->threads.emplace_back([raw] { raw->acceptLoop(raw->tls_acceptor, true); });
  }
  if (raw->options.udp_port >= 0) raw->threads.emplace_back([raw] { raw->udpLoop(); });
  return std::unique_ptr<SyslogListener>(new SyslogListener(std::move(impl)));
}

SyslogListener::SyslogListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyslogListener::~SyslogListener() { stop(); }

std::uint16_t SyslogListener::tcpPort() const { return impl_->tcp_port; }
std::uint16_t SyslogListener::tlsPort() const { return impl_->tls_port; }
std::uint16_t SyslogListener::udpPort() const { return impl_->udp_port; }
const ConnectionCounters& SyslogListener::connectionCounters() const {
  return impl_->connections.counters();
}
std::uint64_t SyslogListener::idleClosed() const { return impl_->deadlines.expired(); }

void SyslogListener::stop() {
  if (impl_->stopping.exchange(true)) return;
  if (impl_->tcp_acceptor.is_open()) ::shutdown(impl_->tcp_acceptor.native_handle(), SHUT_RDWR);
  if (impl_->tls_acceptor.is_open()) ::shutdown(impl_->tls_acceptor.native_handle(), SHUT_RDWR);
  for (std::thread& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  impl_->connections.stopAll();
}

}  // namespace aihunt::emulator
