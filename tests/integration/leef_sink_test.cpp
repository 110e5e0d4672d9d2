// The LEEF sink end to end: the real `aihunt run --once` against the real qradar-emu over TLS,
// findings sent as LEEF 2.0 over the emulator's TLS syslog listener, and the emulator's custom
// rule (content/qradar/rule.yaml, the one shipped for it) turning them into offenses: one offense
// per source IP whose event count is that source's number of findings. A second run sends
// nothing more. With the listener unreachable the run exits 4 and keeps the rows in the outbox
// (also across a kill -9 of the daemon); pointed at the live listener, every event arrives exactly
// once (counted by findingId). An untrusted listener certificate gets nothing. A batch that a
// receiver breaks midway fails and is sent again whole: every finding arrives at least once, and
// the duplicates are exactly the events taken before the break.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "qradar_client/leef_encoder.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/support/background_process.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/process_runner.h"

using aihunt::testing::BackgroundProcess;
using aihunt::testing::binaryPath;
using aihunt::testing::kSampleNow;
using aihunt::testing::parseJson;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";
constexpr const char* kLogSourceHost = "aihunt-leef-test";

std::string emuConfig() {
  // aihunt's token, and the fixture's hunter token for the test's own API calls.
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\n  - {token: " + aihunt::testing::kHunterToken +
         ", user: analyst, role: hunter}\nadmin_token: " + aihunt::testing::kAdminToken +
         "\nariel:\n  workers: 2\n";
}

std::unique_ptr<RunningEmu> startEmu() {
  return std::make_unique<RunningEmu>(
      std::vector<std::string>{"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
                               sourcePath("content/samples/qradar_lookups.json"),
                               "--syslog-tls-port", "0", "--rules",
                               sourcePath("content/qradar/rule.yaml"),
                               // The console's setup (docs/qradar-setup.md, steps 2 and 3): the
                               // rule takes the named events of the aihunt type only.
                               "--log-source", std::string(kLogSourceHost) + "=aihunt", "--qid-map",
                               "aihunt=" + sourcePath("content/qradar/qid_map.txt")},
      emuConfig());
}

struct RunDir {
  std::string dir;
  std::string config;
  std::string token;

  [[nodiscard]] std::string path(const std::string& name) const { return dir + "/" + name; }
};

RunDir makeRunDir() {
  RunDir run;
  run.dir = aihunt::testing::makeTempDir("aihunt-leef-test-");
  run.token = run.path("token");
  std::ofstream(run.token) << kToken;
  ::chmod(run.token.c_str(), 0600);
  run.config = run.path("aihunt.yaml");
  return run;
}

// (Re)writes the config with the LEEF output pointed at `syslog_port`.
void writeConfig(const RunDir& run, const RunningEmu& emu, int syslog_port) {
  std::ofstream(run.config) << "qradar:\n  url: " << emu.base() << "\n  token_file: " << run.token
                            << "\n  tls:\n    ca_file: " << emu.caFile()
                            << "\noutputs:\n  jsonl:\n    path: findings.jsonl\n"
                            << "  leef:\n    enabled: true\n    host: localhost\n    port: "
                            << syslog_port << "\n    protocol: tls\n    ca_file: " << emu.caFile()
                            << "\n    hostname: " << kLogSourceHost
                            << "\nstate:\n  path: state.db\n";
}

ProcessResult runOnce(const RunDir& run) {
  ProcessResult result = runProcess(
      binaryPath("aihunt"), {"run", "-c", run.config, "--once", "--now", kSampleNow}, {}, 120);
  INFO(result.err);
  CHECK(result.out.find(kToken) == std::string::npos);
  CHECK(result.err.find(kToken) == std::string::npos);
  return result;
}

std::vector<json> readFindings(const RunDir& run) {
  std::ifstream in(run.path("findings.jsonl"));
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line)) {
    // A line the daemon is still writing (polled while it runs) is not a finding yet.
    const json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_object()) out.push_back(row);
  }
  return out;
}

std::uint64_t leefEvents(RunningEmu& emu) {
  return parseJson(emu.admin("GET", "/admin/status").body).value("leef_events", 0ULL);
}

// Waits until the emulator has taken `n` LEEF events (it parses them as they arrive).
bool waitLeefEvents(RunningEmu& emu, std::uint64_t n) {
  for (int i = 0; i < 500; ++i) {
    if (leefEvents(emu) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// aihunt's events in the emulator: findingId -> how many events carry it, and their EventIDs.
struct Received {
  std::map<std::string, int> by_finding;
  std::map<std::string, std::string> event_id;
  std::map<std::string, std::string> log_source;
};

Received receivedEvents(RunningEmu& emu) {
  // The emulator's clock stands still (--now) and a syslog event's start time is when it arrived:
  // time passes first, so that the search's range, which ends before its own start, holds them.
  REQUIRE(emu.admin("POST", "/admin/clock?advance=1m").status == 200);
  const json done = emu.waitSearch(
      emu.createSearch("SELECT \"findingId\", \"EventID\", logsourceidentifier FROM events "
                       "WHERE \"LEEF Vendor\" = 'aihunt' LAST 3 DAYS")["search_id"]);
  REQUIRE(done["status"] == "COMPLETED");
  const json rows = parseJson(
      emu.call("GET", "/api/ariel/searches/" + done["search_id"].get<std::string>() + "/results")
          .body)["events"];
  Received out;
  for (const auto& row : rows) {
    const std::string id = row["findingId"].is_string() ? row["findingId"].get<std::string>() : "";
    ++out.by_finding[id];
    out.event_id[id] = row["EventID"].get<std::string>();
    out.log_source[id] = row["logsourceidentifier"].get<std::string>();
  }
  return out;
}

// Offenses: offense_source -> event_count.
std::map<std::string, std::int64_t> offenses(RunningEmu& emu) {
  const json list = parseJson(emu.call("GET", "/api/siem/offenses?sort=%2Bid").body);
  REQUIRE(list.is_array());
  std::map<std::string, std::int64_t> out;
  for (const auto& offense : list) {
    CHECK(offense["status"] == "OPEN");
    out[offense["offense_source"].get<std::string>()] += offense["event_count"].get<std::int64_t>();
  }
  return out;
}

std::map<std::string, std::int64_t> findingsPerSource(const std::vector<json>& findings) {
  std::map<std::string, std::int64_t> out;
  for (const auto& f : findings) {
    if (f["source_ip"].is_string()) ++out[f["source_ip"].get<std::string>()];
  }
  return out;
}

// Every finding arrived exactly once, with the EventID its signals call for, from our host name.
void checkExactlyOnce(const std::vector<json>& findings, const Received& received) {
  CHECK(received.by_finding.size() == findings.size());
  for (const auto& f : findings) {
    const std::string id = f["finding_id"].get<std::string>();
    INFO("finding " << id);
    CHECK(received.by_finding.count(id) == 1);
    if (received.by_finding.count(id) == 0) continue;
    CHECK(received.by_finding.at(id) == 1);
    CHECK(received.event_id.at(id) ==
          aihunt::qradar::leefEventIdFor(f["signals"].get<std::vector<std::string>>()));
    CHECK(received.log_source.at(id) == kLogSourceHost);
  }
}

// A TCP syslog receiver on loopback whose first connection breaks mid-batch: it takes
// `break_after` lines, then resets the connection (SO_LINGER 0), dropping what it has not read,
// as a receiver that crashes or restarts does. Later connections take every line. Its receive
// buffer is tiny, so most of a batch is still unacknowledged when the first connection breaks.
class BreakingReceiver {
 public:
  explicit BreakingReceiver(int break_after) : break_after_(break_after) {
    thread_ = std::thread([this] { serve(); });
  }
  ~BreakingReceiver() {
    stop_ = true;
    thread_.join();
  }
  BreakingReceiver(const BreakingReceiver&) = delete;
  BreakingReceiver& operator=(const BreakingReceiver&) = delete;

  [[nodiscard]] int port() const { return listener_.port(); }
  // Each connection's complete lines, in order of connection.
  [[nodiscard]] std::vector<std::vector<std::string>> connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listener_.fd(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = listener_.accept();
      if (fd < 0) continue;
      std::size_t index = 0;
      {
        std::lock_guard lock(mutex_);
        index = connections_.size();
        connections_.emplace_back();
      }
      const bool breaking = index == 0;
      std::string pending;
      bool open = true;
      while (open && !stop_) {
        pollfd c{fd, POLLIN, 0};
        if (::poll(&c, 1, 50) <= 0) continue;
        char buffer[256];  // small reads: the break comes close to the break_after-th line
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        pending.append(buffer, static_cast<std::size_t>(n));
        for (std::size_t end = pending.find('\n'); end != std::string::npos;
             end = pending.find('\n')) {
          std::lock_guard lock(mutex_);
          connections_[index].push_back(pending.substr(0, end));
          pending.erase(0, end + 1);
          if (breaking && static_cast<int>(connections_[index].size()) == break_after_) {
            open = false;
            break;
          }
        }
      }
      if (breaking) {
        const linger reset{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      }
      ::close(fd);
    }
  }

  int break_after_;
  // A tiny receive buffer (accepted connections inherit it).
  aihunt::testing::ListeningSocket listener_{8, 1024};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> connections_;
  std::thread thread_;
};

std::string findingIdOf(const std::string& line) {
  const std::string key = "^findingId=";
  const std::size_t at = line.find(key);
  if (at == std::string::npos) return "";
  const std::size_t start = at + key.size();
  return line.substr(start, line.find('^', start) - start);
}

// (Re)writes the config with the LEEF output over plain TCP to 127.0.0.1:`port`.
void writeTcpConfig(const RunDir& run, const RunningEmu& emu, int port) {
  std::ofstream(run.config) << "qradar:\n  url: " << emu.base() << "\n  token_file: " << run.token
                            << "\n  tls:\n    ca_file: " << emu.caFile()
                            << "\noutputs:\n  jsonl:\n    path: findings.jsonl\n"
                            << "  leef:\n    enabled: true\n    host: 127.0.0.1\n    port: " << port
                            << "\n    protocol: tcp\n    hostname: " << kLogSourceHost
                            << "\nstate:\n  path: state.db\n";
}

std::string stateShow(const RunDir& run) {
  const ProcessResult shown =
      runProcess(binaryPath("aihunt"), {"state", "show", "--state", run.path("state.db")}, {}, 30);
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  return shown.out;
}

// Waits (30 s at most) until a running daemon has raised findings (the JSONL sink has them) and
// every one of them waits in the LEEF outbox.
bool allWaitForLeef(const RunDir& run) {
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::size_t found = readFindings(run).size();
    if (found >= 10 && stateShow(run).find("outbox leef: " + std::to_string(found) + " pending") !=
                           std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("run --once sends LEEF over TLS; the rule makes one offense per source IP") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, emu->ports()["syslog_tls"].get<int>());

  const ProcessResult first = runOnce(run);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const std::vector<json> findings = readFindings(run);
  REQUIRE(findings.size() >= 10);
  REQUIRE(waitLeefEvents(*emu, findings.size()));
  CHECK(leefEvents(*emu) == findings.size());
  CHECK(parseJson(emu->admin("GET", "/admin/status").body).value("leef_errors", 0ULL) == 0);
  checkExactlyOnce(findings, receivedEvents(*emu));

  // One offense per source IP, its event count the number of that source's findings.
  const auto expected = findingsPerSource(findings);
  REQUIRE(expected.size() >= 2);
  CHECK(offenses(*emu) == expected);
  CHECK(stateShow(run).find("outbox leef:") == std::string::npos);  // empty: not listed

  // The same windows again: nothing is due, nothing is sent.
  const ProcessResult second = runOnce(run);
  CHECK(second.exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(leefEvents(*emu) == findings.size());
  CHECK(offenses(*emu) == expected);
}

TEST_CASE("with the syslog receiver down the rows wait; back up, each event arrives once") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, aihunt::testing::closedLoopbackPort());

  const ProcessResult down = runOnce(run);
  INFO(down.out << down.err);
  CHECK(down.exit_code == 4);
  const std::vector<json> findings = readFindings(run);  // the JSONL sink delivered
  REQUIRE(findings.size() >= 10);
  CHECK(stateShow(run).find("outbox leef: " + std::to_string(findings.size()) + " pending") !=
        std::string::npos);
  // Per destination on stdout: the file took them all, the receiver none.
  const std::string count = std::to_string(findings.size());
  CHECK(down.out.find(", 0 to LEEF syslog localhost:") != std::string::npos);
  CHECK(down.out.find(" (" + count + " waiting)") != std::string::npos);
  // Why it exits 4, on stderr: the destination and how many wait (whatever the log level).
  CHECK(down.err.find("error: " + count + " findings for LEEF syslog localhost:") !=
        std::string::npos);
  CHECK(down.err.find("(sink 'leef') wait in the outbox for the next run: ") != std::string::npos);
  CHECK(leefEvents(*emu) == 0);

  // Down again: still kept, still nothing sent twice later.
  CHECK(runOnce(run).exit_code == 4);

  // LEEF turned off in the config: its rows stay (not lost, not delivered), and the run names
  // them, since no drain does any more.
  std::ofstream(run.config) << "qradar:\n  url: " << emu->base() << "\n  token_file: " << run.token
                            << "\n  tls:\n    ca_file: " << emu->caFile()
                            << "\noutputs:\n  jsonl:\n    path: findings.jsonl\n"
                            << "state:\n  path: state.db\n";
  const ProcessResult off = runOnce(run);
  INFO(off.out << off.err);
  CHECK(off.exit_code == 0);
  CHECK(off.err.find(count + " findings in the outbox of sink 'leef'") != std::string::npos);
  CHECK(stateShow(run).find("outbox leef: " + count + " pending") != std::string::npos);
  // With the config, state show says why they do not move (a trial).
  const ProcessResult shown =
      runProcess(binaryPath("aihunt"), {"state", "show", "-c", run.config}, {}, 30);
  INFO(shown.err);
  CHECK(shown.out.find("outbox leef: " + count +
                       " pending (outputs.leef is not enabled in this config") !=
        std::string::npos);
  CHECK(shown.out.find("outbox jsonl: 0 pending (") == std::string::npos);

  writeConfig(run, *emu, emu->ports()["syslog_tls"].get<int>());
  const ProcessResult up = runOnce(run);
  INFO(up.out << up.err);
  CHECK(up.exit_code == 0);
  REQUIRE(waitLeefEvents(*emu, findings.size()));
  CHECK(stateShow(run).find("outbox leef:") == std::string::npos);  // empty: not listed
  checkExactlyOnce(findings, receivedEvents(*emu));
  CHECK(offenses(*emu) == findingsPerSource(findings));

  CHECK(runOnce(run).exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(leefEvents(*emu) == findings.size());
}

TEST_CASE("the daemon keeps undeliverable events across kill -9; back up, each arrives once") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, aihunt::testing::closedLoopbackPort());
  {
    BackgroundProcess daemon(binaryPath("aihunt"),
                             {"run", "-c", run.config, "--now", kSampleNow, "--log-level", "warn"});
    const bool waiting = allWaitForLeef(run);
    INFO(daemon.err());
    REQUIRE(waiting);
    ::kill(daemon.pid(), SIGKILL);
    daemon.stop(1000);
  }
  CHECK(leefEvents(*emu) == 0);

  writeConfig(run, *emu, emu->ports()["syslog_tls"].get<int>());
  const ProcessResult up = runOnce(run);
  INFO(up.out << up.err);
  CHECK(up.exit_code == 0);
  // The killed daemon may not have hunted every window; this run hunts the rest. Every finding,
  // from before the kill or after, arrives exactly once.
  const std::vector<json> findings = readFindings(run);
  REQUIRE(waitLeefEvents(*emu, findings.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(leefEvents(*emu) == findings.size());
  checkExactlyOnce(findings, receivedEvents(*emu));
  CHECK(offenses(*emu) == findingsPerSource(findings));
}

TEST_CASE("a daemon stopped with events LEEF cannot take says which wait, and keeps them") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, aihunt::testing::closedLoopbackPort());
  BackgroundProcess daemon(binaryPath("aihunt"), {"run", "-c", run.config, "--now", kSampleNow,
                                                  "--log-level", "error", "--grace", "1s"});
  const bool waiting = allWaitForLeef(run);
  INFO(daemon.err());
  REQUIRE(waiting);
  ::kill(daemon.pid(), SIGTERM);
  // Waited for, not stopped: BackgroundProcess::stop() sends a SIGTERM of its own, and a second
  // one ends aihunt at once, killed by it (which one the daemon saw first was a race).
  bool exited = false;
  for (int i = 0; i < 1500 && !exited; ++i) {
    exited = !daemon.running();
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(exited);
  CHECK(daemon.stop(1000) == 0);  // a requested stop is a clean exit
  // Said whatever the log level: how many wait (every finding raised, up to the stop), for
  // which destination, and why.
  const std::string all = std::to_string(readFindings(run).size());
  const std::string err = daemon.err();
  INFO(err);
  CHECK(err.find(all + " findings for LEEF syslog localhost:") != std::string::npos);
  CHECK(err.find("(sink 'leef') wait in the outbox for the next run: ") != std::string::npos);
  CHECK(stateShow(run).find("outbox leef: " + all + " pending") != std::string::npos);
  CHECK(leefEvents(*emu) == 0);
}

namespace {

// The process unshare(1) started: the first child of `parent`, once there is one.
pid_t firstChild(pid_t parent) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream children("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                           "/children");
    pid_t child = 0;
    if (children >> child && child > 0) return child;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

// A daemon flushing to a receiver that is not there gets two SIGTERMs: the second ends it at
// once, not after the minute of grace. `in_pid_namespace`: aihunt is the first process of a PID
// namespace, as a container's entrypoint is, where the kernel ignores a signal's default action.
void secondSigtermEndsTheFlush(bool in_pid_namespace) {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, aihunt::testing::closedLoopbackPort());
  // A minute of grace: the flush would try the receiver again and again for all of it.
  std::vector<std::string> args = {"run",         "-c",    run.config, "--now", kSampleNow,
                                   "--log-level", "error", "--grace",  "60s"};
  std::string program = binaryPath("aihunt");
  if (in_pid_namespace) {
    args.insert(args.begin(), {"--pid", "--fork", "--kill-child", program});
    program = "/usr/bin/unshare";
  }
  BackgroundProcess daemon(program, args);
  const pid_t aihunt = in_pid_namespace ? firstChild(daemon.pid()) : daemon.pid();
  REQUIRE(aihunt > 0);
  const bool waiting = allWaitForLeef(run);
  INFO(daemon.err());
  REQUIRE(waiting);
  ::kill(aihunt, SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first is taken alone
  CHECK(daemon.running());                                      // flushing
  ::kill(aihunt, SIGTERM);
  bool ended = false;
  for (int i = 0; i < 200 && !ended; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ended = !daemon.running();
  }
  CHECK(ended);  // within 10 s, not the minute of grace
  // Ended by the signal; in a namespace, by the exit status a shell gives that death (unshare
  // passes it on).
  CHECK(daemon.stop(1000) == (in_pid_namespace ? 128 + SIGTERM : -1));
  CHECK(daemon.err().find("a second signal: exiting now") != std::string::npos);  // and said so
  // Every finding the JSONL sink got still waits for LEEF. Other hunts may have committed more
  // findings before the kill that the JSONL sink had not written yet (an ASan run was that
  // slow): they wait for LEEF too, so the outbox holds at least as many.
  const std::size_t all = readFindings(run).size();
  const std::string shown = stateShow(run);
  INFO(shown);
  std::smatch pending;
  REQUIRE(std::regex_search(shown, pending, std::regex(R"(outbox leef: (\d+) pending)")));
  CHECK(std::stoul(pending[1]) >= all);
  CHECK(leefEvents(*emu) == 0);
}

}  // namespace

TEST_CASE("a second SIGTERM ends the stop's flush at once; the events still wait") {
  secondSigtermEndsTheFlush(false);
}

TEST_CASE("a second SIGTERM ends aihunt as a PID namespace's first process (a container)") {
  secondSigtermEndsTheFlush(true);
}

TEST_CASE("LEEF over TLS to the console's HTTPS port: nothing counts as delivered") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  // A TLS server with a trusted certificate, that is not a syslog receiver: the handshake
  // passes, the server reads the batch as a bad HTTP request and answers or closes.
  writeConfig(run, *emu, emu->ports()["https"].get<int>());
  const ProcessResult sent = runOnce(run);
  INFO(sent.out << sent.err);
  CHECK(sent.exit_code == 4);
  const std::vector<json> findings = readFindings(run);  // the JSONL sink delivered
  REQUIRE(!findings.empty());
  CHECK(stateShow(run).find("outbox leef: " + std::to_string(findings.size()) + " pending") !=
        std::string::npos);
  CHECK(leefEvents(*emu) == 0);
}

TEST_CASE("a receiver whose certificate is not trusted gets nothing") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  writeConfig(run, *emu, emu->ports()["syslog_tls"].get<int>());
  // The system store does not trust the emulator's throwaway CA.
  std::string text;
  {
    std::ifstream in(run.config);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  const std::string leef_ca = "    ca_file: " + emu->caFile() + "\n    hostname:";
  const std::size_t at = text.find(leef_ca);
  REQUIRE(at != std::string::npos);
  text.replace(at, leef_ca.size(), "    hostname:");
  std::ofstream(run.config) << text;

  const ProcessResult result = runOnce(run);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("certificate") != std::string::npos);
  CHECK(leefEvents(*emu) == 0);
}

TEST_CASE("a batch broken midway is sent again: each finding at least once, duplicates bounded") {
  auto emu = startEmu();
  REQUIRE(emu->ok());
  const RunDir run = makeRunDir();
  // Receiver down: every finding waits in the outbox, so the next run sends them in one batch.
  writeTcpConfig(run, *emu, aihunt::testing::closedLoopbackPort());
  const ProcessResult down = runOnce(run);
  INFO(down.out << down.err);
  REQUIRE(down.exit_code == 4);
  const std::vector<json> findings = readFindings(run);
  REQUIRE(findings.size() >= 10);

  constexpr int kBreakAfter = 3;
  BreakingReceiver receiver(kBreakAfter);
  writeTcpConfig(run, *emu, receiver.port());
  // The batch breaks after 3 events: the run reports the delivery failed, the rows stay.
  const ProcessResult broken = runOnce(run);
  INFO(broken.out << broken.err);
  CHECK(broken.exit_code == 4);
  REQUIRE(!receiver.connections().empty());
  CHECK(receiver.connections()[0].size() == static_cast<std::size_t>(kBreakAfter));
  CHECK(stateShow(run).find("outbox leef: " + std::to_string(findings.size()) + " pending") !=
        std::string::npos);

  // Back: the whole batch is sent again, on a new connection.
  const ProcessResult again = runOnce(run);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(stateShow(run).find("outbox leef:") == std::string::npos);  // empty: not listed

  const auto connections = receiver.connections();
  std::map<std::string, int> arrivals;
  std::size_t lines = 0;
  for (const auto& connection : connections) {
    for (const auto& line : connection) {
      ++arrivals[findingIdOf(line)];
      ++lines;
    }
  }
  // At least once: every finding arrived, and nothing else did.
  for (const auto& f : findings) {
    const std::string id = f["finding_id"].get<std::string>();
    INFO("finding " << id);
    CHECK(arrivals.count(id) == 1);
  }
  CHECK(arrivals.size() == findings.size());
  // The duplicates are exactly the events the broken connection took before it broke.
  const std::size_t duplicates = lines - arrivals.size();
  CHECK(duplicates == static_cast<std::size_t>(kBreakAfter));
  for (const auto& line : connections[0]) CHECK(arrivals[findingIdOf(line)] == 2);
}
