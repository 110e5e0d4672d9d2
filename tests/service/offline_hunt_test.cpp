// service::runOfflineHunt's own checks: an events file that changed since the run began.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "aql/parser.h"
#include "config/detection_settings_builder.h"
#include "service/hunt_query.h"
#include "service/offline_hunt.h"
#include "tests/support/temp_dir.h"

using namespace aihunt;

namespace {

class Count final : public service::FindingWriter {
 public:
  core::Status write(const detection::Finding& /*finding*/) override {
    ++written;
    return {};
  }
  core::Status finish() override { return {}; }
  int written = 0;
};

}  // namespace

TEST_CASE("a hunt whose events file changed since the run began fails on the events") {
  // A newcomer's trial: a gzip member appended while a run went on was read by the later hunts
  // only, and the run said ok. Each hunt checks the file after its scan against the stamp the
  // run took at its start.
  const std::string path = testing::makeTempDir("aihunt-offline-stamp-") + "/events.jsonl";
  const std::string line =
      R"({"starttime": 1795692000000, "sourceip": "10.1.9.99", "devicetype": 12,)"
      R"( "Application": "curl.exe", "URL": "https://api.openai.com/v1/models"})"
      "\n";
  std::ofstream(path) << line;
  auto settings = config::builtinDetectionSettings();
  REQUIRE(settings);
  service::OfflineHunt hunt;
  hunt.name = "aql";
  auto query = aql::parse(
      "SELECT starttime, sourceip, \"URL\" AS url, \"Application\" AS application FROM events");
  REQUIRE(query);
  hunt.query = std::move(*query);
  hunt.mapping = service::logicalColumnMapping();
  service::OfflineOptions options;
  options.now = 1795700000000;
  options.range = aql::TimeRange{1795690000000, 1795700000000};
  bool input_failed = false;
  options.input_failed = &input_failed;
  options.events_stamp = service::stampOf(path);
  REQUIRE(options.events_stamp);

  Count unchanged;
  service::OfflineReport report;
  REQUIRE(service::runOfflineHunt(path, hunt, *settings, unchanged, options, report));
  CHECK(report.rows == 1);
  CHECK(unchanged.written == 1);
  CHECK_FALSE(input_failed);

  std::ofstream(path, std::ios::app) << line;  // the export grows while the run goes on
  Count changed;
  const core::Status status =
      service::runOfflineHunt(path, hunt, *settings, changed, options, report);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == core::ErrorCode::kIo);
  CHECK(input_failed);
}
