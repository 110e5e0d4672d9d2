// One hunt through the engine against a scripted console: a result row whose text is not valid
// UTF-8 or holds a lone surrogate escape (a planted log event) is analysed with U+FFFD in place
// of what cannot be read, counted, and the hunt succeeds; before, the row failed the whole hunt
// and, in the daemon, its window was never done.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/detection_settings_builder.h"
#include "core/logging.h"
#include "qradar_client/api_client.h"
#include "service/hunt_engine.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

class Collect final : public service::FindingWriter {
 public:
  core::Status write(const detection::Finding& finding) override {
    users.push_back(finding.username);
    return {};
  }
  core::Status finish() override { return {}; }
  std::vector<std::string> users;
};

std::string decodedForm(const std::string& body) {
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

}  // namespace

TEST_CASE("a planted row with broken text is analysed, and the hunt succeeds") {
  const std::string rows =
      R"({"events":[)"
      R"({"sourceip":"10.1.4.21","username":"x\ud800y","InitiatingApplication":"curl.exe",)"
      R"("DestinationURL":"https://api.openai.com/v1/chat/completions"},)"
      "{\"sourceip\":\"10.1.4.22\",\"username\":\"\x9b\",\"InitiatingApplication\":\"curl.exe\","
      "\"DestinationURL\":\"https://api.openai.com/v1/chat/completions\"},"
      R"({"sourceip":"10.1.4.23","username":"ok","InitiatingApplication":"curl.exe",)"
      R"("DestinationURL":"https://api.openai.com/v1/chat/completions"}]})";
  std::string query;
  const auto status = [&](const std::string& state, int records) {
    return jsonResponse(200, nlohmann::json{{"search_id", "s1"},
                                            {"status", state},
                                            {"progress", 100},
                                            {"record_count", records},
                                            {"query_string", query}}
                                 .dump());
  };
  testing::FakeHttpTransport transport{[&](const qradar::HttpRequest& r) -> qradar::Exchange {
    const std::string path = r.url.substr(r.url.find("/api/"));
    if (r.method == "POST" && path == "/api/ariel/searches") {
      query = decodedForm(r.body);
      return status("WAIT", 0);
    }
    if (r.method == "DELETE") return status("CANCELED", 0);
    if (path.find("/results") != std::string::npos) return jsonResponse(200, rows);
    return status("COMPLETED", 3);
  }};
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  qradar::ApiSettings api_settings;
  api_settings.base_url = "https://console.test";
  api_settings.api_version = "20.0";
  qradar::ApiClient api(qradar::ApiDeps{transport, clock, sleeper, random,
                                        std::make_shared<core::Redactor>(), core::makeNullLogger()},
                        api_settings);
  const auto settings = config::builtinDetectionSettings();
  REQUIRE(settings.ok());
  service::HuntJob job;
  job.name = "proxy";
  job.aql = "SELECT * FROM events LAST 5 MINUTES";
  Collect writer;
  service::HuntObserver observer;
  std::atomic<bool> stop{false};
  const qradar::Cancellation cancellation(stop);
  service::HuntEngine engine(api, *settings, service::EngineOptions{});
  const service::HuntOutcome outcome = engine.run(job, writer, observer, cancellation);

  INFO((outcome.error ? outcome.error->message : std::string("no error")));
  CHECK(outcome.result == service::HuntResult::kOk);
  CHECK(outcome.rows == 3);
  CHECK(outcome.stats.repaired_rows == 2);
  CHECK(writer.users == std::vector<std::string>{"x\xEF\xBF\xBDy", "\xEF\xBF\xBD", "ok"});
}
