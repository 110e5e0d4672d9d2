// API version negotiation (issue 9, point 4): real aihunt against qradar-emu serving a QRadar
// release's versions. aihunt reads /api/help/versions on connect and sends the newest version
// both speak (26.0 on 7.5 UP13, 22.0 on 7.5 UP8); a pinned version is sent as is, refused when
// the console removed it, reported when it is deprecated.
#include <catch2/catch.hpp>

#include <set>

#include "tests/integration/online_support.h"

using namespace aihunt::testing;
using namespace aihunt::testing::online;
using nlohmann::json;

namespace {

// The Version header of every recorded API request but the probe, as a set.
std::set<std::string> versionsSent(const json& log) {
  std::set<std::string> out;
  for (const auto& r : log) {
    if (r["target"] == "/api/help/versions") continue;
    out.insert(r["headers"].value("version", "(none)"));
  }
  return out;
}

std::vector<std::string> checkArgs(const RunningEmu& emu, std::vector<std::string> extra = {}) {
  return concat(
      {"check", "--qradar-url", emu.base(), "--ca-file", emu.caFile(), "--retry-delay", "20ms"},
      extra);
}

std::string lineOf(const std::string& out, const std::string& start) {
  const auto at = out.find(start);
  if (at == std::string::npos) return {};
  return out.substr(at, out.find('\n', at) - at);
}

}  // namespace

TEST_CASE("7.5 UP13: the newest shared version, 26.0, is negotiated", "[online][version]") {
  RunningEmu emu(concat(sampleData(), {"--api-profile", "7.5 UP13"}), emuConfig());
  REQUIRE(emu.ok());
  const auto check = runAihunt(checkArgs(emu));
  CHECK(check.exit_code == 0);
  const std::string version = lineOf(check.out, "ok    API version");
  CHECK(version.find("26.0 (negotiated") != std::string::npos);
  CHECK(version.find("23.0 deprecated") != std::string::npos);
  const json log = requestLog(emu);
  REQUIRE(log.size() >= 2);
  CHECK(log[0]["target"] == "/api/help/versions");
  CHECK(log[0]["headers"]["version"] == "26.0");
  CHECK(versionsSent(log) == std::set<std::string>{"26.0"});

  emu.admin("DELETE", "/admin/requests");
  const auto hunt = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api"}));
  CHECK(hunt.exit_code == 0);
  CHECK_FALSE(findingKeys(hunt.out).empty());
  CHECK(versionsSent(requestLog(emu)) == std::set<std::string>{"26.0"});
}

TEST_CASE("7.5 UP8: 22.0 is negotiated (the probe's 26.0 is served as its newest)",
          "[online][version]") {
  RunningEmu emu(concat(sampleData(), {"--api-profile", "7.5 UP8"}), emuConfig());
  REQUIRE(emu.ok());
  const auto hunt = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api"}));
  CHECK(hunt.exit_code == 0);
  CHECK_FALSE(findingKeys(hunt.out).empty());
  CHECK(versionsSent(requestLog(emu)) == std::set<std::string>{"22.0"});
}

TEST_CASE("a pinned version is sent as is: refused when removed, reported when deprecated",
          "[online][version]") {
  RunningEmu emu(concat(sampleData(), {"--api-profile", "7.5 UP13"}), emuConfig());
  REQUIRE(emu.ok());
  const auto removed = runAihunt(checkArgs(emu, {"--api-version", "20.0"}));
  CHECK(removed.exit_code == 3);
  CHECK(lineOf(removed.out, "FAIL  API version").find("20.0 (pinned)") != std::string::npos);
  const json log = requestLog(emu);
  // No version question when pinned; only the first request, which carries no token.
  std::size_t without_token = 0;
  for (const auto& request : log) without_token += isTokenlessProbe(request) ? 1 : 0;
  CHECK(without_token == 1);
  CHECK(countTarget(log, "GET", "/api/help/versions") == 1);
  CHECK(versionsSent(log) == std::set<std::string>{"20.0"});

  const auto deprecated = runAihunt(checkArgs(emu, {"--api-version", "23.0"}));
  CHECK(deprecated.exit_code == 0);
  CHECK(lineOf(deprecated.out, "ok    API version").find("Deprecated: true") != std::string::npos);
  // check reads the range the console serves for a pinned version too (the report's promise).
  CHECK(lineOf(deprecated.out, "ok    API version").find("; the console serves ") !=
        std::string::npos);
  CHECK(lineOf(deprecated.out, "ok    API version").find(" to 26.0") != std::string::npos);
}
