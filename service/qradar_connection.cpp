#include "service/qradar_connection.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "config/token_source.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "service/instrumented_transport.h"
#include "service/proxy_choice.h"

namespace aihunt::service {
namespace {

// The consoles (base URL, connect-to, proxy) that answered a request sent without the token in
// this process. The daemon opens connections all its life (a worker's after a reload or an
// outage, each sink's, the readiness probe's), and each would otherwise send one more request
// without credentials. Whether a console counts those toward its login-failure lockout is not
// documented (IBM's is per host by default: a handful of failures from one address), so there is
// one per console per process. Connections opened side by side (hunts at once) wait for the
// probe in flight (at most its 10 s) and take its answer, failure included, instead of each
// asking; no lock is held during the request, and consoles do not wait on each other.
class AnsweredConsoles {
 public:
  // Runs `probe` unless `key` answered before, or another connection's probe of `key` ends
  // while this one waits (its result is this one's).
  core::Status probeOnce(const std::string& key, const std::function<core::Status()>& probe) {
    std::unique_lock lock(mutex_);
    Console& console = consoles_[key];
    if (console.answered) return {};
    if (console.in_flight) {
      const std::uint64_t round = console.round;
      ended_.wait(lock, [&] { return !console.in_flight; });
      if (console.answered) return {};
      if (console.round != round && console.failure) return *console.failure;
    }
    console.in_flight = true;
    lock.unlock();
    core::Status status = probe();
    lock.lock();
    console.in_flight = false;
    ++console.round;
    console.answered = static_cast<bool>(status);
    if (!status) console.failure = status.error();
    ended_.notify_all();
    return status;
  }

 private:
  struct Console {
    bool answered = false;
    bool in_flight = false;
    std::uint64_t round = 0;  // probes ended
    std::optional<core::Error> failure;
  };
  std::mutex mutex_;
  std::condition_variable ended_;
  std::map<std::string, Console> consoles_;  // node-based: references stay valid
};

AnsweredConsoles& answeredConsoles() {
  static AnsweredConsoles consoles;
  return consoles;
}

core::Error configError(std::string message) {
  return core::makeError(core::ErrorCode::kConfig, std::move(message));
}

// What can be told wrong without the console: the URL, the TLS floor, a pinned API version, the
// login's user. The parsed URL when all is well.
core::Result<qradar::ParsedUrl> checkSettings(const ConnectionRequest& request) {
  const config::QRadarConfig& qradar = request.qradar;
  if (qradar.url.empty()) {
    return configError(
        "no QRadar console: give --qradar-url, set AIHUNT_QRADAR_URL, or qradar.url in --config" +
        (request.without_console.empty() ? std::string() : " (" + request.without_console + ")"));
  }
  auto url = qradar::parseConsoleUrl(qradar.url);
  if (!url) return url.error();
  if (auto status = qradar::validateMinTlsVersion(qradar.tls.min_version); !status) {
    return status.error();
  }
  if (qradar.api_version != "auto") {
    if (auto status = qradar::checkPinnedVersion(qradar.api_version); !status) {
      return status.error();
    }
  }
  if (qradar.auth == config::QRadarAuth::kBasic && qradar.username.empty()) {
    return configError("--auth basic needs --username");
  }
  if (request.retries && (*request.retries < 1 || *request.retries > 20)) {
    return configError("--retries: 1 to 20");
  }
  return url;
}

std::optional<config::ResolvedToken> resolveToken(const ConnectionRequest& request,
                                                  const config::Environment& environment,
                                                  config::Diagnostics& diagnostics) {
  return request.token_file_only
             ? config::resolveQRadarToken(request.qradar, config::MapEnvironment(), diagnostics,
                                          "--token-file")
             : config::resolveQRadarToken(request.qradar, environment, diagnostics);
}

// The resolver's own words say what to set; its source ("token"), a path of just "qradar", or
// the token_file key in front of "no QRadar token: set ... or qradar.token_file" would only
// repeat them.
core::Error tokenError(const config::Diagnostics& diagnostics) {
  std::string message;
  for (const auto& error : diagnostics.errors()) {
    const bool plain = error.path.empty() || error.path == "qradar" ||
                       error.message.rfind("no QRadar token", 0) == 0;
    message += (message.empty() ? "" : "; ") + (plain ? "" : error.path + ": ") + error.message;
  }
  if (message.empty()) {
    message = "no usable QRadar token (set AIHUNT_QRADAR_TOKEN or --token-file)";
  } else if (message.rfind("no QRadar token", 0) == 0) {
    message += " (or --token-file FILE)";
  } else {
    message = "no usable QRadar token: " + message;
  }
  return configError(message);
}

}  // namespace

core::Status checkConnectionSettings(const ConnectionRequest& request,
                                     const config::Environment& environment) {
  if (auto url = checkSettings(request); !url) return url.error();
  // The CA file and pins too: without them every connection fails the same way, and the daemon
  // would start and log the same error each cycle.
  qradar::TransportOptions transport;
  transport.ca_file = request.qradar.tls.ca_file;
  transport.pin_sha256 = request.qradar.tls.pin_sha256;
  if (auto valid = qradar::validateTransportOptions(transport); !valid) {
    return valid.error().withContext("qradar.tls");
  }
  config::Diagnostics diagnostics("token");
  if (!resolveToken(request, environment, diagnostics)) return tokenError(diagnostics);
  return {};
}

int exitCodeFor(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kTransport:
    case core::ErrorCode::kTls:
    case core::ErrorCode::kAuth:
      return core::kExitConnection;
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kConfig:
    case core::ErrorCode::kIo:
      return core::kExitUsage;
    case core::ErrorCode::kState:
      return core::kExitState;
    default:
      return core::kExitSearchFailed;
  }
}

core::Result<std::unique_ptr<QRadarConnection>> openConnection(
    ConnectionRequest request, const config::Environment& environment,
    const std::shared_ptr<core::Redactor>& redactor,
    const std::shared_ptr<spdlog::logger>& logger) {
  auto connection = std::make_unique<QRadarConnection>();
  config::QRadarConfig& qradar = connection->qradar;
  qradar = request.qradar;
  auto url = checkSettings(request);
  if (!url) return url.error();
  config::Diagnostics diagnostics("token");
  std::optional<config::ResolvedToken> token = resolveToken(request, environment, diagnostics);
  // A token file others may access. Said once a run: a further connection reads the same file.
  if (request.warn) {
    for (const auto& warning : diagnostics.warnings()) {
      core::securityWarning(*logger, warning.describe());
    }
  }
  if (!token) return tokenError(diagnostics);
  redactor->addSecret(token->token.reveal());
  connection->token_origin = token->origin;
  // The token pasted into the URL (its path, say) would go out in every request line, with the
  // first, tokenless probe too, and into proxies' logs: refused before anything is sent (an
  // online trial; `user:token@` and `?sec=` are refused by checkSettings already).
  constexpr std::size_t kShortest = 8;  // a short "token" could be a word of a host name
  if (const std::string& secret = token->token.reveal();
      secret.size() >= kShortest && url->base.find(secret) != std::string::npos) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "the console URL holds the API token: give the URL without it (the "
                           "token goes in the SEC header only, from the token file or "
                           "AIHUNT_QRADAR_TOKEN)");
  }
  // A browser's console address (https://host/console/...) pasted as the API's base: QRadar
  // serves the REST API at /api on the console's host (IBM, "Accessing the interactive API
  // documentation page": /api/ariel, /api/help, ...), so every request would answer 404. Only a
  // warning: a reverse proxy may put the API under a path. Said once the token is known to the
  // redactor.
  if (!url->path.empty() && request.warn) {
    logger->warn(
        "the console URL has the path '{}': requests go to {}/api/...; QRadar serves its API at "
        "/api on the console's host (leave the path out unless a proxy puts the API under it)",
        core::printableExcerpt(url->path, 100), core::printableExcerpt(url->base, 200));
  }

  qradar::TransportOptions& transport = connection->transport_options;
  transport.ca_file = qradar.tls.ca_file;
  transport.pin_sha256 = qradar.tls.pin_sha256;
  transport.insecure = qradar.tls.insecure;
  transport.connect_timeout = qradar.timeouts.connect;
  transport.connect_to = request.connect_to;
  transport.tls13_minimum = qradar.tls.min_version == "1.3";
  // A proxy only when asked for: qradar.proxy, else HTTPS_PROXY, only for https://, and not
  // for a console NO_PROXY names.
  const ProxyChoice proxy = chooseProxy(qradar, url->scheme, url->host, environment);
  transport.https_proxy = proxy.url;
  transport.https_proxy_origin = proxy.origin;
  if (auto status = qradar::validateTransportOptions(transport); !status) return status.error();
  if (transport.insecure && request.warn) {
    core::securityWarning(
        *logger,
        "!!! --insecure: the console's certificate is NOT verified; anyone on the path can read "
        "the API token. Use --ca-file or --pin-sha256 instead. !!!");
  }
  if (url->scheme == "http" && request.warn) {
    core::securityWarning(*logger, "plain http:// to " + url->host +
                                       ": the token is sent unencrypted (accepted on loopback "
                                       "only); use https://");
  }
  auto curl = qradar::CurlTransport::create(transport);
  if (!curl) return curl.error();
  connection->transport = std::move(*curl);

  qradar::ApiSettings settings;
  settings.base_url = url->base;
  const bool pinned = qradar.api_version != "auto";
  settings.api_version = pinned ? qradar.api_version : std::string(qradar::kOldestSpokenVersion);
  settings.credentials.scheme = qradar.auth == config::QRadarAuth::kBasic
                                    ? qradar::AuthScheme::kBasic
                                    : qradar::AuthScheme::kSec;
  settings.credentials.username = qradar.username;
  settings.credentials.token = std::move(token->token);
  settings.request_timeout = qradar.timeouts.request;
  if (request.retries) settings.retry.max_attempts = *request.retries;
  if (request.retry_delay) settings.retry.initial_delay = *request.retry_delay;
  settings.abort_flag = request.abort_flag;
  qradar::HttpTransport* transport_used = connection->transport.get();
  if (request.metrics != nullptr) {
    connection->metered =
        std::make_unique<InstrumentedTransport>(*connection->transport, *request.metrics);
    transport_used = connection->metered.get();
  }
  qradar::ApiDeps deps{*transport_used,    connection->clock, connection->sleeper,
                       connection->random, redactor,          logger};
  connection->api = std::make_unique<qradar::ApiClient>(deps, std::move(settings));
  std::optional<core::Error> failed;
  bool unanswered = false;  // the request without the token got no HTTP answer
  const std::string contact = url->base + '\n' + request.connect_to + '\n' + proxy.url;
  if (request.first_contact) {
    auto reached = answeredConsoles().probeOnce(
        contact, [&] { return qradar::probeWithoutToken(*connection->api); });
    if (!reached) {
      failed = reached.error();
      // A stop that cut it short says nothing about the server (and lets no request start).
      unanswered = reached.error().code != core::ErrorCode::kCancelled;
    }
  }
  if (failed) {
    // Nothing more is sent: the token goes only to a server that answered HTTP.
  } else if (pinned) {
    qradar::VersionChoice choice;
    choice.version = qradar.api_version;
    choice.pinned = true;
    connection->version_choice = std::move(choice);
  } else if (auto choice = qradar::negotiateApiVersion(*connection->api)) {
    connection->api->setApiVersion(choice->version);
    logger->debug("API version {} (the console serves {} to {})", choice->version,
                  choice->console_oldest, choice->console_newest);
    connection->version_choice = std::move(*choice);
  } else {
    failed = choice.error();
  }
  if (failed) {
    connection->version_error = failed->message;
    connection->version_unavailable = failed->code == core::ErrorCode::kUnavailable;
    // Nothing answered, TLS failed, the credentials were refused (401), the transport refused
    // the URL (kConfig: http:// to a non-loopback peer), or the URL's path holds no API (404
    // under a path): every request would fail the same way. Any other answer leaves the
    // searches a chance.
    const core::ErrorCode code = failed->code;
    const bool wrong_path = code == core::ErrorCode::kNotFound && !url->path.empty();
    // A timeout: something took the connection (and the TLS handshake) but answered no HTTP
    // request in time; every request would wait as long again.
    const bool silent = code == core::ErrorCode::kTimeout;
    const bool no_console = unanswered || code == core::ErrorCode::kTransport ||
                            code == core::ErrorCode::kTls || code == core::ErrorCode::kAuth ||
                            code == core::ErrorCode::kConfig || wrong_path || silent;
    // Only an answer that says "later" (5xx, 429): a 403 on this page alone, an answer that is
    // not a version list, or no version in common stay as they were (the oldest version, with
    // the warning), since asking again would not change them; a stop is no news at all.
    const bool unversioned = !no_console && request.require_negotiated_version && !pinned &&
                             code == core::ErrorCode::kUnavailable;
    const bool nothing_there = no_console || unversioned;
    if (nothing_there) connection->unreachable = *failed;
    if (unversioned) {
      // The console answered, but not with its versions (a 503 while it starts, say): guessing
      // one could send requests in a version it refuses, or reads differently.
      connection->unreachable->message =
          "the console's API versions could not be read yet (" + failed->message +
          "); qradar.api_version is auto, so nothing is sent until they can be (or pin "
          "qradar.api_version)";
      connection->version_error = connection->unreachable->message;
    }
    if (silent) {
      connection->unreachable->message +=
          " (the port took the connection but answered nothing: is it the console's HTTPS API "
          "port? a syslog port does this)";
      connection->version_error = connection->unreachable->message;
    }
    if (wrong_path) {
      connection->unreachable->message +=
          " (no QRadar API under the URL's path '" + core::printableExcerpt(url->path, 100) +
          "': give the console's address without it, e.g. " +
          core::printableExcerpt(url->base.substr(0, url->base.size() - url->path.size()), 200) +
          ")";
      connection->version_error = connection->unreachable->message;
    }
    // The token goes only to a server that answered HTTP: whoever uses this connection next
    // (a backfill, a check, a sink, the reference-set reader) gets this error, and nothing
    // is sent.
    if (unanswered) connection->api->refuseAll(*connection->unreachable);
    // A stop (Ctrl-C, SIGTERM) that cut the question short is no news about the console.
    const bool stopped = code == core::ErrorCode::kCancelled;
    if (request.warn && !stopped && !(nothing_there && request.caller_reports_unreachable)) {
      if (code == core::ErrorCode::kAuth) {
        // Not a version problem: every request with this token will be refused the same way.
        logger->warn("the console refuses the token: {}", failed->message);
      } else if (nothing_there) {
        // Nor is this: the requests that follow fail the same way, and say so themselves.
        logger->warn("the console cannot be used: {}", connection->unreachable->message);
      } else {
        logger->warn("API version: {}; sending {}", failed->message,
                     connection->api->settings().api_version);
      }
    }
  }
  connection->qradar.api_version = connection->api->settings().api_version;
  return connection;
}

}  // namespace aihunt::service
