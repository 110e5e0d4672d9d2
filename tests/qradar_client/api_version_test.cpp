// API version negotiation against a scripted console: the console's list, the choice (newest
// served version aihunt speaks), and the probe itself (one unretried GET /api/help/versions sent
// with the newest version aihunt speaks).
#include <catch2/catch.hpp>

#include "qradar_client/api_version.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

std::vector<qradar::ConsoleApiVersion> profile(std::initializer_list<const char*> served,
                                               std::initializer_list<const char*> deprecated,
                                               std::initializer_list<const char*> removed) {
  std::vector<qradar::ConsoleApiVersion> out;
  for (const char* v : served) out.push_back({v, false, false});
  for (const char* v : deprecated) out.push_back({v, true, false});
  for (const char* v : removed) out.push_back({v, false, true});
  return out;
}

}  // namespace

TEST_CASE("version numbers compare as numbers", "[version]") {
  CHECK(qradar::apiVersionNumber("26.0") == 26.0);
  CHECK(*qradar::apiVersionNumber("9.0") < *qradar::apiVersionNumber("10.1"));
  CHECK(*qradar::apiVersionNumber("12.1") > *qradar::apiVersionNumber("12.0"));
  CHECK_FALSE(qradar::apiVersionNumber("20").has_value());
  CHECK_FALSE(qradar::apiVersionNumber("latest").has_value());
  CHECK_FALSE(qradar::apiVersionNumber("2x.0").has_value());
}

TEST_CASE("the newest served version aihunt speaks is chosen", "[version]") {
  SECTION("7.5 UP13: 24.0-26.0 served, 23.x deprecated, older removed -> 26.0") {
    auto choice =
        qradar::chooseApiVersion(profile({"24.0", "25.0", "26.0"}, {"23.0"}, {"20.0", "22.0"}));
    REQUIRE(choice.ok());
    CHECK(choice->version == "26.0");
    CHECK(choice->negotiated);
    CHECK(choice->console_oldest == "23.0");
    CHECK(choice->console_newest == "26.0");
    CHECK(choice->console_deprecated == std::vector<std::string>{"23.0"});
    CHECK_FALSE(choice->chosen_deprecated);
  }
  SECTION("7.5 UP8: 20.0-22.0 served -> 22.0") {
    auto choice = qradar::chooseApiVersion(profile({"20.0", "21.0", "22.0"}, {"19.0"}, {}));
    REQUIRE(choice.ok());
    CHECK(choice->version == "22.0");
  }
  SECTION("7.5 UP14: 25.0-27.0 served -> 26.0, not 27.0") {
    auto choice = qradar::chooseApiVersion(profile({"25.0", "26.0", "27.0"}, {"24.0"}, {}));
    REQUIRE(choice.ok());
    CHECK(choice->version == "26.0");
    CHECK(choice->console_newest == "27.0");
  }
  SECTION("only a deprecated version in common: chosen, and said so") {
    auto choice = qradar::chooseApiVersion(profile({"17.0", "18.0"}, {"20.0"}, {}));
    REQUIRE(choice.ok());
    CHECK(choice->version == "20.0");
    CHECK(choice->chosen_deprecated);
  }
  SECTION("no version in common: an error naming both ranges") {
    auto old = qradar::chooseApiVersion(profile({"15.0", "16.0"}, {}, {}));
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().message.find("15.0") != std::string::npos);
    CHECK_FALSE(qradar::chooseApiVersion(profile({"28.0"}, {}, {"26.0"})).ok());
    CHECK_FALSE(qradar::chooseApiVersion({}).ok());
  }
}

TEST_CASE("/api/help/versions is parsed leniently", "[version]") {
  auto parsed = qradar::parseHelpVersions(
      R"([{"id":1,"version":"25.0","deprecated":false,"removed":false,"root_resource_ids":[]},
          {"id":2,"version":"23.0","deprecated":true},{"version":"12.0","removed":true},
          "26.0", {"version":"bogus"}, 7])");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 4);
  CHECK(parsed->at(1).deprecated);
  CHECK(parsed->at(2).removed);
  CHECK(parsed->at(3).version == "26.0");
  CHECK_FALSE(qradar::parseHelpVersions(R"({"versions":[]})").ok());
  // A flag of another type reads as unset; it does not throw.
  auto odd = qradar::parseHelpVersions(
      R"([{"version":"25.0","deprecated":"yes","removed":1},{"version":"26.0","removed":null}])");
  REQUIRE(odd.ok());
  REQUIRE(odd->size() == 2);
  CHECK_FALSE(odd->at(0).deprecated);
  CHECK_FALSE(odd->at(0).removed);
  CHECK_FALSE(odd->at(1).removed);
}

TEST_CASE("negotiation: one unretried GET with the newest version aihunt speaks", "[version]") {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  int status = 200;
  testing::FakeHttpTransport transport{[&](const qradar::HttpRequest&) {
    return core::Result(jsonResponse(
        status, status == 200 ? R"([{"version":"20.0"},{"version":"21.0"},{"version":"22.0"}])"
                              : R"({"code":1020,"message":"server error"})"));
  }};
  qradar::ApiSettings settings;
  settings.base_url = "https://console.test";
  settings.api_version = "20.0";
  qradar::ApiClient api(qradar::ApiDeps{transport, clock, sleeper, random,
                                        std::make_shared<core::Redactor>(), core::makeNullLogger()},
                        settings);
  auto choice = qradar::negotiateApiVersion(api);
  REQUIRE(choice.ok());
  CHECK(choice->version == "22.0");
  REQUIRE(transport.requests.size() == 1);
  CHECK(transport.lines()[0] == "GET /api/help/versions");
  CHECK(qradar::findHeader(transport.requests[0].headers, "Version") == "26.0");
  CHECK(api.settings().api_version == "20.0");  // the caller applies the choice
  api.setApiVersion(choice->version);
  qradar::ApiCall call;
  call.path = "/api/ariel/databases";
  REQUIRE(api.call(call).ok());
  CHECK(qradar::findHeader(transport.requests[1].headers, "Version") == "22.0");

  status = 500;
  auto failed = qradar::negotiateApiVersion(api);
  REQUIRE_FALSE(failed.ok());
  CHECK(transport.requests.size() == 3);  // not retried
}

TEST_CASE("the token-less probe carries no credentials; after refuseAll nothing is sent",
          "[version]") {
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  bool answer = true;
  testing::FakeHttpTransport transport{[&](const qradar::HttpRequest&) {
    if (!answer) {
      return core::Result<qradar::HttpResponse>(
          core::makeError(core::ErrorCode::kTimeout, "no answer"));
    }
    return core::Result(jsonResponse(401, R"({"code":18,"message":"No SEC header present"})"));
  }};
  for (const auto scheme : {qradar::AuthScheme::kSec, qradar::AuthScheme::kBasic}) {
    qradar::ApiSettings settings;
    settings.base_url = "https://console.test";
    settings.api_version = "20.0";
    settings.credentials.scheme = scheme;
    settings.credentials.username = "admin";
    settings.credentials.token = config::SecretString("secret-token-value");
    qradar::ApiClient api(
        qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                        core::makeNullLogger()},
        settings);
    transport.requests.clear();
    answer = true;
    REQUIRE(qradar::probeWithoutToken(api).ok());  // a 401 is an HTTP answer
    REQUIRE(transport.requests.size() == 1);
    CHECK(transport.lines()[0] == "GET /api/help/versions");
    CHECK_FALSE(qradar::findHeader(transport.requests[0].headers, "SEC").has_value());
    CHECK_FALSE(qradar::findHeader(transport.requests[0].headers, "Authorization").has_value());

    answer = false;
    const auto unanswered = qradar::probeWithoutToken(api);
    REQUIRE_FALSE(unanswered.ok());
    CHECK(transport.requests.size() == 2);  // not retried
    api.refuseAll(unanswered.error());
    qradar::ApiCall call;
    call.path = "/api/ariel/searches";
    call.method = "POST";
    const auto refused = api.call(call);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == core::ErrorCode::kTimeout);
    CHECK(transport.requests.size() == 2);  // nothing more went out
  }
}
