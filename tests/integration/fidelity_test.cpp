// QRadar fidelity (issue 9) end to end: the real `aihunt hunt` against the real qradar-emu set
// to consoles in other time zones. IBM's "Time criteria in AQL queries"
// (https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_start_stop.html) marks UTC
// START/STOP text with a Z suffix; text without it is read in the console's zone.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

using aihunt::testing::binaryPath;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";

std::string emuConfig() {
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\n"
         "  - {token: hunter-token-0001, user: other, role: hunter}\n"
         "admin_token: admin-token-0003\n";
}

std::vector<std::string> emuArgs(const std::string& zone) {
  return {"--events",           sourcePath("content/samples/events.jsonl"),
          "--lookups",          sourcePath("content/samples/qradar_lookups.json"),
          "--console-timezone", zone};
}

ProcessResult hunt(const RunningEmu& emu, const std::string& last) {
  return runProcess(binaryPath("aihunt"),
                    {"hunt", "--now", aihunt::testing::kSampleNow, "--last", last, "--format",
                     "jsonl", "--show-suppressed", "--qradar-url", emu.base(), "--ca-file",
                     emu.caFile(), "--retry-delay", "20ms", "--poll-delay", "20ms"},
                    {}, 60, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
}

std::set<std::string> findingIds(const std::string& jsonl) {
  std::set<std::string> ids;
  std::istringstream lines(jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const json finding = json::parse(line);
    ids.insert(finding["hunt"].get<std::string>() + "|" + finding["finding_id"].get<std::string>());
  }
  return ids;
}

std::string percentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

// The AQL of every search aihunt created, from the emulator's request log.
std::vector<std::string> sentQueries(RunningEmu& emu) {
  std::vector<std::string> queries;
  const json log = aihunt::testing::parseJson(emu.admin("GET", "/admin/requests").body);
  for (const auto& r : log["requests"]) {
    if (r["method"] == "POST" && r["target"] == "/api/ariel/searches") {
      queries.push_back(percentDecode(r["body"].get<std::string>()));
    }
  }
  return queries;
}

}  // namespace

TEST_CASE("the same hunt finds the same events on consoles at UTC, UTC-5 and UTC+13",
          "[online][fidelity][timezone]") {
  // 5 hours is the window the zone-less form lost entirely at UTC-5; 24 hours lost most of the
  // sample at UTC+13.
  for (const std::string last : {"5h", "24h"}) {
    std::vector<std::set<std::string>> found;
    for (const std::string zone : {"UTC", "-05:00", "+13:00"}) {
      INFO(zone << ", --last " << last);
      RunningEmu emu(emuArgs(zone), emuConfig());
      REQUIRE(emu.ok());
      const ProcessResult result = hunt(emu, last);
      INFO(result.err);
      REQUIRE(result.exit_code == 0);
      found.push_back(findingIds(result.out));
      const auto queries = sentQueries(emu);
      CHECK(queries.size() >= 5);
      for (const std::string& query : queries) {
        INFO(query);
        // Whole-minute UTC START/STOP plus the exact starttime filter.
        CHECK(query.find("Z' STOP '") != std::string::npos);
        CHECK(query.find("starttime >= ") != std::string::npos);
      }
    }
    INFO("--last " << last);
    CHECK_FALSE(found[0].empty());
    CHECK(found[1] == found[0]);
    CHECK(found[2] == found[0]);
  }
}

TEST_CASE("zone-less START/STOP text is read in the console's zone",
          "[online][fidelity][timezone]") {
  // Events at 13:xx, 14:xx and 15:xx UTC on 2026-11-26 in the sample.
  const std::string utc =
      "SELECT sourceip FROM events START '2026-11-26 13:00Z' STOP '2026-11-26 "
      "18:00Z'";
  const std::string zoneless =
      "SELECT sourceip FROM events START '2026-11-26 13:00' STOP '2026-11-26 18:00'";
  const std::string zoneless_local_minus5 =
      "SELECT sourceip FROM events START '2026-11-26 08:00' STOP '2026-11-26 13:00'";
  const auto count = [](RunningEmu& emu, const std::string& aql) {
    const json created = emu.createSearch(aql);
    const json done = emu.waitSearch(created["search_id"].get<std::string>());
    REQUIRE(done["status"] == "COMPLETED");
    return done["record_count"].get<std::int64_t>();
  };
  RunningEmu at_utc(emuArgs("UTC"), emuConfig());
  REQUIRE(at_utc.ok());
  const std::int64_t expected = count(at_utc, utc);
  CHECK(expected >= 3);
  CHECK(count(at_utc, zoneless) == expected);

  RunningEmu at_minus5(emuArgs("-05:00"), emuConfig());
  REQUIRE(at_minus5.ok());
  CHECK(count(at_minus5, utc) == expected);
  // The same zone-less text means 18:00-23:00 UTC there: nothing from the sample.
  CHECK(count(at_minus5, zoneless) == 0);
  // Local 08:00-13:00 at UTC-5 is 13:00-18:00 UTC.
  CHECK(count(at_minus5, zoneless_local_minus5) == expected);
}
