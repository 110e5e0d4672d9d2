// `aihunt hunt` runs its hunts side by side, up to qradar.max_concurrent_searches, against the
// real qradar-emu: the emulator's own count of unfinished searches at once shows two ran
// together and never more than the limit (no timing in the test); the output is byte for byte
// that of a run one hunt at a time, and of a run with pages fetched strictly in turn; Ctrl-C
// cancels and deletes every running search.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/online_support.h"
#include "tests/support/background_process.h"

using aihunt::testing::binaryPath;
using aihunt::testing::parseJson;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using namespace aihunt::testing::online;
using nlohmann::json;

namespace {

// A config that sets the console (a qradar: section needs its url) and how many searches run
// at once.
std::string limitConfig(const RunningEmu& emu, int searches) {
  const std::string path = emu.dir() + "/aihunt-" + std::to_string(searches) + ".yaml";
  std::ofstream(path) << "qradar:\n  url: " << emu.base()
                      << "\n  max_concurrent_searches: " << searches << "\n";
  return path;
}

std::int64_t peakActive(RunningEmu& emu) {
  return parseJson(emu.admin("GET", "/admin/status").body)["peak_active_searches"]
      .get<std::int64_t>();
}

json searchesLeft(RunningEmu& emu) {
  return parseJson(emu.call("GET", "/api/ariel/searches", {}, {}, kToken).body);
}

// The hunts in the order their findings came out, each named once per run of findings.
std::vector<std::string> huntRuns(const std::string& jsonl) {
  std::vector<std::string> runs;
  std::istringstream lines(jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const std::string hunt = json::parse(line)["hunt"].get<std::string>();
    if (runs.empty() || runs.back() != hunt) runs.push_back(hunt);
  }
  return runs;
}

}  // namespace

TEST_CASE("hunts run two at a time, never more, and print as if run one after another",
          "[online][concurrency]") {
  // Each search spends 300 ms in each phase: two hunts started together are both unfinished
  // when the second is created. The emulator runs up to eight searches at once itself.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "300"}),
                 emuConfig("ariel:\n  workers: 8\n"));
  REQUIRE(emu.ok());

  const ProcessResult one = runAihunt(huntArgs(emu, {"--config", limitConfig(emu, 1)}));
  REQUIRE(one.exit_code == 0);
  CHECK(peakActive(emu) == 1);

  const ProcessResult two = runAihunt(huntArgs(emu, {"--config", limitConfig(emu, 2)}));
  REQUIRE(two.exit_code == 0);
  CHECK(peakActive(emu) == 2);  // two ran at once, and never three
  CHECK(two.out == one.out);
  const auto runs = huntRuns(two.out);
  CHECK(std::set<std::string>(runs.begin(), runs.end()).size() == runs.size());  // grouped
  CHECK(runs.size() >= 3);
  CHECK(searchesLeft(emu).empty());  // every hunt deleted its searches
}

TEST_CASE("pages fetched ahead give the same output as pages fetched in turn",
          "[online][prefetch]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  // Range reads of results in the emulator's log since it was last cleared.
  const auto results_reads = [&] {
    int reads = 0;
    for (const auto& r : requestLog(emu)) {
      const std::string target = r["target"].get<std::string>();
      if (r["method"] == "GET" && target.find("/results") != std::string::npos) ++reads;
    }
    emu.admin("DELETE", "/admin/requests");
    return reads;
  };
  const ProcessResult ahead = runAihunt(huntArgs(emu, {"--page-size", "3", "--show-suppressed"}));
  const int ahead_reads = results_reads();
  const ProcessResult in_turn =
      runAihunt(huntArgs(emu, {"--page-size", "3", "--show-suppressed", "--no-prefetch"}));
  const int in_turn_reads = results_reads();
  REQUIRE(ahead.exit_code == 0);
  REQUIRE(in_turn.exit_code == 0);
  CHECK(findingKeys(ahead.out).size() > 10);
  CHECK(ahead.out == in_turn.out);
  CHECK(ahead_reads > 10);
  CHECK(ahead_reads == in_turn_reads);  // no page read twice, none skipped
  CHECK(searchesLeft(emu).empty());
}

TEST_CASE("Ctrl-C cancels and deletes every running search", "[online][concurrency][cancel]") {
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "20000"}),
                 emuConfig("ariel:\n  workers: 8\n"));
  REQUIRE(emu.ok());
  // A background process gets no environment of ours: the token comes from a file.
  const std::string token_file = emu.dir() + "/token";
  std::ofstream(token_file) << kToken;
  ::chmod(token_file.c_str(), 0600);
  aihunt::testing::BackgroundProcess hunt(
      binaryPath("aihunt"),
      huntArgs(emu, {"--config", limitConfig(emu, 3), "--token-file", token_file}));
  // Bounded wait until the emulator holds three searches of this run.
  std::size_t running = 0;
  for (int i = 0; i < 200 && running < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    running = searchesLeft(emu).size();
  }
  INFO(hunt.err());
  REQUIRE(running == 3);
  ::kill(hunt.pid(), SIGINT);
  for (int i = 0; i < 200 && hunt.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_FALSE(hunt.running());
  CHECK(hunt.stop(1000) == 130);  // 128 + SIGINT, the shell's convention
  CHECK(hunt.err().find("interrupted") != std::string::npos);
  // Said as the interrupt came, once, with the way out of the wait.
  const std::string err = hunt.err();
  const std::size_t notice = err.find("Ctrl-C again quits without waiting");
  CHECK(notice != std::string::npos);
  CHECK(err.find("Ctrl-C again", notice + 1) == std::string::npos);
  CHECK(hunt.out().empty());  // no findings document for a run that did not finish
  CHECK(peakActive(emu) == 3);
  CHECK(searchesLeft(emu).empty());
  CHECK(countRequests(requestLog(emu), "DELETE", "/api/ariel/searches/") == 3);
}
