#pragma once
// How every command that talks to a console (hunt, check, run, backfill) reaches it: the
// effective qradar: settings and the token become the transport and the API client. The token
// is registered with the redactor before anything can log. Flags are the CLI's business: it
// folds them into a ConnectionRequest first.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "config/config.h"
#include "config/environment.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/api_version.h"
#include "qradar_client/curl_transport.h"
#include "qradar_client/retry_policy.h"
#include "qradar_client/tls_options.h"

namespace aihunt::service {

struct ConnectionRequest {
  config::QRadarConfig qradar;  // effective settings (flags over config)
  // Where the token comes from: the token file given on the command line wins; otherwise the
  // environment's AIHUNT_QRADAR_TOKEN, then qradar.token_file.
  bool token_file_only = false;
  std::string connect_to;  // HOST:PORT:ADDR:PORT, optional
  std::optional<int> retries;
  std::optional<qradar::Millis> retry_delay;
  core::Metrics* metrics = nullptr;  // when set, requests are timed and counted
  // When set, every request of the connection ends (and none starts) once it turns true.
  const std::atomic<bool>* abort_flag = nullptr;
  // The security warnings (--insecure, plain http) and the API version's. A run's further
  // connections to the same console pass false: the first one said them.
  bool warn = true;
  // The run's first connection to this console: a request without the token goes first
  // (qradar::probeWithoutToken), unless the same console (URL, connect-to, proxy) answered one
  // earlier in this process. A further one (the same console, already answered) skips it.
  bool first_contact = true;
  // The caller stops when the console cannot be reached at all (QRadarConnection::unreachable)
  // and says why itself: no warning about the API version here, so that the cause is said once.
  bool caller_reports_unreachable = false;
  // Added to the no-URL error when the command has another way ("or --offline EVENTS.jsonl").
  std::string without_console;
  // With qradar.api_version auto, a negotiation the console answers with "later" (5xx, 429)
  // makes the connection unusable
  // (QRadarConnection::unreachable) instead of sending the oldest version aihunt speaks: the
  // daemon, its sinks and its reference-set reader try again later with a new connection, where
  // a one-off command goes on with the oldest version (and says so).
  bool require_negotiated_version = false;
};

struct QRadarConnection {
  config::QRadarConfig qradar;
  std::string token_origin;  // where the token came from, never the token
  qradar::TransportOptions transport_options;
  core::SystemClock clock;
  qradar::ThreadSleeper sleeper;
  qradar::StdRandom random;
  std::unique_ptr<qradar::CurlTransport> transport;
  std::unique_ptr<qradar::HttpTransport> metered;  // around `transport`, when metrics are on
  std::unique_ptr<qradar::ApiClient> api;
  // How the API version was settled: pinned, or negotiated from /api/help/versions; when the
  // negotiation failed, why (the client then sends the oldest version it speaks).
  std::optional<qradar::VersionChoice> version_choice;
  std::string version_error;
  // The console answered the question with "later" (5xx, 429): a long-lived process waits for
  // its versions rather than send the oldest (ConnectionRequest::require_negotiated_version).
  bool version_unavailable = false;
  // The negotiation's request found no console it could use (the name does not resolve, nothing
  // listens, TLS fails, the credentials are refused): every request would fail the same way.
  std::optional<core::Error> unreachable;
};

// What openConnection would refuse before it reaches the console (no URL, a bad URL, no token, a
// pinned API version aihunt does not speak): for the daemon, which checks once at start and on
// each reload rather than failing every cycle.
core::Status checkConnectionSettings(const ConnectionRequest& request,
                                     const config::Environment& environment);

// Errors are usage/config errors (exit 2): no URL, no token, a bad pin...
core::Result<std::unique_ptr<QRadarConnection>> openConnection(
    ConnectionRequest request, const config::Environment& environment,
    const std::shared_ptr<core::Redactor>& redactor, const std::shared_ptr<spdlog::logger>& logger);

// The exit code an error from the client deserves (core/exit_codes.h).
int exitCodeFor(const core::Error& error);

}  // namespace aihunt::service
