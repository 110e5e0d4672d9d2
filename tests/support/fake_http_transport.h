#pragma once
// Test doubles for the QRadar client's seams: an HttpTransport that answers from a handler and
// records every request, a clock that only moves when told, a sleeper that moves that clock
// instead of sleeping, and a Random with a fixed answer. Retry, backoff and deadline logic run
// in microseconds.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "qradar_client/http_transport.h"
#include "qradar_client/retry_policy.h"

namespace aihunt::testing {

class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(core::TimePoint start = core::TimePoint(std::chrono::hours(500'000)))
      : now_(start) {}
  [[nodiscard]] core::TimePoint now() const override { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  core::TimePoint now_;
};

class ClockSleeper final : public qradar::Sleeper {
 public:
  explicit ClockSleeper(ManualClock& clock) : clock_(clock) {}
  void sleepFor(std::chrono::milliseconds duration) override {
    total += duration;
    clock_.advance(duration);
  }
  std::chrono::milliseconds total{0};

 private:
  ManualClock& clock_;
};

class FixedRandom final : public qradar::Random {
 public:
  explicit FixedRandom(double value = 0.5) : value_(value) {}
  double uniform() override { return value_; }

 private:
  double value_;
};

// A form body's first value, percent- and plus-decoded ("query_expression=SELECT%20..." ->
// "SELECT ...").
inline std::string formValue(const std::string& body) {
  std::string out;
  const std::string encoded = body.substr(body.find('=') + 1);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      out.push_back(static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(encoded[i] == '+' ? ' ' : encoded[i]);
    }
  }
  return out;
}

inline qradar::HttpResponse jsonResponse(int status, std::string body,
                                         qradar::Headers headers = {}) {
  qradar::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  response.headers.emplace_back("Content-Type", "application/json");
  return response;
}

// A transport failure that provably never reached the server (connect refused, DNS, TLS
// handshake), or one that may have (a timeout or reset after the request was written). A handler
// returning a plain error means the latter, as the real transport assumes when it cannot tell.
inline qradar::Exchange notSent(core::ErrorCode code, std::string message) {
  return {core::makeError(code, std::move(message)), qradar::Reach::kNotSent};
}
inline qradar::Exchange maybeSent(core::ErrorCode code, std::string message) {
  return {core::makeError(code, std::move(message)), qradar::Reach::kMaybeSent};
}

class FakeHttpTransport final : public qradar::HttpTransport {
 public:
  // Returns a response, an error, or an Exchange (an error with its Reach).
  using Handler = std::function<qradar::Exchange(const qradar::HttpRequest&)>;

  explicit FakeHttpTransport(Handler handler) : handler_(std::move(handler)) {}

  qradar::Exchange send(const qradar::HttpRequest& request, const qradar::BodySink* sink) override {
    requests.push_back(request);
    qradar::Exchange exchange = handler_(request);
    auto& response = exchange.response;
    if (response && sink != nullptr) {
      if (auto status = (*sink)(response->body); !status) return status.error();
      response->body.clear();
    }
    return exchange;
  }

  // "GET /api/ariel/searches/s1" for each recorded request (path without the base URL).
  [[nodiscard]] std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& request : requests) {
      const auto path = request.url.find("/api/");
      out.push_back(request.method + " " + request.url.substr(path));
    }
    return out;
  }

  std::vector<qradar::HttpRequest> requests;

 private:
  Handler handler_;
};

}  // namespace aihunt::testing
