#pragma once
// The Boost.Beast HTTP/1.1 server: HTTPS (or plain HTTP) on one address and port, one thread
// per connection with blocking reads, so that a handler may hold a request (Prefer: wait=N)
// without stalling others. Keep-alive, an idle/request deadline and a body limit. Handlers get
// plain HttpRequest values; the server carries out a response's Delivery (normal, reset,
// truncated).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"
#include "emulator/connection_registry.h"
#include "emulator/http_message.h"

namespace aihunt::emulator {

using RequestHandler = std::function<HttpResponse(HttpRequest&&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                           // 0: any free port
  std::shared_ptr<boost::asio::ssl::context> tls;   // null: plain HTTP
  std::size_t body_limit = std::size_t{256} << 20;  // bytes
  // A connection that does not deliver a complete request (TLS handshake, header and body)
  // within this time after it starts waiting for one is closed: idle keep-alive clients and
  // slow senders do not hold a thread forever. It is the idle and the header deadline at once.
  std::chrono::milliseconds idle_timeout{30'000};
  ConnectionLimits limits{};
};

class HttpServer {
 public:
  static core::Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options,
                                                         RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] const ConnectionCounters& connectionCounters() const;
  // Connections closed because they delivered no complete request in time.
  [[nodiscard]] std::uint64_t idleClosed() const;
  // Stops accepting, closes every connection and joins their threads. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::emulator
