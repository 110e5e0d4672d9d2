// What a person at a terminal sees of an online hunt, and the online CLI conventions (issue 13):
// the progress display in a real terminal (tmux) against the real qradar-emu, short status
// reads only while it shows, an AQL syntax error as an input error, and the clear-text warning
// of a plain http:// console said once.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/online_support.h"

using namespace aihunt::testing;
using namespace aihunt::testing::online;

namespace {

// A tmux server of the test's own (its own socket, no user config), killed with the object.
class Tmux {
 public:
  explicit Tmux(const std::string& dir) : socket_(dir + "/tmux.sock") {}
  ~Tmux() { static_cast<void>(run({"kill-server"})); }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-S", socket_, "-f", "/dev/null"});
    return runProcess("/usr/bin/tmux", args, {}, 30);
  }
  // The visible screen of the only pane, as text.
  std::string screen() const { return run({"capture-pane", "-p", "-t", "aihunt"}).out; }

 private:
  std::string socket_;
};

}  // namespace

TEST_CASE("a person at a terminal sees each hunt's progress while it runs, then no bar",
          "[online][tty]") {
  // WAIT, EXECUTE and SORTING take 800 ms each: each search runs for about 2.4 s.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "800"}), emuConfig());
  REQUIRE(emu.ok());
  const std::string dir = makeTempDir("aihunt-tty-");
  const std::string script = dir + "/run.sh";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\n"
        << "AIHUNT_QRADAR_TOKEN=" << kToken << " '" << binaryPath("aihunt") << "' hunt --now "
        << kSampleNow << " --qradar-url " << emu.base() << " --ca-file '" << emu.caFile()
        << "' --hunt proxy-ai-api,linux-audit --format jsonl --log-level warn > '" << dir
        << "/findings.jsonl'\n"
        << "echo \"EXIT=$?\"\n"
        // Keeps the pane (and its last screen) until the server is killed; no timer.
        << "exec cat\n";
  }
  REQUIRE(::chmod(script.c_str(), 0700) == 0);
  Tmux tmux(dir);
  REQUIRE(
      tmux.run({"new-session", "-d", "-s", "aihunt", "-x", "120", "-y", "30", script}).exit_code ==
      0);

  // "hunt 1/2 proxy-ai-api: EXECUTE 40%, 0 pages [####    ]": a state, a percentage and pages.
  const std::regex searching(
      R"(hunt [12]/2 (proxy-ai-api|linux-audit): (WAIT|EXECUTE|SORTING) \d+%, \d+ pages? \[[# ]{30}\])");
  bool saw_searching = false;
  std::string last;
  // Bounded: at most 400 looks, 50 ms apart (20 s); the run takes about 5 s.
  for (int i = 0; i < 400; ++i) {
    last = tmux.screen();
    if (std::regex_search(last, searching)) saw_searching = true;
    if (last.find("EXIT=") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(last);
  CHECK(saw_searching);
  REQUIRE(last.find("EXIT=0") != std::string::npos);
  // At the end the bar is gone: no progress line is left on the screen.
  CHECK(last.find("hunt 1/2") == std::string::npos);
  CHECK(last.find("hunt 2/2") == std::string::npos);
  std::ifstream findings(dir + "/findings.jsonl");
  const std::string found((std::istreambuf_iterator<char>(findings)),
                          std::istreambuf_iterator<char>());
  CHECK_FALSE(findingKeys(found).empty());

  // While the bar showed, status reads were held for one second at most.
  int held = 0;
  for (const auto& r : requestLog(emu)) {
    if (r["method"] == "GET" && r["headers"].contains("prefer")) {
      ++held;
      CHECK(r["headers"]["prefer"] == "wait=1");
    }
  }
  CHECK(held >= 2);
}

TEST_CASE("without a terminal the status reads keep the long wait", "[online][tty]") {
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "300"}), emuConfig());
  REQUIRE(emu.ok());
  const auto result = runAihunt(huntArgs(emu, {"--hunt", "linux-audit"}));
  CHECK(result.exit_code == 0);
  int held = 0;
  for (const auto& r : requestLog(emu)) {
    if (r["method"] == "GET" && r["headers"].contains("prefer")) {
      ++held;
      CHECK(r["headers"]["prefer"] == "wait=10");
    }
  }
  CHECK(held >= 1);
}

TEST_CASE("an AQL syntax error is an input error (exit 2), found before QRadar sees it",
          "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string file = makeTempDir("aihunt-aql-") + "/broken.aql";
  std::ofstream(file) << "SELECT sourceip FROM events WHERE (";
  const auto result = runAihunt(huntArgs(emu, {"--aql", file}));
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("aihunt: error: ") != std::string::npos);
  CHECK(countRequests(requestLog(emu), "POST", "/api/ariel/searches") == 0);
}

TEST_CASE("a plain http:// console on loopback: the clear-text warning is said once", "[online]") {
  RunningEmu emu(concat(sampleData(), {"--plain-http", "--http-port", "0"}), emuConfig());
  REQUIRE(emu.ok());
  const std::string url = "http://localhost:" + std::to_string(emu.ports()["http"].get<int>());
  const auto result =
      runAihunt({"hunt", "--now", kSampleNow, "--format", "jsonl", "--qradar-url", url, "--hunt",
                 "linux-audit,proxy-ai-api", "--poll-delay", "20ms"});
  CHECK(result.exit_code == 0);
  std::size_t warnings = 0;
  for (std::size_t at = result.err.find("the token is sent unencrypted"); at != std::string::npos;
       at = result.err.find("the token is sent unencrypted", at + 1)) {
    ++warnings;
  }
  CHECK(warnings == 1);
}
