#pragma once
// The daemon's health and metrics endpoint: a small HTTP/1.1 server (Boost.Beast, plain HTTP,
// one io_context thread of its own) for the orchestrator and Prometheus.
//   GET /healthz  200 "ok" while the process lives
//   GET /readyz   200 or 503, one line per readiness check, from the ReadyCallback
//   GET /metrics  200, Prometheus text format 0.0.4, from Metrics::render()
// HEAD works on each; other paths get 404, other methods 405 with Allow. Requests carry no body
// (one announced gets 413) and their header is capped (431); every read and write has a deadline,
// so idle or slow clients are closed; keep-alive is honoured; connections beyond the cap are
// closed as soon as they are accepted.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "core/metrics.h"
#include "core/result.h"

namespace aihunt::service {

struct ReadyReport {
  bool ready = false;
  std::vector<std::pair<std::string, bool>> checks;  // name, passing
  std::string detail;                                // optional, one line
};

// Called on the server's thread for every /readyz request: keep it cheap (read state the daemon
// keeps up to date; do not contact QRadar from here). An exception it throws reads as not ready;
// an empty callback as always ready.
using ReadyCallback = std::function<ReadyReport()>;

struct HealthServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal ("::1" or "[::1]")
  std::uint16_t port = 0;          // 0: any free port (see HealthServer::port())
  // The time a client has to send a whole request header (and, after a response, the next one),
  // and to take a response.
  std::chrono::milliseconds io_timeout{5000};
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 8 * 1024;
};

class HealthServer {
 public:
  // Binds and starts serving. Errors name the address: kInvalidArgument for a host that is not
  // an IP literal, kTransport when the address cannot be bound (in use, not local).
  // kInvalidArgument too for a timeout or connection cap of zero, or a header cap outside
  // [256 B, 1 MiB]. `metrics` must outlive the server (or its stop()); a null logger logs nothing.
  static core::Result<std::unique_ptr<HealthServer>> start(const HealthServerOptions& options,
                                                           const core::Metrics& metrics,
                                                           ReadyCallback ready,
                                                           std::shared_ptr<spdlog::logger> logger);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // The bound port (the chosen one when the options said 0).
  [[nodiscard]] std::uint16_t port() const;
  // Stops accepting, closes every connection and joins the thread. Idempotent; the destructor
  // calls it. `metrics` and the callback are not used once it returns. Not to be called from
  // the readiness callback (it runs on the thread stop() joins).
  void stop();

  struct Impl;

 private:
  explicit HealthServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::service
