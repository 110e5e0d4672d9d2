// Prefer: wait against the request timeout (issue 9, point 6): with a short request timeout and
// a slow qradar-emu, aihunt's held status reads end before their own limit. Before the fix the
// client asked Ariel to hold each read as long as (or longer than) it was willing to wait for the
// answer, so every held read timed out and was sent again.
#include <catch2/catch.hpp>

#include "tests/integration/online_support.h"

using namespace aihunt::testing;
using namespace aihunt::testing::online;

TEST_CASE("held status reads never outlast a short request timeout", "[online][prefer]") {
  // WAIT, EXECUTE and SORTING take 1.5 s each: the search runs for about 4.5 s.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "1500"}), emuConfig());
  REQUIRE(emu.ok());
  const auto result = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api", "--request-timeout", "2s",
                                               "--prefer-wait", "10", "--retries", "3"}));
  CHECK(result.exit_code == 0);
  CHECK_FALSE(findingKeys(result.out).empty());

  const auto log = requestLog(emu);
  // The per-event query and the aggregated upload query (aggregate_uploads).
  CHECK(countRequests(log, "POST", "/api/ariel/searches") == 2);
  int held = 0;
  for (const auto& r : log) {
    const std::string target = r["target"];
    if (r["method"] != "GET" || target.rfind("/api/ariel/searches/", 0) != 0 ||
        target.find("/results") != std::string::npos) {
      continue;
    }
    INFO(r.dump());
    if (r["headers"].contains("prefer")) {
      ++held;
      // The wait asked is at most half the request timeout.
      CHECK(r["headers"]["prefer"] == "wait=1");
    }
    // No status read was held as long as the request timeout (the client would have given up).
    CHECK(r["duration_us"].get<std::int64_t>() < 2'000'000);
    CHECK((r["status"] == 200 || r["status"] == 206));
  }
  CHECK(held >= 2);
}
