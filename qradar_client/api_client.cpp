#include "qradar_client/api_client.h"

#include <algorithm>
#include <charconv>

#include <openssl/evp.h>
#include <string.h>  // explicit_bzero

namespace aihunt::qradar {
namespace {

// The Basic header value, encoded straight into the buffer that keeps it: no temporary holding
// the password is freed unwiped.
config::SecretString basicAuthValue(const Credentials& credentials) {
  const config::SecretString pair(credentials.username + ":" + credentials.token.reveal());
  constexpr std::string_view kPrefix = "Basic ";
  std::string value(kPrefix.size() + 4 * ((pair.reveal().size() + 2) / 3) + 1, '\0');
  value.replace(0, kPrefix.size(), kPrefix);
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(value.data() + kPrefix.size()),
                      reinterpret_cast<const unsigned char*>(pair.reveal().data()),
                      static_cast<int>(pair.reveal().size()));
  value.resize(kPrefix.size() + static_cast<std::size_t>(std::max(written, 0)));
  return config::SecretString(std::move(value));
}

// The request's header values (the token among them) are wiped once it has been sent: each
// attempt builds a fresh request, and none should leave a copy of the token in freed memory.
void wipeHeaderValues(HttpRequest& request) {
  for (auto& header : request.headers) {
    if (!header.second.empty()) explicit_bzero(header.second.data(), header.second.size());
  }
}

std::optional<Millis> retryAfter(const HttpResponse& response) {
  const auto value = findHeader(response.headers, "Retry-After");
  if (!value) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || seconds < 0) return std::nullopt;
  // A server's number: clamped before it is multiplied (9223372036854775807 seconds overflows).
  constexpr std::int64_t kMostSeconds = 3600;
  return Millis(std::min(seconds, kMostSeconds) * 1000);
}

core::Error deadlineError() {
  return core::makeError(core::ErrorCode::kTimeout, std::string(kDeadlinePassed));
}

}  // namespace

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

ApiClient::ApiClient(ApiDeps deps, ApiSettings settings)
    : deps_(std::move(deps)), settings_(std::move(settings)) {
  const Credentials& credentials = settings_.credentials;
  if (credentials.scheme == AuthScheme::kSec) {
    auth_header_name_ = "SEC";
    auth_header_value_ = config::SecretString(credentials.token.reveal());
  } else {
    auth_header_name_ = "Authorization";
    auth_header_value_ = basicAuthValue(credentials);
  }
}

HttpRequest ApiClient::makeRequest(const ApiCall& call, Millis timeout) const {
  HttpRequest request;
  request.method = call.method;
  request.url = settings_.base_url + call.path;
  if (!call.anonymous) request.headers.emplace_back(auth_header_name_, auth_header_value_.reveal());
  request.headers.emplace_back("Version",
                               call.version.empty() ? settings_.api_version : call.version);
  request.headers.emplace_back("Accept", "application/json");
  for (const auto& header : call.headers) request.headers.push_back(header);
  request.body = call.body;
  request.timeout = timeout;
  request.abort_flag = abortFlagOf(call);
  request.send_once = !call.repeatable;
  return request;
}

void ApiClient::pause(Millis duration, const std::atomic<bool>* abort_flag) {
  constexpr Millis kSlice{100};
  while (duration.count() > 0) {
    if (abort_flag != nullptr && abort_flag->load()) return;
    const Millis step = std::min(duration, kSlice);
    deps_.sleeper.sleepFor(step);
    duration -= step;
  }
}

bool unknownOutcome(const Exchange& exchange) {
  if (!exchange.response) return exchange.reach == Reach::kMaybeSent;
  return exchange.response->status >= 500 && !isQRadarErrorBody(exchange.response->body);
}

core::Result<HttpResponse> ApiClient::call(const ApiCall& call) { return exchange(call).response; }

void ApiClient::refuseAll(core::Error why) {
  refused_ = std::move(why);
  auth_header_value_ = config::SecretString(std::string());
}

Exchange ApiClient::exchange(const ApiCall& call) {
  if (refused_) return {*refused_, Reach::kNotSent};
  const int attempts = call.retry ? std::max(1, settings_.retry.max_attempts) : 1;
  const std::atomic<bool>* abort_flag = abortFlagOf(call);
  for (int attempt = 1;; ++attempt) {
    if (abort_flag != nullptr && abort_flag->load()) {
      return {core::makeError(core::ErrorCode::kCancelled, "cancelled"), Reach::kNotSent};
    }
    Millis timeout = call.timeout.value_or(settings_.request_timeout);
    timeout = std::min(timeout, settings_.request_timeout) + std::max(call.hold, Millis(0));
    bool cut_by_deadline = false;  // a time-out is then the deadline's, not the network's
    if (call.deadline) {
      const auto left = std::chrono::duration_cast<Millis>(*call.deadline - deps_.clock.now());
      if (left.count() <= 0) return {deadlineError(), Reach::kNotSent};
      cut_by_deadline = left < timeout;
      timeout = std::min(timeout, left);
    }
    HttpRequest request = makeRequest(call, timeout);
    ++requests_;
    const auto started = deps_.clock.now();
    Exchange sent = deps_.transport.send(request, nullptr);
    const auto& response = sent.response;
    wipeHeaderValues(request);
    const auto took = std::chrono::duration_cast<Millis>(deps_.clock.now() - started).count();
    if (!response) sent = Exchange(redacted(response.error()), sent.reach);
    if (!response && cut_by_deadline && response.error().code == core::ErrorCode::kTimeout) {
      // An online trial: a page read cut by the hunt's deadline read as a slow network.
      return {deadlineError(), sent.reach};
    }
    // Sending it again could make a second one: the caller finds out what the first did.
    if (!call.repeatable && unknownOutcome(sent)) {
      deps_.logger->debug("{} {} -> outcome unknown ({} ms); not sent again", call.method,
                          call.path, took);
      return sent;
    }

    std::optional<Millis> server_hint;
    std::string why;
    if (response) {
      deps_.logger->debug("{} {} -> {} ({} ms, {} bytes)", call.method, call.path, response->status,
                          took, response->body.size());
      if (!isRetryableStatus(response->status)) return sent;
      server_hint = retryAfter(*response);
      why = coreErrorOf(*response).message;
    } else {
      deps_.logger->debug("{} {} -> {} ({} ms)", call.method, call.path, response.error().message,
                          took);
      if (!isRetryableError(response.error())) return sent;
      why = response.error().message;
    }
    if (attempt >= attempts) {
      if (response) return sent;
      return {response.error().withContext("after " + std::to_string(attempt) + " attempt" +
                                           (attempt == 1 ? "" : "s")),
              sent.reach};
    }
    const Millis delay = backoffDelay(settings_.retry, attempt, deps_.random, server_hint);
    if (call.deadline && deps_.clock.now() + delay >= *call.deadline) return sent;
    deps_.logger->warn("{} {}: {}; retrying in {} ms (attempt {} of {})", call.method, call.path,
                       why, delay.count(), attempt + 1, attempts);
    ++retries_;
    pause(delay, abort_flag);
  }
}

core::Result<HttpResponse> ApiClient::callOk(const ApiCall& call) {
  auto response = this->call(call);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) return coreErrorOf(*response);
  return response;
}

QRadarError ApiClient::errorOf(const HttpResponse& response) const {
  QRadarError error = parseQRadarError(response.status, response.body);
  error.message = deps_.redactor->redact(error.message);
  return error;
}

core::Error ApiClient::coreErrorOf(const HttpResponse& response) const {
  return toCoreError(errorOf(response));
}

core::Error ApiClient::redacted(core::Error error) const {
  error.message = deps_.redactor->redact(error.message);
  return error;
}

}  // namespace aihunt::qradar
