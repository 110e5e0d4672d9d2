// The console request metric (service/instrumented_transport.h): each request with credentials
// is timed under its method, endpoint template and status; the request sent without them at
// first contact (its 401 is the expected answer) is not, so that code="401" means a refused
// token.
#include <catch2/catch.hpp>

#include "core/metrics.h"
#include "service/instrumented_transport.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;

TEST_CASE("console requests are timed by endpoint and status, the tokenless probe is not") {
  core::Metrics metrics;
  service::declareDaemonMetrics(metrics);
  testing::FakeHttpTransport console([](const qradar::HttpRequest& request) -> qradar::Exchange {
    const bool credentials = qradar::findHeader(request.headers, "SEC").has_value() ||
                             qradar::findHeader(request.headers, "Authorization").has_value();
    return testing::jsonResponse(credentials ? 200 : 401, "{}");
  });
  service::InstrumentedTransport metered(console, metrics);
  const auto request = [](qradar::Headers headers) {
    qradar::HttpRequest out;
    out.url = "https://console.example/api/help/versions";
    out.headers = std::move(headers);
    return out;
  };
  const core::LabelValues refused = {"GET", "/api/help/versions", "401"};
  const core::LabelValues answered = {"GET", "/api/help/versions", "200"};
  static_cast<void>(metered.send(request({{"Version", "26.0"}}), nullptr));
  CHECK(console.requests.size() == 1);
  CHECK(metrics.value("aihunt_qradar_request_duration_seconds", refused) == 0);
  static_cast<void>(metered.send(request({{"SEC", "token"}}), nullptr));
  static_cast<void>(metered.send(request({{"authorization", "Basic eDp5"}}), nullptr));
  CHECK(metrics.value("aihunt_qradar_request_duration_seconds", answered) == 2);
  CHECK(metrics.value("aihunt_qradar_request_duration_seconds", refused) == 0);
}
