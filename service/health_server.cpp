#include "service/health_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/display_text.h"
#include "core/logging.h"

namespace aihunt::service {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kAllow = "GET, HEAD";
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr auto kLingerTime = std::chrono::milliseconds(1000);
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr std::size_t kMinHeaderBytes = 256;
constexpr std::size_t kMaxHeaderBytes = 1024 * 1024;

// Boost 1.74's beast::string_view is boost::string_view.
beast::string_view toBeast(std::string_view text) { return {text.data(), text.size()}; }

// Names and details come from the daemon, which may quote hostile data (a certificate's subject
// name, a console's error text): one line each, through the one terminal sanitiser.
std::string oneLine(std::string_view text) {
  return core::displayText(text, core::DisplayOptions{.keep_tab = false});
}

std::string readinessBody(const ReadyReport& report) {
  std::string body = report.ready ? "ready\n" : "not ready\n";
  for (const auto& [name, passing] : report.checks) {
    body += oneLine(name);
    body += passing ? ": ok\n" : ": failing\n";
  }
  if (!report.detail.empty()) body += "detail: " + oneLine(report.detail) + "\n";
  return body;
}

// "127.0.0.1:9464", "[::1]:9464"; anything malformed as it was given.
std::string displayAddress(const std::string& host, std::uint16_t port) {
  const bool bare_v6 =
      host.find(':') != std::string::npos && host.find_first_of("[]") == std::string::npos;
  return (bare_v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

struct Reply {
  http::status status = http::status::ok;
  std::string body;
  std::string_view content_type = kTextPlain;
  bool allow = false;  // add Allow (405)
  bool close = false;  // end the connection after this reply
};

}  // namespace

// A connection's reader and writer. Outside the anonymous namespace because Impl (which has
// linkage) holds pointers to it.
class Session;

struct HealthServer::Impl {
  Impl(const HealthServerOptions& opts, const core::Metrics& registry, ReadyCallback callback,
       std::shared_ptr<spdlog::logger> log)
      : options(opts), metrics(registry), ready(std::move(callback)), logger(std::move(log)) {}

  HealthServerOptions options;
  const core::Metrics& metrics;
  ReadyCallback ready;
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<bool> stopped{false};
  std::uint16_t port = 0;
  std::string address;
  // Touched on the io thread only (and by stop() once that thread has ended). Declared before
  // `io`: sessions destroyed with io's pending handlers still unregister themselves here.
  std::size_t active = 0;
  bool full_logged = false;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::steady_timer accept_retry{io};
  std::thread thread;

  void accept();
  void onAccept(beast::error_code ec, tcp::socket socket);
  Reply respond(const http::request<http::empty_body>& request) const;
  void run();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HealthServer::Impl& server, std::uint64_t id)
      : stream_(std::move(socket)),
        buffer_(server.options.max_header_bytes + 1024),
        server_(server),
        id_(id) {}
  ~Session() {
    --server_.active;
    server_.sessions.erase(id_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() { readRequest(); }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  void readRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    stream_.expires_after(server_.options.io_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (server_.stopped.load()) return;
    if (ec == http::error::end_of_stream) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    if (ec == beast::error::timeout) {
      server_.logger->debug("health server: closing a connection idle or slow for {} ms",
                            server_.options.io_timeout.count());
      return;  // the stream has closed the socket
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      write(Reply{http::status::request_header_fields_too_large, "request header too large\n",
                  kTextPlain, false, true},
            false, 11);
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category()) {
      write(Reply{http::status::bad_request, "malformed request\n", kTextPlain, false, true}, false,
            11);
      return;
    }
    if (ec) return;  // reset, aborted: nothing to answer
    const http::request<http::empty_body>& request = parser_->get();
    if (!parser_->is_done()) {  // a body is on its way (Content-Length > 0 or chunked)
      write(Reply{http::status::payload_too_large, "request bodies are not accepted\n", kTextPlain,
                  false, true},
            false, request.version());
      return;
    }
    Reply reply = server_.respond(request);
    reply.close = reply.close || !request.keep_alive();
    write(std::move(reply), request.method() == http::verb::head, request.version());
  }

  void write(Reply reply, bool head, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(reply.status);
    response_.set(http::field::server, "aihunt");
    response_.set(http::field::content_type, toBeast(reply.content_type));
    response_.set(http::field::cache_control, "no-store");
    if (reply.allow) response_.set(http::field::allow, toBeast(kAllow));
    // HEAD: the length GET would send, and no body.
    response_.content_length(reply.body.size());
    if (!head) response_.body() = std::move(reply.body);
    response_.keep_alive(!reply.close);
    stream_.expires_after(server_.options.io_timeout);
    http::async_write(
        stream_, response_,
        beast::bind_front_handler(&Session::onWrite, shared_from_this(), reply.close));
  }

  void onWrite(bool close_after, beast::error_code ec, std::size_t /*bytes*/) {
    if (ec || server_.stopped.load()) return;
    if (close_after) {
      lingeringClose();
      return;
    }
    readRequest();
  }

  // Closing a socket with unread input resets the connection, and a reset can destroy the
  // response before the client reads it (a 431 to a client still sending its header): so send
  // FIN first, then read and discard for a little while before closing.
  void lingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(
        std::min<std::chrono::milliseconds>(server_.options.io_timeout, kLingerTime));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_),
                            beast::bind_front_handler(&Session::onDrain, shared_from_this()));
  }

  void onDrain(beast::error_code ec, std::size_t bytes) {
    drained_ += bytes;
    if (ec || drained_ > kMaxDrainBytes || server_.stopped.load()) return;
    drain();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> response_;
  std::array<char, 4096> discard_{};
  std::size_t drained_ = 0;
  HealthServer::Impl& server_;
  std::uint64_t id_;
};

Reply HealthServer::Impl::respond(const http::request<http::empty_body>& request) const {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != "/healthz" && path != "/readyz" && path != "/metrics") {
    return Reply{http::status::not_found, "not found\n"};
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    return Reply{http::status::method_not_allowed, "method not allowed\n", kTextPlain, true};
  }
  if (path == "/healthz") return Reply{http::status::ok, "ok\n"};
  if (path == "/metrics") {
    try {
      return Reply{http::status::ok, metrics.render(), kMetricsContentType};
    } catch (const std::exception& e) {
      logger->error("health server: rendering metrics failed: {}", e.what());
      return Reply{http::status::internal_server_error, "metrics unavailable\n"};
    }
  }
  ReadyReport report;
  if (ready) {
    try {
      report = ready();
    } catch (const std::exception& e) {
      logger->warn("health server: the readiness check failed: {}", e.what());
      report = ReadyReport{false, {}, std::string("readiness check failed: ") + e.what()};
    }
  } else {
    report.ready = true;
  }
  return Reply{report.ready ? http::status::ok : http::status::service_unavailable,
               readinessBody(report)};
}

void HealthServer::Impl::accept() {
  acceptor.async_accept(
      [this](beast::error_code ec, tcp::socket socket) { onAccept(ec, std::move(socket)); });
}

void HealthServer::Impl::onAccept(beast::error_code ec, tcp::socket socket) {
  if (stopped.load() || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors, say: try again shortly rather than spin.
    logger->warn("health server: accept failed: {}", ec.message());
    accept_retry.expires_after(kAcceptRetry);
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopped.load()) accept();
    });
    return;
  }
  if (active >= options.max_connections) {
    if (!full_logged) {
      logger->warn("health server: {} connections open, closing new ones until some end", active);
      full_logged = true;
    }
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  } else {
    full_logged = false;
    const std::uint64_t id = next_id++;
    auto session = std::make_shared<Session>(std::move(socket), *this, id);
    ++active;
    sessions.emplace(id, session);
    session->start();
  }
  accept();
}

void HealthServer::Impl::run() {
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {  // a handler threw (bad_alloc): keep serving
      logger->error("health server: {}", e.what());
    }
  }
}

core::Result<std::unique_ptr<HealthServer>> HealthServer::start(
    const HealthServerOptions& options, const core::Metrics& metrics, ReadyCallback ready,
    std::shared_ptr<spdlog::logger> logger) {
  if (!logger) logger = core::makeNullLogger();
  if (options.io_timeout.count() <= 0 || options.max_connections == 0 ||
      options.max_header_bytes < kMinHeaderBytes || options.max_header_bytes > kMaxHeaderBytes) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "health server: the I/O timeout and the connection cap must be "
                           "positive, the header cap between " +
                               std::to_string(kMinHeaderBytes) + " and " +
                               std::to_string(kMaxHeaderBytes) + " bytes");
  }
  auto impl = std::make_unique<Impl>(options, metrics, std::move(ready), std::move(logger));
  std::string host = options.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  impl->address = displayAddress(host, options.port);
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    return core::makeError(
        core::ErrorCode::kInvalidArgument,
        "health server: cannot listen on " + impl->address + ": not an IPv4 or IPv6 address");
  }
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) impl->port = impl->acceptor.local_endpoint(ec).port();
  if (ec == net::error::address_in_use) {
    // Most often a daemon still stopping, or another one on the same port: it passes, so it is
    // told apart from a wrong address (core::kExitBusy).
    return core::makeError(
        core::ErrorCode::kBusy,
        "health server: cannot listen on " + impl->address +
            ": the port is in use by another process (a daemon still stopping, or another "
            "program): stop it, or give server.listen another port");
  }
  if (ec) {
    return core::makeError(core::ErrorCode::kTransport, "health server: cannot listen on " +
                                                            impl->address + ": " + ec.message());
  }
  impl->address = displayAddress(host, impl->port);
  impl->logger->info("health and metrics on {} (/healthz, /readyz, /metrics)", impl->address);
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<HealthServer>(new HealthServer(std::move(impl)));
}

HealthServer::HealthServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HealthServer::~HealthServer() { stop(); }

std::uint16_t HealthServer::port() const { return impl_->port; }

void HealthServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // The io thread has ended: its objects are ours to close. Closing may end a session's last
  // reference, which unregisters it, so walk a copy.
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  std::vector<std::shared_ptr<Session>> open;
  for (const auto& [id, weak] : impl_->sessions) {
    if (auto session = weak.lock()) open.push_back(std::move(session));
  }
  for (const auto& session : open) session->close();
  impl_->logger->info("health server on {} stopped", impl_->address);
}

}  // namespace aihunt::service
