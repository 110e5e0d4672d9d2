#pragma once
// The HTTP seam: one request in, one response out. CurlTransport (curl_transport.h) is the real
// one; tests/support/fake_http_transport.h scripts answers and records requests.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace aihunt::qradar {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; nullopt when absent.
std::optional<std::string> findHeader(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{60'000};  // the whole exchange; 0: the transport's default
  // When set and it turns true, the transfer is abandoned (Ctrl-C); cleanup requests leave it null.
  const std::atomic<bool>* abort_flag = nullptr;
  // A request that must reach the server at most once (a search create): sent on a connection
  // of its own. libcurl sends a request again by itself when a reused keep-alive connection dies
  // before any answer, and a console that acted and then dropped the connection would get two.
  bool send_once = false;
};

// Receives the body as it arrives. An error stops the transfer and becomes the send() result.
using BodySink = std::function<core::Status(std::string_view chunk)>;

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;  // empty when a sink took the body
};

// Whether a request that got no response may still have reached the server, and so may have
// had its effect there (a search created). Only the transport knows: libcurl's error codes and
// byte counts say whether anything was written to the peer, no message text needed.
enum class Reach {
  kNotSent,    // nothing reached the server: DNS, connect, TLS handshake, refused before sending
  kMaybeSent,  // the request (or part of it) was written: a timeout, reset or empty answer after
};

// One send: the response, or why none came and whether the request may have been sent.
struct Exchange {
  // Implicit on purpose: a transport (or a test's handler) returns a response or an error.
  Exchange(HttpResponse answer)  // NOLINT(google-explicit-constructor)
      : response(std::move(answer)) {}
  Exchange(core::Error error,  // NOLINT(google-explicit-constructor)
           Reach how_far = Reach::kMaybeSent)
      : response(std::move(error)), reach(how_far) {}
  Exchange(core::Result<HttpResponse> result)  // NOLINT(google-explicit-constructor)
      : response(std::move(result)) {}

  core::Result<HttpResponse> response;
  // With a response, always kMaybeSent (it was). Without one, an error that does not say
  // otherwise is taken as kMaybeSent: assuming "not sent" is what leaves searches behind.
  Reach reach = Reach::kMaybeSent;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Errors: kTransport (connect, reset, truncated), kTls, kTimeout, kCancelled, kLimitExceeded
  // (body over the response cap), each with its Reach. An HTTP error status is a response, not
  // an error.
  [[nodiscard]] virtual Exchange send(const HttpRequest& request, const BodySink* sink) = 0;
};

}  // namespace aihunt::qradar
