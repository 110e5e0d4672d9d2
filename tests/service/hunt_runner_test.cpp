// The hunts of one run side by side (service/hunt_runner.h): a hunt that runs out of memory on
// its own thread fails alone, with an error the run reports, and the next hunt still runs on
// that connection. Before, bad_alloc on a hunt's thread ended the process with std::terminate.
#include <catch2/catch.hpp>

#include <atomic>
#include <new>

#include "config/detection_settings_builder.h"
#include "core/exit_codes.h"
#include "service/hunt_runner.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/fake_qradar_connection.h"

using namespace aihunt;

namespace {

class NoFindings final : public service::FindingWriter {
 public:
  core::Status write(const detection::Finding& /*finding*/) override { return {}; }
  core::Status finish() override { return {}; }
};

}  // namespace

TEST_CASE("a hunt that runs out of memory fails alone and the next hunt runs") {
  int sent = 0;
  // The first hunt's create meets bad_alloc (as a huge answer would under ulimit -v); the
  // second hunt's finds no console.
  testing::FakeHttpTransport transport{[&](const qradar::HttpRequest& /*request*/) {
    if (++sent == 1) throw std::bad_alloc();
    return testing::notSent(core::ErrorCode::kTransport, "connection refused");
  }};
  testing::FakeConnectionSeams seams;
  const auto connection = testing::fakeConnection(transport, seams, "20.0");

  const auto settings = config::builtinDetectionSettings();
  REQUIRE(settings.ok());
  std::vector<service::HuntJob> jobs(2);
  jobs[0].name = "first";
  jobs[0].aql = "SELECT * FROM events LAST 5 MINUTES";
  jobs[1].name = "second";
  jobs[1].aql = "SELECT * FROM events LAST 5 MINUTES";
  NoFindings first;
  NoFindings second;
  service::HuntObserver observer;
  std::atomic<bool> stop{false};
  qradar::Cancellation cancellation(stop);
  std::vector<service::HuntOutcome> outcomes;
  service::HuntRunner runner(*settings, service::EngineOptions{});
  runner.run(jobs, {&first, &second}, {connection->api.get()}, observer, cancellation,
             [&](std::size_t /*index*/, const service::HuntOutcome& outcome) {
               outcomes.push_back(outcome);
               return true;
             });

  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].hunt == "first");
  CHECK(outcomes[0].result == service::HuntResult::kFailed);
  REQUIRE(outcomes[0].error.has_value());
  CHECK(outcomes[0].error->code == core::ErrorCode::kLimitExceeded);
  CHECK(outcomes[0].exitCode() == core::kExitSearchFailed);
  CHECK(outcomes[1].hunt == "second");
  CHECK(outcomes[1].result == service::HuntResult::kFailed);
  REQUIRE(outcomes[1].error.has_value());
  CHECK(outcomes[1].error->code == core::ErrorCode::kTransport);
  CHECK(sent >= 2);
}
