#include "emulator/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "core/text.h"
#include "emulator/qradar_error.h"
#include "emulator/read_deadline.h"
#include "emulator/request_parsing.h"
#include "emulator/socket_util.h"

namespace aihunt::emulator {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  HttpServerOptions options;
  RequestHandler handler;
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread accept_thread;
  ConnectionRegistry connections;
  ReadDeadlines deadlines;
  std::atomic<bool> stopping{false};

  void acceptLoop();
  void serve(tcp::socket socket, std::size_t id);
  template <typename Stream>
  void serveRequests(Stream& stream, tcp::socket& socket, const std::string& remote);
};

namespace {

HttpRequest toRequest(http::request<http::string_body>&& message, const std::string& remote) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote = remote;
  return request;
}

std::string rawResponseHead(const HttpResponse& response, std::size_t content_length) {
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + reasonPhrase(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\nConnection: close\r\n\r\n";
  return head;
}

}  // namespace

template <typename Stream>
void HttpServer::Impl::serveRequests(Stream& stream, tcp::socket& socket,
                                     const std::string& remote) {
  beast::flat_buffer buffer;
  while (!stopping.load()) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(64 * 1024);
    beast::error_code ec;
    std::optional<ArmedDeadline> deadline;
    deadline.emplace(deadlines, socket.native_handle(), options.idle_timeout);
    http::read_header(stream, buffer, parser, ec);
    if (ec && ec != http::error::body_limit) return;  // closed, timed out or not HTTP
    // curl and other clients wait (curl: 1 s) for "100 Continue" before sending larger bodies.
    const beast::string_view expect = parser.get()[http::field::expect];
    if (!ec && core::iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::write(stream, net::buffer(kContinue.data(), kContinue.size()), ec);
      if (ec) return;
    }
    if (!ec && !parser.is_done()) http::read(stream, buffer, parser, ec);
    deadline.reset();  // the handler may hold the request (Prefer: wait) as long as it likes
    if (ec == http::error::body_limit) {
      HttpResponse too_big = errorResponse(ApiError{
          413, kCodeInvalidParameter, "Request body too large", "", nlohmann::json::object()});
      const std::string raw = rawResponseHead(too_big, too_big.body.size()) + too_big.body;
      net::write(stream, net::buffer(raw), ec);
      return;
    }
    if (ec) return;
    const bool keep_alive = parser.get().keep_alive();
    const unsigned version = parser.get().version();
    HttpResponse response;
    try {
      response = handler(toRequest(parser.release(), remote));
    } catch (const std::exception& e) {
      response =
          errorResponse(ApiError{500, kCodeServerError, std::string("internal error: ") + e.what(),
                                 "", nlohmann::json::object()});
    }
    if (response.delivery == Delivery::kReset) {
      setAbortiveClose(socket.native_handle());
      return;
    }
    if (response.delivery == Delivery::kTruncate) {
      const std::string raw = rawResponseHead(response, response.body.size()) +
                              response.body.substr(0, response.body.size() / 2);
      net::write(stream, net::buffer(raw), ec);
      return;
    }
    http::response<http::string_body> out{static_cast<http::status>(response.status), version};
    out.set(http::field::server, "qradar-emu");
    for (const auto& [name, value] : response.headers) out.set(name, value);
    out.body() = std::move(response.body);
    out.keep_alive(keep_alive && !stopping.load());
    out.prepare_payload();
    http::write(stream, out, ec);
    if (ec || !out.keep_alive()) return;
  }
}

void HttpServer::Impl::serve(tcp::socket socket, std::size_t id) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  const std::string remote = ec ? std::string() : endpoint.address().to_string();
  // Responses go out as a header write and a body write; with Nagle's algorithm the second
  // waits for the client's delayed ACK (about 40 ms on Linux) on many responses.
  socket.set_option(tcp::no_delay(true), ec);
  if (options.tls) {
    net::ssl::stream<tcp::socket> stream(std::move(socket), *options.tls);
    {
      const ArmedDeadline deadline(deadlines, stream.next_layer().native_handle(),
                                   options.idle_timeout);
      stream.handshake(net::ssl::stream_base::server, ec);
    }
    if (!ec) serveRequests(stream, stream.next_layer(), remote);
    connections.release(id);
    stream.next_layer().shutdown(tcp::socket::shutdown_both, ec);
    stream.next_layer().close(ec);
  } else {
    serveRequests(socket, socket, remote);
    connections.release(id);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }
}

void HttpServer::Impl::acceptLoop() {
  while (!stopping.load()) {
    tcp::socket socket(io);
    beast::error_code ec;
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
        fd, address, [this, shared](std::size_t id) { serve(std::move(*shared), id); });
    // Over a cap: closed at once, before any byte is read, so it costs no thread.
    if (outcome != LaunchOutcome::kStarted) shared->close(ec);
  }
}

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options,
                                                            RequestHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  impl->connections.setLimits(impl->options.limits);
  beast::error_code ec;
  const auto address = net::ip::make_address(impl->options.address, ec);
  if (ec) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "invalid listen address '" + impl->options.address + "'");
  }
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::makeError(core::ErrorCode::kTransport,
                           "cannot listen on " + impl->options.address + ":" +
                               std::to_string(impl->options.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint(ec).port();
  Impl* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->acceptLoop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

const ConnectionCounters& HttpServer::connectionCounters() const {
  return impl_->connections.counters();
}

std::uint64_t HttpServer::idleClosed() const { return impl_->deadlines.expired(); }

void HttpServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  // shutdown(2) wakes the blocked accept(2); close() alone would not.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  beast::error_code ec;
  impl_->acceptor.close(ec);
  impl_->connections.stopAll();
}

}  // namespace aihunt::emulator
