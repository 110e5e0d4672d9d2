// The aggregated upload query of a hunt: how it is planned from config, and its rows read the
// way each engine path reads them (Ariel JSON rows through the row decoder; the offline
// evaluator's rows through the binder) into window findings.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "aql/printer.h"
#include "config/content_pack.h"
#include "config/detection_settings_builder.h"
#include "results/row_decoder.h"
#include "service/hunt_plan.h"
#include "service/hunt_query.h"
#include "service/offline_hunt.h"
#include "service/upload_stage.h"

using namespace aihunt;

namespace {

constexpr core::EpochMs kFrom = 1'795'651'200'000;  // 2026-11-26T00:00:00Z
constexpr core::EpochMs kTo = kFrom + 3'600'000;

const detection::DetectionSettings& builtin() {
  static const auto settings = config::builtinDetectionSettings();
  REQUIRE(settings);
  return *settings;
}

config::HuntConfig builtinHunt(const std::string& name) {
  const auto pack = config::builtinContentPack();
  REQUIRE(pack);
  for (const auto& hunt : pack->hunts) {
    if (hunt.name == name) return hunt;
  }
  FAIL("no built-in hunt " << name);
  return {};
}

struct TempDir {
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "aihunt-upload-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

class Collect final : public service::FindingWriter {
 public:
  core::Status write(const detection::Finding& finding) override {
    found.push_back(finding);
    return {};
  }
  core::Status finish() override { return {}; }
  std::vector<detection::Finding> found;
};

std::vector<detection::Finding> uploads(const std::vector<detection::Finding>& all) {
  std::vector<detection::Finding> out;
  for (const auto& f : all) {
    if (f.signals.has(detection::Signal::kLargeUpload)) out.push_back(f);
  }
  return out;
}

}  // namespace

TEST_CASE("the proxy hunt plans a second, aggregated query; the other hunts do not") {
  const auto proxy = builtinHunt("proxy-ai-api");
  CHECK(proxy.aggregate_uploads);
  auto upload = service::uploadQuery(proxy, builtin(), kFrom, kTo);
  REQUIRE(upload);
  REQUIRE(*upload);
  const std::string text = aql::print(**upload);
  CHECK(text.find("GROUP BY sourceip, username, \"URL\", \"Application\", \"User Agent\", "
                  "devicetype") != std::string::npos);
  // Grouped by log source type and named, so that aihunt's own LEEF events are left out.
  CHECK(text.find("LOGSOURCETYPENAME(devicetype) AS log_source_type") != std::string::npos);
  CHECK(text.find("SUM(\"Bytes Sent\") AS bytes_sent") != std::string::npos);
  CHECK(text.find("starttime >= 1795651200000 AND starttime < 1795654800000") != std::string::npos);
  CHECK(text.find("START '2026-11-26 00:00Z' STOP '2026-11-26 01:00Z'") != std::string::npos);
  // The same prefilter as the per-event query: only AI hosts are summed.
  auto events = service::huntQuery(proxy, builtin(), kFrom, kTo, true);
  REQUIRE(events);
  CHECK(aql::printExpr(*(*upload)->where) == aql::printExpr(*events->where));

  auto none = service::uploadQuery(builtinHunt("endpoint-network"), builtin(), kFrom, kTo);
  REQUIRE(none);
  CHECK_FALSE(*none);

  auto plan = service::planConfiguredHunts({proxy}, builtin(), {}, aql::TimeRange{kFrom, kTo});
  REQUIRE(plan);
  REQUIRE(plan->front().upload_query);
  CHECK(plan->front().window == aql::TimeRange{kFrom, kTo});
}

TEST_CASE("Ariel rows of the aggregated query become window findings") {
  const auto& settings = builtin();
  const auto hunt = builtinHunt("proxy-ai-api");
  Collect writer;
  service::UploadStage stage(settings, hunt.name, hunt.signals, {kFrom, kTo}, writer, kTo, false);
  results::RowDecoder groups(service::uploadGroupMapping());
  results::RowDecoder counts(service::uploadCountMapping());
  const auto row = [&](const char* source, const char* agent, std::int64_t bytes, int requests) {
    const std::string json = nlohmann::json{
        {"source_ip", source},
        {"username", "u"},
        {"url", "https://api.anthropic.com/v1/messages"},
        {"application", nullptr},
        {"user_agent", agent},
        {"bytes_sent", bytes},
        {"event_time", kFrom + 60'000},
        {"request_count", requests},
        {"last_event_time",
         kFrom + 120'000}}.dump();
    detection::Event group;
    detection::Event count;
    REQUIRE(groups.decode(json, group));
    REQUIRE(counts.decode(json, count));
    stage.consume(group, count);
  };
  row("10.0.0.1", "python-requests/2.31", 3'000'000, 250);
  row("10.0.0.2", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", 3'000'000, 250);
  REQUIRE(stage.finish());
  REQUIRE(writer.found.size() == 1);
  const auto& f = writer.found[0];
  CHECK(f.source_ip == "10.0.0.1");
  CHECK(f.provider == "anthropic");
  CHECK(f.bytes_sent == 3'000'000);
  CHECK(f.evidence.find("250 requests from 2026-11-26T00:01:00.000Z to 2026-11-26T00:02:00.000Z") !=
        std::string::npos);
  CHECK(stage.stats().events == 2);
  CHECK(stage.stats().browser_events_skipped == 1);
}

TEST_CASE("the offline engine runs the second query over the same events") {
  const TempDir dir;
  const std::string path = dir.path + "/events.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 300; ++i) {
      nlohmann::json event = {{"starttime", kFrom + i * 10'000LL},
                              {"sourceip", "10.9.0.1"},
                              {"username", "exfil"},
                              {"URL", "https://api.openai.com/v1/files"},
                              {"Application", "/usr/bin/python3"},
                              {"Bytes Sent", 10'486}};
      out << event.dump() << "\n";
      event["sourceip"] = "10.9.0.2";
      event["username"] = "browser";
      event.erase("Application");
      event["User Agent"] = "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0";
      out << event.dump() << "\n";
    }
  }
  auto plan = service::planConfiguredHunts({builtinHunt("proxy-ai-api")}, builtin(), {},
                                           aql::TimeRange{kFrom, kTo});
  REQUIRE(plan);
  service::OfflineHunt hunt;
  hunt.name = plan->front().name;
  hunt.query = plan->front().query;
  hunt.mapping = plan->front().mapping;
  hunt.signals = plan->front().signals;
  hunt.upload_query = plan->front().upload_query;
  service::OfflineOptions options;
  options.now = kTo;
  options.range = aql::TimeRange{kFrom, kTo};
  Collect writer;
  service::OfflineReport report;
  if (auto ran = service::runOfflineHunt(path, hunt, builtin(), writer, options, report); !ran) {
    FAIL(ran.error().message);
  }
  const auto found = uploads(writer.found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].username == "exfil");
  CHECK(found[0].bytes_sent == 300 * 10'486);
  // 600 event rows, then 2 aggregated rows (one per source).
  CHECK(report.rows == 602);
  CHECK(report.stats.browser_events_skipped == 301);

  SECTION("without the second query, nothing is large") {
    hunt.upload_query.reset();
    Collect quiet;
    service::OfflineReport quiet_report;
    REQUIRE(service::runOfflineHunt(path, hunt, builtin(), quiet, options, quiet_report));
    CHECK(uploads(quiet.found).empty());
  }
}
