#pragma once
// A QRadar ApiClient over a FakeHttpTransport whose answers come from `answer`, with a manual
// clock and a sleeper that moves it (retries take no time): for the clients' unit tests.
#include <functional>
#include <memory>
#include <string>

#include "core/logging.h"
#include "qradar_client/api_client.h"
#include "tests/support/fake_http_transport.h"

namespace aihunt::testing {

struct FakeApiClient {
  ManualClock clock;
  ClockSleeper sleeper{clock};
  FixedRandom random;
  std::function<core::Result<qradar::HttpResponse>(const qradar::HttpRequest&)> answer;
  FakeHttpTransport transport{[this](const qradar::HttpRequest& r) { return answer(r); }};
  std::unique_ptr<qradar::ApiClient> api;

  explicit FakeApiClient(const std::string& version = "20.0") {
    qradar::ApiSettings settings;
    settings.base_url = "https://console.test";
    settings.api_version = version;
    api = std::make_unique<qradar::ApiClient>(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        settings);
  }
};

}  // namespace aihunt::testing
