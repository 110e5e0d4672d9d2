#pragma once
// One QRadar REST call: base URL + path, the auth header (SEC token or Basic), the pinned
// Version header, Accept: application/json; retries with backoff and jitter on what is worth
// retrying (retry_policy.h), bounded by an optional deadline; every error text redacted before it
// leaves. Shared by the Ariel, reference data and offense clients.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "config/secret.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/result.h"
#include "qradar_client/http_transport.h"
#include "qradar_client/qradar_error.h"
#include "qradar_client/retry_policy.h"

namespace aihunt::qradar {

// The error of a call that the hunt's deadline (ApiCall::deadline) ended, before it was sent or
// while it waited for the answer: callers that know which setting sets it say so.
inline constexpr std::string_view kDeadlinePassed = "the hunt's deadline passed";

enum class AuthScheme { kSec, kBasic };

struct Credentials {
  AuthScheme scheme = AuthScheme::kSec;
  std::string username;        // Basic only
  config::SecretString token;  // the SEC token, or the Basic password
};

struct ApiSettings {
  std::string base_url;  // "https://console:443", no trailing '/'
  std::string api_version = "20.0";
  Credentials credentials;
  Millis request_timeout{60'000};
  RetryPolicy retry;
  // The abort flag of every call that names none: a client whose work must end with its owner
  // (the daemon's delivery connections once the stop's grace period is over).
  const std::atomic<bool>* abort_flag = nullptr;
};

struct ApiCall {
  std::string method = "GET";
  std::string path;  // "/api/ariel/searches", with any query string (values encoded)
  Headers headers;   // beyond the standard ones
  std::string body;
  bool retry = true;
  // false for a request that makes something (an Ariel search): it is sent again only after a
  // failure that proves it had no effect (exchange() then says kNotSent). After a failure that
  // may have had one (unknownOutcome()) the call ends there, for the caller to find out.
  bool repeatable = true;
  std::optional<core::TimePoint> deadline;  // no attempt starts, and none outlives it
  std::optional<Millis> timeout;            // this call's own limit, below request_timeout
  // How long the server was asked to hold the answer (Prefer: wait=N). The call's limit is the
  // request timeout (or `timeout`) plus this, so that a held read never races its own timeout.
  Millis hold{0};
  std::string version;  // the Version header for this call only; empty: the client's version
  const std::atomic<bool>* abort_flag = nullptr;
  // Sent without the credentials (probeWithoutToken): for a server not yet known to speak HTTP.
  bool anonymous = false;
};

// The helpers below want the dependencies in one place.
struct ApiDeps {
  HttpTransport& transport;
  const core::Clock& clock;
  Sleeper& sleeper;
  Random& random;
  std::shared_ptr<const core::Redactor> redactor;
  std::shared_ptr<spdlog::logger> logger;
};

class ApiClient {
 public:
  ApiClient(ApiDeps deps, ApiSettings settings);

  // The final response, whatever its status, once retries are spent or not warranted; an error
  // only when no response came (transport, TLS, timeout, cancelled, deadline).
  [[nodiscard]] core::Result<HttpResponse> call(const ApiCall& call);
  // As call(), keeping whether a final failure may have reached the console.
  [[nodiscard]] Exchange exchange(const ApiCall& call);
  // As call(), with any non-2xx status turned into an error carrying QRadar's message.
  [[nodiscard]] core::Result<HttpResponse> callOk(const ApiCall& call);

  // QRadar's error from a response, its text redacted.
  [[nodiscard]] QRadarError errorOf(const HttpResponse& response) const;
  [[nodiscard]] core::Error coreErrorOf(const HttpResponse& response) const;
  [[nodiscard]] core::Error redacted(core::Error error) const;

  [[nodiscard]] std::uint64_t requestCount() const { return requests_; }
  [[nodiscard]] std::uint64_t retryCount() const { return retries_; }
  // Searches this client was asked to delete and could not (the CLI says so when interrupted).
  void noteCleanupFailure() { ++cleanup_failures_; }
  [[nodiscard]] std::uint64_t cleanupFailureCount() const { return cleanup_failures_; }
  [[nodiscard]] const ApiSettings& settings() const { return settings_; }
  // The Version header of every later call (after negotiation, api_version.h).
  void setApiVersion(std::string version) { settings_.api_version = std::move(version); }
  [[nodiscard]] const ApiDeps& deps() const { return deps_; }
  // Waits `duration`, in slices, returning early when `abort_flag` turns true.
  void pause(Millis duration, const std::atomic<bool>* abort_flag);
  // Every later call fails with `why`, sent nowhere, and the credentials are dropped: for a
  // server that answered no request sent without them (probeWithoutToken), whatever the caller
  // does with the client next.
  void refuseAll(core::Error why);

 private:
  HttpRequest makeRequest(const ApiCall& call, Millis timeout) const;
  [[nodiscard]] const std::atomic<bool>* abortFlagOf(const ApiCall& call) const {
    return call.abort_flag != nullptr ? call.abort_flag : settings_.abort_flag;
  }

  ApiDeps deps_;
  ApiSettings settings_;
  std::string auth_header_name_;
  config::SecretString auth_header_value_;
  std::uint64_t requests_ = 0;
  std::uint64_t retries_ = 0;
  std::uint64_t cleanup_failures_ = 0;
  std::optional<core::Error> refused_;  // refuseAll()
};

// A failure after which nobody knows whether the console acted on the request: no response
// though the request may have been written (a timeout, a reset, an empty answer), or a 5xx that
// is not QRadar's own error object (a proxy's 502/504, an empty 500), which a gateway sends when
// it lost the console's answer, not when the console refused. Not a success, and not a refusal.
bool unknownOutcome(const Exchange& exchange);

// application/x-www-form-urlencoded and URL component encoding (RFC 3986 unreserved kept).
std::string urlEncode(std::string_view text);

}  // namespace aihunt::qradar
