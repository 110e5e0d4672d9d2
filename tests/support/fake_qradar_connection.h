#pragma once
// A service::QRadarConnection for sink tests: its API client talks to a FakeHttpTransport
// (tests/support/fake_http_transport.h) with a manual clock, so no request leaves the process
// and retries take no time. One attempt per request: a test's failure is the sink's to handle.
#include <memory>
#include <string>

#include "core/logging.h"
#include "qradar_client/api_client.h"
#include "service/qradar_connection.h"
#include "tests/support/fake_http_transport.h"

namespace aihunt::testing {

struct FakeConnectionSeams {
  ManualClock clock;
  ClockSleeper sleeper{clock};
  FixedRandom random;
};

inline std::unique_ptr<service::QRadarConnection> fakeConnection(qradar::HttpTransport& transport,
                                                                 FakeConnectionSeams& seams,
                                                                 const std::string& api_version) {
  auto connection = std::make_unique<service::QRadarConnection>();
  qradar::ApiSettings settings;
  settings.base_url = "https://console.test";
  settings.api_version = api_version;
  settings.retry.max_attempts = 1;
  connection->api = std::make_unique<qradar::ApiClient>(
      qradar::ApiDeps{transport, seams.clock, seams.sleeper, seams.random,
                      std::make_shared<core::Redactor>(), core::makeNullLogger()},
      settings);
  return connection;
}

// The value of query parameter `key` in `url`, percent-decoded ("" when absent).
inline std::string queryParam(const std::string& url, const std::string& key) {
  const auto query = url.find('?');
  auto at = url.find(key + "=", query == std::string::npos ? 0 : query);
  while (at != std::string::npos && at > 0 && url[at - 1] != '?' && url[at - 1] != '&') {
    at = url.find(key + "=", at + 1);
  }
  if (at == std::string::npos) return {};
  const auto end = url.find('&', at);
  const std::string text =
      url.substr(at + key.size() + 1,
                 end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace aihunt::testing
