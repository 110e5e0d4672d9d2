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
};

// Receives the body as it arrives. An error stops the transfer and becomes the send() result.
using BodySink = std::function<core::Status(std::string_view chunk)>;

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;  // empty when a sink took the body
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Errors: kTransport (connect, reset, truncated), kTls, kTimeout, kCancelled, kLimitExceeded
  // (body over the response cap). An HTTP error status is a response, not an error.
  [[nodiscard]] virtual core::Result<HttpResponse> send(const HttpRequest& request,
                                                        const BodySink* sink) = 0;
};

}  // namespace aihunt::qradar
