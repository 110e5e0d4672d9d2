// What a person at a terminal sees of an online hunt, and the online CLI conventions (issue 13):
// the progress display in a real terminal (tmux) against the real qradar-emu, short status
// reads only while it shows, an AQL syntax error as an input error, and the clear-text warning
// of a plain http:// console said once.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/online_support.h"
#include "tests/support/scripted_console.h"

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

// A shell script in `dir` that runs two hunts against `emu` with the findings in
// dir/findings.jsonl, says "EXIT=<code>" and keeps the pane (and its last screen) until the tmux
// server is killed, with no timer. With `outlive_interrupt` the shell ignores SIGINT, so that it
// outlives an aihunt ended by Ctrl-C and says how it ended.
std::string writeHuntScript(const std::string& dir, const RunningEmu& emu, bool outlive_interrupt) {
  const std::string script = dir + "/run.sh";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\n"
        << (outlive_interrupt ? "trap '' INT\n" : "") << "AIHUNT_QRADAR_TOKEN=" << kToken << " '"
        << binaryPath("aihunt") << "' hunt --now " << kSampleNow << " --qradar-url " << emu.base()
        << " --ca-file '" << emu.caFile()
        << "' --hunt proxy-ai-api,linux-audit --format jsonl --log-level warn > '" << dir
        << "/findings.jsonl'\n"
        << "echo \"EXIT=$?\"\n"
        << "exec cat\n";
  }
  REQUIRE(::chmod(script.c_str(), 0700) == 0);
  return script;
}

}  // namespace

TEST_CASE("a person at a terminal sees each hunt's progress while it runs, then no bar",
          "[online][tty]") {
  // WAIT, EXECUTE and SORTING take 800 ms each: each search runs for about 2.4 s.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "800"}), emuConfig());
  REQUIRE(emu.ok());
  const std::string dir = makeTempDir("aihunt-tty-");
  const std::string script = writeHuntScript(dir, emu, /*outlive_interrupt=*/false);
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

TEST_CASE("a second Ctrl-C at a terminal erases the bars before its note", "[online][tty]") {
  // Searches that take 12 s, and a cancel that hangs for 3 s: the bars are still up at the second
  // Ctrl-C.
  RunningEmu emu(concat(sampleData(), {"--phase-delay-ms", "4000"}), emuConfig());
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/faults",
                    "faults:\n  - {kind: latency, method: DELETE, path: /api/ariel/searches/*, "
                    "latency_ms: 3000, times: -1}\n  - {kind: latency, method: POST, path: "
                    "/api/ariel/searches/*, latency_ms: 3000, times: -1}\n")
              .status == 200);
  const std::string dir = makeTempDir("aihunt-tty-");
  const std::string script = writeHuntScript(dir, emu, /*outlive_interrupt=*/true);
  Tmux tmux(dir);
  REQUIRE(
      tmux.run({"new-session", "-d", "-s", "aihunt", "-x", "160", "-y", "30", script}).exit_code ==
      0);
  // Bounded waits: at most 400 looks, 50 ms apart, for each thing to show.
  const auto waitFor = [&](const std::string& text) {
    std::string screen;
    for (int i = 0; i < 400; ++i) {
      screen = tmux.screen();
      if (screen.find(text) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return screen;
  };
  REQUIRE(waitFor("hunt 2/2").find("hunt 2/2") != std::string::npos);
  REQUIRE(tmux.run({"send-keys", "-t", "aihunt", "C-c"}).exit_code == 0);
  const std::string first = waitFor("interrupted: ");
  INFO(first);
  REQUIRE(first.find("interrupted: ") != std::string::npos);
  REQUIRE(first.find("hunt 2/2") != std::string::npos);  // the cancel hangs: bars still up
  // A second signal within 200 ms is taken for the same stop (cli/signals.cpp).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(tmux.run({"send-keys", "-t", "aihunt", "C-c"}).exit_code == 0);
  const std::string last = waitFor("EXIT=");
  INFO(last);
  CHECK(last.find("EXIT=130") != std::string::npos);
  // The note starts a line of its own, and no bar is left above it.
  CHECK(last.find("\naihunt: a second signal: exiting now") != std::string::npos);
  CHECK(last.find("hunt 1/2") == std::string::npos);
  CHECK(last.find("hunt 2/2") == std::string::npos);
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
  // `check` does not pass a TLS handshake that did not happen (a hostile-data review).
  const auto checked = runAihunt({"check", "--qradar-url", url, "--format", "json"});
  const nlohmann::json report = nlohmann::json::parse(checked.out);
  bool tls_said = false;
  for (const auto& check : report["checks"]) {
    if (check["name"] != "TLS handshake") continue;
    tls_said = true;
    CHECK(check["status"] == "info");
    CHECK(check["detail"].get<std::string>().rfind("none: plain HTTP", 0) == 0);
  }
  CHECK(tls_said);
}

TEST_CASE("http:// to an HTTPS port says to use https://, not that an answer was lost",
          "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  std::string url = emu.base();
  REQUIRE(url.rfind("https://", 0) == 0);
  url.replace(0, 8, "http://");
  // With the API version pinned, the first request is the search's create.
  for (const bool pinned : {false, true}) {
    std::vector<std::string> args = {"hunt", "--now",        kSampleNow,    "--qradar-url",
                                     url,    "--hunt",       "linux-audit", "--retry-delay",
                                     "20ms", "--poll-delay", "20ms"};
    if (pinned) args.insert(args.end(), {"--api-version", "20.0"});
    const auto result = runAihunt(args);
    INFO("pinned " << pinned);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(result.err.find("if this port serves HTTPS, as QRadar's console does, the URL needs "
                          "https://, not http://") != std::string::npos);
  }
  // The TLS side never saw a request it could read.
  CHECK(countRequests(requestLog(emu), "POST", "/api/ariel/searches") == 0);
}

TEST_CASE("https:// to a port that serves plain HTTP says so, not that the CA is wrong",
          "[online]") {
  // A newcomer's trial: the handshake's failure was blamed on the CA file.
  aihunt::testing::ScriptedConsole server([](const std::string&, const std::string&) {
    return aihunt::testing::ScriptedConsole::Answer{400, "plain HTTP only\n"};
  });
  std::string url = server.url();
  REQUIRE(url.rfind("http://", 0) == 0);
  url.replace(0, 7, "https://");
  for (const bool with_ca : {false, true}) {
    std::vector<std::string> args = {"hunt",   "--now",       kSampleNow,      "--qradar-url", url,
                                     "--hunt", "linux-audit", "--retry-delay", "20ms"};
    // Any PEM bundle will do: the handshake ends before a certificate is looked at.
    if (with_ca) args.insert(args.end(), {"--ca-file", "/etc/ssl/certs/ca-certificates.crt"});
    const auto result = runAihunt(args);
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(result.err.find("the port answered, but not in TLS") != std::string::npos);
    CHECK(result.err.find("holds the CA") == std::string::npos);
    CHECK(result.err.find("needs --ca-file") == std::string::npos);
  }
}

TEST_CASE("a web server's 400 for plain HTTP on its HTTPS port is a TLS error, not retried",
          "[online]") {
  // What Apache httpd answers plain HTTP on its HTTPS port with (nginx says "The plain HTTP
  // request was sent to HTTPS port").
  aihunt::testing::ScriptedConsole server([](const std::string&, const std::string&) {
    return aihunt::testing::ScriptedConsole::Answer{
        400,
        "<html><body><p>Your browser sent a request that this server could not understand.<br "
        "/>Reason: You're speaking plain HTTP to an SSL-enabled server port.<br "
        "/></p></body></html>\n"};
  });
  const auto result =
      runAihunt({"hunt", "--now", kSampleNow, "--qradar-url", server.url(), "--hunt", "linux-audit",
                 "--api-version", "20.0", "--retry-delay", "20ms"});
  CHECK(result.exit_code == 3);  // like any console that cannot be reached
  CHECK(result.out.empty());
  CHECK(result.err.find("plain HTTP sent to its HTTPS port") != std::string::npos);
  CHECK(server.requests() == 1);  // not retried
}

TEST_CASE("a console URL with a path that holds no API stops before any search, exit 3",
          "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  std::vector<std::string> args = huntArgs(emu);
  const auto url = std::find(args.begin(), args.end(), emu.base());
  REQUIRE(url != args.end());
  *url += "/api";  // the API's own address pasted for the console's
  const auto result = runAihunt(args);
  CHECK(result.exit_code == 3);
  CHECK(result.out.empty());
  CHECK(result.err.find("no QRadar API under the URL's path '/api': give the console's address "
                        "without it, e.g. " +
                        emu.base()) != std::string::npos);
  CHECK(countRequests(requestLog(emu), "POST", "/api") == 0);  // no search was tried
  // The first request goes without the token (any HTTP answer, this 404 too, lets the next one
  // carry it), then the version question: nothing more.
  CHECK(countRequests(requestLog(emu), "GET", "/api/api/help/versions") == 2);
}

// A window after now can only come back empty: the run says so rather than let "No findings."
// pass for a clean result. A window that ends at now is the normal case and says nothing.
TEST_CASE("a window that starts after now is said to be one QRadar has no events for", "[online]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto future =
      runAihunt(huntArgs(emu, {"--hunt", "linux-audit", "--from", "2026-11-27T00:00:00Z", "--to",
                               "2026-11-28T00:00:00Z"}));
  CHECK(future.exit_code == 0);
  CHECK(future.err.find("the window starts at 2026-11-27T00:00:00.000Z, after now") !=
        std::string::npos);
  const auto past = runAihunt(huntArgs(emu, {"--hunt", "linux-audit", "--last", "24h"}));
  CHECK(past.exit_code == 0);
  CHECK(past.err.find("after now") == std::string::npos);
  CHECK(past.err.find("after this machine's clock") == std::string::npos);
  CHECK(past.err.find("the window spans") == std::string::npos);
  // A window that ends after now, or spans years: said (an online trial: both were silent).
  const auto straddling =
      runAihunt(huntArgs(emu, {"--hunt", "linux-audit", "--from", "2026-11-26T17:00:00Z", "--to",
                               "2026-11-27T12:00:00Z"}));
  CHECK(straddling.exit_code == 0);
  CHECK(straddling.err.find("the window ends at 2026-11-27T12:00:00.000Z, after now") !=
        std::string::npos);
  const auto decade = runAihunt(huntArgs(
      emu, {"--hunt", "linux-audit", "--from", "2016-11-26", "--to", "2026-11-26T18:00:00Z"}));
  CHECK(decade.exit_code == 0);
  CHECK(decade.err.find("the window spans 3652 days") != std::string::npos);
  // A --now ahead of this machine's clock (a year's typo): said too, under --quiet as well.
  std::vector<std::string> ahead = huntArgs(emu, {"--hunt", "linux-audit", "--quiet"});
  ahead[2] = "2099-11-26T18:00:00Z";  // huntArgs: hunt --now <now> ...
  const auto typo = runAihunt(ahead);
  CHECK(typo.exit_code == 0);
  CHECK(typo.err.find("the window ends at 2099-11-26T18:00:00.000Z, after this machine's clock") !=
        std::string::npos);
}

TEST_CASE("a run that finds nothing names the window it searched", "[online]") {
  // The sample's events lie on 2026-11-26: a window a week before holds none of them, and "No
  // findings." alone would not show that the window, not the network, was empty.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const auto early =
      runAihunt(huntArgs(emu, {"--from", "2026-11-19T00:00:00Z", "--to", "2026-11-20T00:00:00Z"}));
  CHECK(early.exit_code == 0);
  CHECK(early.out.empty());
  INFO(early.err);
  CHECK(early.err.find("2026-11-19T00:00:00.000Z to 2026-11-20T00:00:00.000Z") !=
        std::string::npos);
  // Under --quiet too (no log line then): said as a caveat, as an offline hunt does.
  const ProcessResult quiet = runProcess(
      binaryPath("aihunt"),
      huntArgs(emu, {"--from", "2026-11-19T00:00:00Z", "--to", "2026-11-20T00:00:00Z", "--quiet"}),
      {}, 60, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  INFO(quiet.err);
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.find("no hunt returned a row in the window 2026-11-19T00:00:00.000Z to "
                       "2026-11-20T00:00:00.000Z") != std::string::npos);
  // A window with rows: no such caveat.
  const auto day = runAihunt(huntArgs(emu, {"--last", "24h"}));
  CHECK(day.exit_code == 0);
  CHECK(day.err.find("no hunt returned a row") == std::string::npos);
  // A query of the user's keeps its own time clause; no window is claimed for it.
  const auto seed = runAihunt(huntArgs(emu, {"--seed-query"}));
  CHECK(seed.exit_code == 0);
  CHECK(!seed.out.empty());
  CHECK(seed.err.find("(window ") == std::string::npos);
  // A query of the user's given a window (none of its own): that window is named, under --quiet
  // too (a newcomer's trial: a bare "No findings.").
  const std::vector<std::string> token = {std::string("AIHUNT_QRADAR_TOKEN=") + kToken};
  const ProcessResult seed_early =
      runProcess(binaryPath("aihunt"),
                 huntArgs(emu, {"--seed-query", "--from", "2026-11-19T00:00:00Z", "--to",
                                "2026-11-20T00:00:00Z", "--quiet"}),
                 {}, 60, token);
  INFO(seed_early.err);
  CHECK(seed_early.exit_code == 0);
  CHECK(seed_early.err.find("no hunt returned a row in the window 2026-11-19T00:00:00.000Z to "
                            "2026-11-20T00:00:00.000Z") != std::string::npos);
  // Its own time clause: named as written, on the console's clock.
  const std::string dir = makeTempDir("aihunt-own-clause-");
  std::ofstream(dir + "/q.aql") << "SELECT sourceip, URL AS url FROM events WHERE URL IS NOT NULL\n"
                                   "START '2020-01-01 00:00Z' STOP '2020-01-02 00:00Z'\n";
  const ProcessResult own = runProcess(
      binaryPath("aihunt"), huntArgs(emu, {"--aql", dir + "/q.aql", "--quiet"}), {}, 60, token);
  INFO(own.err);
  CHECK(own.exit_code == 0);
  CHECK(own.err.find("no row within its time clause (START '2020-01-01 00:00Z' STOP "
                     "'2020-01-02 00:00Z', on the console's clock)") != std::string::npos);
  CHECK(own.err.find("edit it there") != std::string::npos);
  // With --last too, which the query's own clause overrides: no window is claimed for it (a
  // review found a zone-less START/STOP of the query's own named as a UTC window).
  std::ofstream(dir + "/zoneless.aql")
      << "SELECT sourceip, URL AS url FROM events WHERE URL IS NOT NULL\n"
         "START '2020-01-01 00:00' STOP '2020-01-02 00:00'\n";
  const ProcessResult zoneless = runProcess(
      binaryPath("aihunt"),
      huntArgs(emu, {"--aql", dir + "/zoneless.aql", "--last", "1h", "--quiet"}), {}, 60, token);
  INFO(zoneless.err);
  CHECK(zoneless.exit_code == 0);
  CHECK(zoneless.err.find("(window ") == std::string::npos);
  CHECK(zoneless.err.find("no hunt returned a row in the window") == std::string::npos);
  CHECK(zoneless.err.find("no row within its time clause (START '2020-01-01 00:00' STOP "
                          "'2020-01-02 00:00'") != std::string::npos);
  CHECK(zoneless.err.find("--now, --last") == std::string::npos);
}

TEST_CASE("a certificate's subject name reaches stderr on one line, made inert", "[online][tls]") {
  // libcurl quotes the subject name of a certificate that does not name the host: the server
  // chooses it, so a line break in it could forge a line of aihunt's own.
  const std::string dir = makeTempDir("aihunt-cn-");
  const ProcessResult made = runProcess(
      "/usr/bin/openssl",
      {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2", "-subj",
       "/CN=evil\nFORGED aihunt: all clear\x1b[2J", "-addext", "basicConstraints=critical,CA:TRUE"},
      {}, 30);
  REQUIRE(made.exit_code == 0);
  RunningEmu emu(concat(sampleData(), {"--cert", dir + "/cert.pem", "--key", dir + "/key.pem"}),
                 emuConfig());
  REQUIRE(emu.ok());
  const ProcessResult run = runAihunt(huntArgs(emu, {"--hunt", "proxy-ai-api"}));
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("evil FORGED aihunt: all clear?[2J") != std::string::npos);
  CHECK(run.err.find("\nFORGED") == std::string::npos);
  CHECK(run.err.find('\x1b') == std::string::npos);
}
