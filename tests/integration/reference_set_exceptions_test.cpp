// Exceptions fed by QRadar reference sets, end to end: the real `aihunt run --once` against the
// real qradar-emu over TLS, on both API generations (legacy sets at a pinned 20.0; auto, which
// settles on 26.0 and reads set_entries). The SOC's allow-list set holds the source of a finding,
// so the finding is suppressed. Then the set cannot be read (emulator faults on the reference data
// paths) and the daemon restarts: the stored copy keeps suppressing, and the log says how old it
// is. A fresh state file with the set unreadable has no copy at all: nothing is suppressed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/emulator/emu_fixture.h"
#include "tests/integration/daemon_support.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;  // NOLINT(google-build-using-namespace)

namespace {

constexpr const char* kToken = "9a1c3e5f-2b4d-4f6a-8c0e-1a3c5e7f9b2d";
constexpr const char* kSet = "AIHunt Allowed Sources";

std::string emuConfig() {
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\nadmin_token: admin-token-0003\nariel:\n  workers: 2\n";
}

// proxyEvent()'s source, 10.1.4.21, written as an IPv4-mapped IPv6 address: the set compares
// addresses, not text.
void createAllowList(RunningEmu& emu) {
  const std::string sets = "/api/reference_data/sets";
  const std::string name = urlEncode(kSet);
  REQUIRE(
      emu.call("POST", sets + "?name=" + name + "&element_type=IP", {"Version: 20.0"}, {}, kToken)
          .status == 201);
  REQUIRE(emu.call("POST", sets + "/bulk_load/" + name,
                   {"Version: 20.0", "Content-Type: application/json"},
                   R"(["10.9.9.9", "::ffff:10.1.4.21"])", kToken)
              .status == 200);
}

void setFaults(RunningEmu& emu, const std::string& yaml) {
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  if (yaml.empty()) return;
  const auto reply = emu.admin("POST", "/admin/faults", yaml);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
}

const std::string kException = std::string(
                                   "exceptions:\n"
                                   "  - id: soc-allow-list\n"
                                   "    reason: sources the SOC allows\n"
                                   "    owner: soc@example.com\n"
                                   "    match:\n"
                                   "      reference_set: {name: ") +
                               kSet + ", field: source_ip}\n";

RunDir makeRun(const RunningEmu& emu, const std::string& api_version) {
  return makeRunDir(emu, "aihunt-refexc-test-", kToken, "  api_version: \"" + api_version + "\"\n",
                    std::string("hunts:\n") + kProxyHunt + kException);
}

struct RemoveAtEnd {
  const RunDir& run;
  ~RemoveAtEnd() {
    std::error_code ignored;
    std::filesystem::remove_all(run.dir, ignored);
  }
};

}  // namespace

TEST_CASE("an allow-list reference set suppresses, and its stored copy keeps suppressing",
          "[daemon][reference_sets]") {
  const std::string api_version = GENERATE(std::string("20.0"), std::string("auto"));
  INFO("api_version " << api_version);
  RunningEmu emu({}, emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(kSampleNow);
  setEmuClock(emu, t0);
  addEvents(emu, {t0 - 30 * kMinute});
  createAllowList(emu);
  const RunDir run = makeRun(emu, api_version);
  const RemoveAtEnd cleanup{run};

  // 1. The set is read; the finding's source is in it: suppressed, nothing delivered.
  const ProcessResult first = runOnce(run, iso(t0));
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  auto table = parseTable(first.out);
  REQUIRE(table.count("proxy-ai-api") == 1);
  CHECK(table.at("proxy-ai-api").rows == 1);
  CHECK(table.at("proxy-ai-api").findings == 0);
  CHECK(readFindings(run.findings()).rows.empty());

  // 2. The reference data API now fails, and the daemon starts again (a restart): the copy in the
  //    state store suppresses the next window's finding too.
  setFaults(emu, "- {kind: status_503, path: \"/api/reference_data*\", times: -1}\n");
  setEmuClock(emu, t0 + 40 * kMinute);
  addEvents(emu, {t0 + 20 * kMinute});
  const ProcessResult second = runOnce(run, iso(t0 + 40 * kMinute));
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  table = parseTable(second.out);
  CHECK(table.at("proxy-ai-api").rows == 1);
  CHECK(table.at("proxy-ai-api").findings == 0);
  CHECK(readFindings(run.findings()).rows.empty());
  // Said once, with the age of the copy in use (read 40 minutes earlier on the --now clock).
  CHECK(second.err.find("could not be read") != std::string::npos);
  CHECK(second.err.find("copy read 40m ago") != std::string::npos);

  // 3. Control: a fresh state file, the set still unreadable. No copy anywhere: the exception
  //    does not hold and both findings are raised.
  const RunDir fresh = makeRun(emu, api_version);
  const RemoveAtEnd cleanup_fresh{fresh};
  const ProcessResult third = runOnce(fresh, iso(t0 + 40 * kMinute));
  INFO(third.out << third.err);
  REQUIRE(third.exit_code == 0);
  table = parseTable(third.out);
  CHECK(table.at("proxy-ai-api").findings == 2);
  CHECK(readFindings(fresh.findings()).rows.size() == 2);
}
