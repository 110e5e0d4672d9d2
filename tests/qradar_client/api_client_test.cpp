#include <catch2/catch.hpp>

#include "qradar_client/api_client.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

struct ApiHarness {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  int status = 200;
  testing::FakeHttpTransport transport{
      [this](const qradar::HttpRequest&) { return core::Result(jsonResponse(status, "{}")); }};
  std::unique_ptr<qradar::ApiClient> api;

  explicit ApiHarness(qradar::ApiSettings settings = {}) {
    if (settings.base_url.empty()) settings.base_url = "https://console.test";
    api = std::make_unique<qradar::ApiClient>(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        std::move(settings));
  }
};

}  // namespace

TEST_CASE("Basic auth sends an Authorization header and no SEC header", "[api]") {
  qradar::ApiSettings settings;
  settings.credentials.scheme = qradar::AuthScheme::kBasic;
  settings.credentials.username = "admin";
  settings.credentials.token = config::SecretString("password");
  ApiHarness h(std::move(settings));
  qradar::ApiCall call;
  call.path = "/api/ariel/databases";
  REQUIRE(h.api->callOk(call).ok());
  const auto& headers = h.transport.requests.at(0).headers;
  CHECK(qradar::findHeader(headers, "Authorization") == "Basic YWRtaW46cGFzc3dvcmQ=");
  CHECK_FALSE(qradar::findHeader(headers, "SEC").has_value());
}

TEST_CASE("a deadline shortens request timeouts and stops retries", "[api]") {
  qradar::ApiSettings settings;
  settings.retry.initial_delay = std::chrono::milliseconds(4'000);
  ApiHarness h(std::move(settings));
  h.status = 503;
  qradar::ApiCall call;
  call.path = "/api/ariel/searches";
  call.deadline = h.clock.now() + std::chrono::seconds(5);
  auto response = h.api->call(call);
  REQUIRE(response.ok());
  CHECK(response->status == 503);
  REQUIRE(h.transport.requests.size() == 2);  // the third wait would pass the deadline
  CHECK(h.transport.requests[0].timeout == std::chrono::seconds(5));
  CHECK(h.transport.requests[1].timeout < std::chrono::seconds(5));
  h.clock.advance(std::chrono::seconds(10));
  auto late = h.api->call(call);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == core::ErrorCode::kTimeout);
}

TEST_CASE("a call after cancellation sends nothing", "[api]") {
  ApiHarness h;
  std::atomic<bool> flag{true};
  qradar::ApiCall call;
  call.path = "/api/ariel/searches";
  call.abort_flag = &flag;
  auto response = h.api->call(call);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == core::ErrorCode::kCancelled);
  CHECK(h.transport.requests.empty());
}

TEST_CASE("urlEncode keeps unreserved characters only", "[api]") {
  CHECK(qradar::urlEncode("AIHunt AI API Users") == "AIHunt%20AI%20API%20Users");
  CHECK(qradar::urlEncode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(qradar::urlEncode("'%&=+") == "%27%25%26%3D%2B");
}

TEST_CASE("a held call's limit is the request timeout plus the hold, still capped by the deadline",
          "[api]") {
  qradar::ApiSettings settings;
  settings.request_timeout = std::chrono::seconds(2);
  ApiHarness h(std::move(settings));
  qradar::ApiCall call;
  call.path = "/api/ariel/searches/s1";
  call.hold = std::chrono::seconds(1);
  REQUIRE(h.api->call(call).ok());
  CHECK(h.transport.requests.at(0).timeout == std::chrono::seconds(3));
  call.deadline = h.clock.now() + std::chrono::milliseconds(2'500);
  REQUIRE(h.api->call(call).ok());
  CHECK(h.transport.requests.at(1).timeout == std::chrono::milliseconds(2'500));
}

TEST_CASE("a hostile Retry-After is clamped, not multiplied into an overflow", "[api]") {
  qradar::ApiSettings settings;
  settings.base_url = "https://console.test";
  settings.retry.max_attempts = 3;
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  testing::FakeHttpTransport transport{[](const qradar::HttpRequest&) {
    qradar::HttpResponse response = jsonResponse(503, "{}");
    response.headers.emplace_back("Retry-After", "9223372036854775807");
    return core::Result(response);
  }};
  qradar::ApiClient api(qradar::ApiDeps{transport, clock, sleeper, random,
                                        std::make_shared<core::Redactor>(), core::makeNullLogger()},
                        settings);
  qradar::ApiCall call;
  call.path = "/api/ariel/searches";
  auto response = api.call(call);
  REQUIRE(response.ok());
  CHECK(response->status == 503);
  CHECK(transport.requests.size() == 3);
  // Two waits, each at most the policy's longest delay.
  CHECK(sleeper.total > std::chrono::milliseconds(0));
  CHECK(sleeper.total <= 2 * settings.retry.max_delay);
}

namespace {

// A sleeper that, while the client waits between attempts, reads the request the client just
// sent (still alive in the client's retry loop): its header values must be wiped by then.
class InspectingSleeper final : public qradar::Sleeper {
 public:
  void sleepFor(std::chrono::milliseconds) override {
    ++pauses;
    if (last == nullptr) return;
    for (const auto& [name, value] : last->headers) {
      if (value.find_first_not_of('\0') != std::string::npos) ++unwiped_values;
    }
  }
  const qradar::HttpRequest* last = nullptr;
  int pauses = 0;
  int unwiped_values = 0;
};

}  // namespace

TEST_CASE("a sent request's header values, the token among them, are wiped", "[api]") {
  for (const auto scheme : {qradar::AuthScheme::kSec, qradar::AuthScheme::kBasic}) {
    testing::ManualClock clock;
    InspectingSleeper sleeper;
    testing::FixedRandom random;
    std::vector<std::string> sent_auth;  // what the transport saw while the request was live
    struct Capturing final : qradar::HttpTransport {
      InspectingSleeper* sleeper = nullptr;
      std::vector<std::string>* seen = nullptr;
      qradar::Exchange send(const qradar::HttpRequest& request, const qradar::BodySink*) override {
        sleeper->last = &request;
        for (const auto& [name, value] : request.headers) {
          if (name == "SEC" || name == "Authorization") seen->push_back(value);
        }
        return jsonResponse(503, "{}");
      }
    } transport;
    transport.sleeper = &sleeper;
    transport.seen = &sent_auth;
    qradar::ApiSettings settings;
    settings.base_url = "https://console.test";
    settings.credentials.scheme = scheme;
    settings.credentials.username = "admin";
    settings.credentials.token = config::SecretString("5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b");
    settings.retry.max_attempts = 3;
    qradar::ApiClient api(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        std::move(settings));
    qradar::ApiCall call;
    call.path = "/api/ariel/searches";
    static_cast<void>(api.call(call));
    // Sent with the token each time, and wiped before each wait.
    REQUIRE(sent_auth.size() == 3);
    CHECK(sent_auth[0].find(scheme == qradar::AuthScheme::kSec ? "5f0e2c1a" : "Basic ") == 0);
    CHECK(sleeper.pauses >= 2);
    CHECK(sleeper.unwiped_values == 0);
  }
}

TEST_CASE("a call that must not be repeated is sent again only when it provably never left",
          "[api][lost]") {
  struct Case {
    std::string name;
    qradar::Exchange first;
    bool sent_again;
  };
  const std::string qradar_500 = R"({"http_response":{"code":500},"code":1020,"message":"x"})";
  const std::string ariel_503 = R"({"code":1010,"message":"Ariel server is unavailable"})";
  for (const Case& c : {
           Case{"connect refused", testing::notSent(core::ErrorCode::kTransport, "refused"), true},
           Case{"429", jsonResponse(429, "{}"), true},
           Case{"QRadar's own 500", jsonResponse(500, qradar_500), true},
           Case{"QRadar's own 503", jsonResponse(503, ariel_503), true},
           Case{"timeout after sending", testing::maybeSent(core::ErrorCode::kTimeout, "t"), false},
           Case{"reset", testing::maybeSent(core::ErrorCode::kTransport, "reset"), false},
           Case{"a gateway's 502", jsonResponse(502, "<html>Bad Gateway</html>"), false},
           Case{"an empty 500", jsonResponse(500, ""), false},
       }) {
    INFO(c.name);
    ApiHarness h;
    int sends = 0;
    h.transport = testing::FakeHttpTransport([&](const qradar::HttpRequest&) -> qradar::Exchange {
      return sends++ == 0 ? c.first : qradar::Exchange(jsonResponse(201, "{}"));
    });
    qradar::ApiCall call;
    call.method = "POST";
    call.path = "/api/ariel/searches";
    call.repeatable = false;
    const qradar::Exchange result = h.api->exchange(call);
    CHECK(sends == (c.sent_again ? 2 : 1));
    CHECK(qradar::unknownOutcome(result) == !c.sent_again);
    // A repeatable call retries all of them alike.
    ApiHarness again;
    int repeats = 0;
    again.transport =
        testing::FakeHttpTransport([&](const qradar::HttpRequest&) -> qradar::Exchange {
          return repeats++ == 0 ? c.first : qradar::Exchange(jsonResponse(200, "{}"));
        });
    call.repeatable = true;
    CHECK(again.api->call(call).ok());
    CHECK(repeats == 2);
  }
}
