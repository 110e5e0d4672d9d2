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
#include "service/hunt_engine.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/fake_qradar_connection.h"

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
      query = testing::formValue(r.body);
      return status("WAIT", 0);
    }
    if (r.method == "DELETE") return status("CANCELED", 0);
    if (path.find("/results") != std::string::npos) return jsonResponse(200, rows);
    return status("COMPLETED", 3);
  }};
  testing::FakeConnectionSeams seams;
  const auto connection = testing::fakeConnection(transport, seams, "20.0");
  const auto settings = config::builtinDetectionSettings();
  REQUIRE(settings.ok());
  service::HuntJob job;
  job.name = "proxy";
  job.aql = "SELECT * FROM events LAST 5 MINUTES";
  Collect writer;
  service::HuntObserver observer;
  std::atomic<bool> stop{false};
  const qradar::Cancellation cancellation(stop);
  service::HuntEngine engine(*connection->api, *settings, service::EngineOptions{});
  const service::HuntOutcome outcome = engine.run(job, writer, observer, cancellation);

  INFO((outcome.error ? outcome.error->message : std::string("no error")));
  CHECK(outcome.result == service::HuntResult::kOk);
  CHECK(outcome.rows == 3);
  CHECK(outcome.stats.repaired_rows == 2);
  CHECK(writer.users == std::vector<std::string>{"x\xEF\xBF\xBDy", "\xEF\xBF\xBD", "ok"});
}
