// The daemon, `aihunt run`, when things go wrong around it: the real binary against the real
// qradar-emu over TLS on loopback (port 0). QRadar unavailable for half an hour (503s, then
// connection resets) and back; searches slow enough that a hunt's turns could pile up; SIGHUP
// with a broken config; disabled hunts and a backfill over a recorded gap. What is asserted is
// what can be counted: exit codes, the ledger (`aihunt state show|gaps`, the windows table read
// only), the JSONL findings, the emulator's request log and /metrics, never log wording.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/state_store.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/http_client.h"
#include "tests/integration/daemon_support.h"
#include "tests/support/background_process.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/process_runner.h"
#include "tests/support/prometheus_text.h"

using aihunt::testing::addEvents;
using aihunt::testing::BackgroundProcess;
using aihunt::testing::binaryPath;
using aihunt::testing::Findings;
using aihunt::testing::httpGet;
using aihunt::testing::iso;
using aihunt::testing::kEndpointNetworkHunt;
using aihunt::testing::kMinute;
using aihunt::testing::kProxyHunt;
using aihunt::testing::kSniDnsHunt;
using aihunt::testing::ms;
using aihunt::testing::parseTable;
using aihunt::testing::ProcessResult;
using aihunt::testing::readFile;
using aihunt::testing::RunDir;
using aihunt::testing::RunningEmu;
using aihunt::testing::runProcess;
using aihunt::testing::sampleData;
using aihunt::testing::setEmuClock;
using aihunt::testing::stateShow;
using aihunt::testing::withLines;
using nlohmann::json;

namespace {

constexpr const char* kToken = "8c1d7e2f-3a4b-4c5d-9e6f-0a1b2c3d4e5f";
// A second API user: the test's own look at running searches, told apart in the request log.
constexpr const char* kObserverToken = "observer-token-0004";
constexpr std::int64_t kHour = 60 * kMinute;
// Attempts per request (`--retries`), with a short first backoff so that an outage run is quick.
constexpr int kAttempts = 3;

// The query without the marker column aihunt adds to each search (aql/search_marker.h), so that
// two searches of one window compare equal.
std::string withoutMarker(std::string query) {
  const std::string alias = " AS aihunt_marker";
  const auto at = query.find(alias);
  if (at == std::string::npos) return query;
  const auto start = query.rfind(", '", at);
  if (start == std::string::npos) return query;
  return query.erase(start, at + alias.size() - start);
}

std::string huntOfQuery(const std::string& aql) {
  if (aql.find("devicetype NOT IN (11, 12)") != std::string::npos) return "network-sni-dns";
  if (aql.find("devicetype IN (11, 12)") != std::string::npos) return "endpoint-network";
  return "proxy-ai-api";
}

std::string emuConfig() {
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\n  - {token: " + kObserverToken +
         ", user: observer, role: hunter}\nadmin_token: admin-token-0003\nariel:\n  workers: 4\n";
}

// application/x-www-form-urlencoded, decoded (the create request's body).
std::string formValue(const std::string& body, const std::string& key) {
  std::istringstream pairs(body);
  std::string pair;
  while (std::getline(pairs, pair, '&')) {
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != key || eq == std::string::npos) continue;
    std::string out;
    for (std::size_t i = eq + 1; i < pair.size(); ++i) {
      if (pair[i] == '+') {
        out += ' ';
      } else if (pair[i] == '%' && i + 2 < pair.size()) {
        out += static_cast<char>(std::stoi(pair.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += pair[i];
      }
    }
    return out;
  }
  return {};
}

// A test's folder (aihunt-resilience-test-*). The API version is pinned: no version negotiation in
// the request counts. `qradar_extra`: more keys of the qradar section (two spaces in).
RunDir makeRunDir(const RunningEmu& emu, const std::string& extra,
                  const std::string& qradar_extra = {}) {
  return aihunt::testing::makeRunDir(emu, "aihunt-resilience-test-", kToken,
                                     "  api_version: \"20.0\"\n" + qradar_extra, extra);
}

const std::vector<std::string> kRetryArgs = {"--retries", std::to_string(kAttempts),
                                             "--retry-delay", "50ms"};

ProcessResult runOnce(const RunDir& run, std::int64_t now) {
  return aihunt::testing::runOnce(run, iso(now), kRetryArgs);
}

ProcessResult backfill(const RunDir& run, const std::string& hunt, std::int64_t from,
                       std::int64_t to, std::int64_t now,
                       const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"backfill", "-c",   run.config, "--hunt", hunt,    "--from",
                                   iso(from),  "--to", iso(to),    "--now",  iso(now)};
  args.insert(args.end(), kRetryArgs.begin(), kRetryArgs.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return runProcess(binaryPath("aihunt"), args, {}, 60);
}

// `aihunt state gaps`: the recorded gaps as "hunt from to", or none.
std::vector<std::string> stateGaps(const RunDir& run) {
  const ProcessResult listed =
      runProcess(binaryPath("aihunt"), {"state", "gaps", "--state", run.state()}, {}, 30);
  INFO(listed.out << listed.err);
  REQUIRE(listed.exit_code == 0);
  std::vector<std::string> gaps;
  for (const std::string& line : aihunt::testing::huntTableLines(listed.out)) {
    if (line.rfind("hunt a gap", 0) == 0) continue;
    std::istringstream fields(line);
    std::string hunt;
    std::string from;
    std::string to;
    if (fields >> hunt >> from >> to) gaps.push_back(hunt + " " + from + " " + to);
  }
  if (gaps.empty()) CHECK(listed.out == "no gaps\n");
  return gaps;
}

// Every window in the ledger, per hunt, oldest first: the state file opened read-only with the
// sqlite3 shell (state show prints the range, not the windows). Empty when sqlite3 is missing.
std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> ledgerWindows(
    const RunDir& run) {
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> windows;
  const std::string sqlite = "/usr/bin/sqlite3";
  if (::access(sqlite.c_str(), X_OK) != 0) return windows;
  const ProcessResult listed =
      runProcess(sqlite,
                 {"-readonly", "-separator", " ", run.state(),
                  "SELECT hunt, from_ms, to_ms FROM windows ORDER BY hunt, from_ms, to_ms"},
                 {}, 30);
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  std::istringstream lines(listed.out);
  std::string hunt;
  std::int64_t from = 0;
  std::int64_t to = 0;
  while (lines >> hunt >> from >> to) windows[hunt].emplace_back(from, to);
  return windows;
}

bool haveSqlite() { return ::access("/usr/bin/sqlite3", X_OK) == 0; }

// The windows of one hunt tile [from, to) exactly: no gap, no overlap, nothing hunted twice.
void checkTiles(const std::vector<std::pair<std::int64_t, std::int64_t>>& windows,
                std::int64_t from, std::int64_t to) {
  REQUIRE(!windows.empty());
  CHECK(iso(windows.front().first) == iso(from));
  CHECK(iso(windows.back().second) == iso(to));
  for (std::size_t i = 0; i < windows.size(); ++i) {
    INFO("window " << i << " [" << iso(windows[i].first) << ", " << iso(windows[i].second) << ")");
    CHECK(windows[i].first < windows[i].second);
    if (i > 0) CHECK(windows[i].first == windows[i - 1].second);
  }
}

// The JSONL findings, asserted well formed: each line a finding, the last one ended, and never
// the same finding twice.
Findings readFindings(const std::string& path) {
  Findings out = aihunt::testing::readFindings(path);
  CHECK(!out.torn);
  INFO(out.problem);
  REQUIRE(out.not_findings == 0);
  CHECK(out.idSet().size() == out.rows.size());  // never the same finding twice
  return out;
}

void setFaults(RunningEmu& emu, const std::string& yaml) {
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  if (yaml.empty()) return;
  const auto reply = emu.admin("POST", "/admin/faults", yaml);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
}

void clearRequests(RunningEmu& emu) {
  REQUIRE(emu.admin("DELETE", "/admin/requests").status == 200);
}

json requests(RunningEmu& emu) {
  const auto reply = emu.admin("GET", "/admin/requests?limit=100000");
  REQUIRE(reply.status == 200);
  return json::parse(reply.body)["requests"];
}

bool isCreate(const json& request) {
  return request["method"] == "POST" && request["target"] == "/api/ariel/searches";
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  return aihunt::testing::waitUntil(done, limit, std::chrono::milliseconds(100));
}

// /metrics, parsed by the strict parser; nullopt when it does not answer 200 or does not parse.
std::optional<aihunt::testing::PromExposition> scrape(const std::string& base) {
  const auto reply = httpGet(base + "/metrics");
  if (reply.status != 200) return std::nullopt;
  auto parsed = aihunt::testing::parsePrometheusText(reply.body);
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

double valueOr0(const aihunt::testing::PromExposition& metrics, const std::string& name,
                const aihunt::testing::PromLabels& labels) {
  return metrics.value(name, labels).value_or(0.0);
}

const std::string kServer = "server:\n  enabled: true\n  listen: 127.0.0.1:0\n";

// Waits until the daemon's /metrics count a window of `hunt` that ended ok.
bool waitForHuntedWindow(const std::string& base, const std::string& hunt,
                         std::chrono::milliseconds limit) {
  return waitUntil(
      [&] {
        const auto metrics = scrape(base);
        return metrics && valueOr0(*metrics, "aihunt_hunt_runs_total",
                                   {{"hunt", hunt}, {"result", "ok"}}) >= 1.0;
      },
      limit);
}

}  // namespace

TEST_CASE("QRadar down for 30 minutes: runs fail and keep the ledger, then every window once",
          "[daemon][resilience][outage]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::vector<std::string> hunts = {"network-sni-dns", "proxy-ai-api"};
  const RunDir run = makeRunDir(emu, std::string("hunts:\n") + kProxyHunt + kSniDnsHunt);
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const std::int64_t ledger_start = t0 - kMinute - 24 * kHour;
  const std::int64_t end0 = t0 - kMinute;  // the ledger's end after the run at t0

  setEmuClock(emu, t0);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  for (const auto& [hunt, row] : stateShow(run)) {
    INFO(hunt);
    CHECK(row.to == iso(end0));
    CHECK(row.windows == 24);
  }
  const std::string delivered = readFile(run.findings());
  REQUIRE(!delivered.empty());

  // Events that arrive in QRadar while aihunt cannot reach it, inside the windows it misses
  // (one on the last millisecond of the first missed 15-minute window).
  const std::vector<std::vector<std::int64_t>> outage_events = {
      {t0 + 5 * kMinute, t0 + 14 * kMinute - 1}, {t0 + 14 * kMinute, t0 + 25 * kMinute}};
  // Every API call fails: first 503 (QRadar's "service unavailable", code 1010), then the
  // connection is reset before any answer.
  const std::vector<std::string> faults = {"- {kind: status_503, times: -1}\n",
                                           "- {kind: reset, times: -1}\n"};
  for (int step = 1; step <= 2; ++step) {
    const std::int64_t now = t0 + step * 15 * kMinute;
    INFO("outage step " << step << ", now " << iso(now));
    setFaults(emu, faults[step - 1]);
    setEmuClock(emu, now);
    addEvents(emu, outage_events[step - 1]);
    clearRequests(emu);
    const ProcessResult result = runOnce(run, now);
    INFO(result.out << result.err);
    // A console that answers 503 is a failed search (4); no answer at all is a connection
    // failure (3).
    CHECK(result.exit_code == (step == 1 ? 4 : 3));
    const auto table = parseTable(result.out);
    CHECK(table.size() == hunts.size());
    for (const auto& [hunt, row] : table) {
      INFO(hunt);
      CHECK(row.windows == 0);
      CHECK(row.status.rfind("failed", 0) == 0);
    }
    // The ledger has not moved, and nothing is recorded as a gap.
    const auto ledger = stateShow(run);
    CHECK(ledger.size() == hunts.size());
    for (const auto& [hunt, row] : ledger) {
      INFO(hunt);
      CHECK(row.to == iso(end0));
      CHECK(row.windows == 24);
      CHECK(row.gaps == 0);
    }
    CHECK(stateGaps(run).empty());
    CHECK(readFile(run.findings()) == delivered);

    // Retries are bounded: each hunt's search creation is tried at most kAttempts times, and
    // nothing else is sent but each connection's first request, without the token, and its one
    // read of the events catalog, not retried (there is
    // no search to poll or delete). A console that answers nothing at all (step 2) gets no
    // search: that first request got no answer, so the token is never sent.
    const json log = requests(emu);
    std::map<std::string, int> creates;
    std::size_t probes = 0;
    std::size_t catalog_reads = 0;  // the mapped properties' check, once per connection at most
    for (const auto& request : log) {
      INFO(request.dump());
      const bool probe = aihunt::testing::isTokenlessProbe(request);
      const bool catalog =
          request["method"] == "GET" && request["target"] == "/api/ariel/databases/events";
      catalog_reads += catalog ? 1 : 0;
      CHECK((isCreate(request) || probe || catalog));
      CHECK(!request["fault"].get<std::string>().empty());
      probes += probe ? 1 : 0;
      if (isCreate(request)) {
        ++creates[huntOfQuery(formValue(request["body"].get<std::string>(), "query_expression"))];
      }
    }
    CHECK(probes >= 1);
    CHECK(probes <= hunts.size());
    CHECK(catalog_reads <= hunts.size());
    CHECK(log.size() - probes - catalog_reads <= hunts.size() * kAttempts);
    CHECK(creates.size() == (step == 1 ? hunts.size() : 0));
    for (const auto& [hunt, n] : creates) {
      INFO(hunt << ": " << n << " attempts");
      CHECK(n >= 1);
      CHECK(n <= kAttempts);
    }
  }

  // QRadar is back 45 minutes after the run that worked: one run hunts what was missed, in one
  // merged window per hunt (every 15 min, max_window 1 h), and finds each outage event once.
  setFaults(emu, "");
  const std::int64_t back = t0 + 45 * kMinute;
  setEmuClock(emu, back);
  clearRequests(emu);
  const ProcessResult recovered = runOnce(run, back);
  INFO(recovered.out << recovered.err);
  CHECK(recovered.exit_code == 0);
  const auto table = parseTable(recovered.out);
  CHECK(table.size() == hunts.size());
  for (const auto& [hunt, row] : table) {
    INFO(hunt);
    CHECK(row.status == "ok");
    CHECK(row.windows == 1);
    CHECK(row.gaps == 0);
  }
  const std::int64_t end1 = back - kMinute;  // 18:44
  const auto ledger = stateShow(run);
  CHECK(ledger.size() == hunts.size());
  for (const auto& [hunt, row] : ledger) {
    INFO(hunt);
    CHECK(row.from == iso(ledger_start));
    CHECK(row.to == iso(end1));
    CHECK(row.windows == 25);
    CHECK(row.gaps == 0);
  }
  CHECK(stateGaps(run).empty());
  if (haveSqlite()) {
    const auto windows = ledgerWindows(run);
    CHECK(windows.size() == hunts.size());
    for (const auto& [hunt, list] : windows) {
      INFO(hunt);
      checkTiles(list, ledger_start, end1);
      CHECK(list.back() == std::make_pair(end0, end1));
    }
  }
  // One search per hunt, created once (no retry was needed) and deleted.
  const json log = requests(emu);
  int created = 0;
  int deleted = 0;
  for (const auto& request : log) {
    if (isCreate(request)) {
      CHECK(request["status"] == 201);
      ++created;
    }
    if (request["method"] == "DELETE") ++deleted;
  }
  CHECK(created == static_cast<int>(hunts.size()));
  CHECK(deleted == created);

  const Findings found = readFindings(run.findings());
  CHECK(readFile(run.findings()).rfind(delivered, 0) == 0);  // what was delivered stays
  for (const auto& step_events : outage_events) {
    for (const std::int64_t at : step_events) {
      INFO("outage event at " << iso(at));
      CHECK(found.count(at) == 1);
    }
  }

  // 15 minutes on: the next window's overlap re-reads the end of the last one; nothing twice.
  setEmuClock(emu, back + 15 * kMinute);
  const ProcessResult next = runOnce(run, back + 15 * kMinute);
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  const Findings after = readFindings(run.findings());
  CHECK(after.idSet() == found.idSet());
}

TEST_CASE("a hunt with a backlog of slow searches never runs twice at once",
          "[daemon][resilience][concurrency]") {
  // Every search spends 0.5 s in each of WAIT, EXECUTE and SORTING: about 1.5 s.
  std::vector<std::string> args = sampleData();
  args.insert(args.end(), {"--phase-delay-ms", "500"});
  RunningEmu emu(args, emuConfig());
  REQUIRE(emu.ok());
  // Three hunts due every minute on max_concurrent_searches 2. proxy-ai-api owes eight 1-minute
  // windows: more than one queue turn (4) takes, so the forever loop (1 s ticks) finds it due
  // again while its turn still runs, and once the other two (one window each) are done a second
  // worker sits idle next to it, free to take it twice if the daemon let it. Three hunts, so
  // that the bound of 2 in flight is something the daemon enforces, not something two hunts
  // give for free.
  const std::map<std::string, int> windows_owed = {
      {"endpoint-network", 1}, {"network-sni-dns", 1}, {"proxy-ai-api", 8}};
  const auto schedule = [&](const std::string& hunt) {
    return "    schedule: {every: 1m, catch_up_max: " + std::to_string(windows_owed.at(hunt)) +
           "m, max_window: 1m}\n";
  };
  const std::vector<std::string> hunts = {"endpoint-network", "network-sni-dns", "proxy-ai-api"};
  const RunDir run =
      makeRunDir(emu,
                 kServer + "hunts:\n" + withLines(kProxyHunt, schedule("proxy-ai-api")) +
                     withLines(kEndpointNetworkHunt, schedule("endpoint-network")) +
                     withLines(kSniDnsHunt, schedule("network-sni-dns")),
                 "  max_concurrent_searches: 2\n");

  // The test's own view of the searches: which id runs which query (the request log has the
  // query in the create request, but the id only in later requests).
  std::mutex seen_mutex;
  std::map<std::string, std::string> query_of_id;
  std::atomic<bool> watching{true};
  std::thread watcher([&] {
    while (watching.load()) {
      const auto listed = emu.call("GET", "/api/ariel/searches", {}, {}, kObserverToken);
      const json ids = json::parse(listed.body, nullptr, false);
      if (listed.status == 200 && ids.is_array()) {
        for (const auto& id : ids) {
          if (!id.is_string()) continue;
          {
            std::lock_guard lock(seen_mutex);
            if (query_of_id.count(id.get<std::string>()) != 0) continue;
          }
          const auto status = emu.call("GET", "/api/ariel/searches/" + id.get<std::string>(), {},
                                       {}, kObserverToken);
          const json body = json::parse(status.body, nullptr, false);
          if (status.status == 200 && body.is_object() && body.contains("query_string")) {
            std::lock_guard lock(seen_mutex);
            query_of_id[id.get<std::string>()] = body["query_string"].get<std::string>();
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  struct StopWatching {
    std::atomic<bool>& flag;
    std::thread& thread;
    ~StopWatching() {
      flag = false;
      if (thread.joinable()) thread.join();
    }
  } stop_watching{watching, watcher};

  const auto started = std::chrono::steady_clock::now();
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);

  // Until every hunt has hunted its backlog; the lag each hunt reports on the way.
  std::map<std::string, double> max_lag;
  std::string text;
  const bool caught_up = waitUntil(
      [&] {
        const auto metrics = scrape(base);
        if (!metrics) return false;
        bool done = true;
        for (const auto& hunt : hunts) {
          if (auto lag = metrics->value("aihunt_window_lag_seconds", {{"hunt", hunt}})) {
            max_lag[hunt] = std::max(max_lag[hunt], *lag);
          } else {
            done = false;
          }
          done = done &&
                 valueOr0(*metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", "ok"}}) >=
                     windows_owed.at(hunt) &&
                 metrics->value("aihunt_windows_pending", {{"hunt", hunt}}) == 0.0;
        }
        return done;
      },
      std::chrono::seconds(45));
  INFO(daemon.err());
  CHECK(caught_up);
  for (const auto& hunt : hunts) {
    INFO(hunt);
    CHECK(max_lag.count(hunt) == 1);  // reported for every hunt
  }
  // Eight minutes behind at the start; a lag the scrapes see while the backlog is worked off.
  CHECK(max_lag["proxy-ai-api"] >= 4 * 60.0);
  const auto metrics = scrape(base);
  REQUIRE(metrics);
  for (const auto& hunt : hunts) {
    INFO(hunt);
    CHECK(metrics->value("aihunt_window_lag_seconds", {{"hunt", hunt}}).has_value());
    CHECK(valueOr0(*metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", "failed"}}) ==
          0);
  }

  ::kill(daemon.pid(), SIGTERM);
  const bool exited = waitUntil([&] { return !daemon.running(); }, std::chrono::seconds(10));
  CHECK(exited);
  CHECK(daemon.stop(1000) == 0);
  watching = false;
  watcher.join();
  INFO("took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count()
               << " ms");

  // Each search's life in the request log's order (seq): from its create to the first DELETE of
  // its id after that. The log records a request when its answer is ready, so a client's next
  // request always comes later. Lives are per create, not per id: a second create of the same
  // query (the same window hunted twice at once) gets the running search back from the
  // emulator's identical-query reuse, and must still count as a search in flight.
  std::map<std::string, std::string> id_of_query;
  for (const auto& [id, query] : query_of_id) id_of_query[query] = id;
  struct Create {
    std::uint64_t seq = 0;
    std::string query;
  };
  std::vector<Create> creates;
  std::map<std::string, std::vector<std::uint64_t>> deletes;  // search id -> seqs
  const json log = requests(emu);
  for (const auto& request : log) {
    if (request["user"] != "aihunt") continue;  // the watcher's own requests
    const std::string target = request["target"].get<std::string>();
    const std::uint64_t seq = request["seq"].get<std::uint64_t>();
    if (isCreate(request)) {
      INFO(request.dump());
      CHECK((request["status"] == 201 || request["status"] == 200));
      creates.push_back({seq, formValue(request["body"].get<std::string>(), "query_expression")});
    } else if (request["method"] == "DELETE" && target.rfind("/api/ariel/searches/", 0) == 0) {
      deletes[target.substr(std::string("/api/ariel/searches/").size())].push_back(seq);
    }
  }
  std::map<std::string, int> creates_of_query;
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> by_hunt;
  std::vector<std::pair<std::uint64_t, int>> edges;
  for (const auto& create : creates) {
    INFO(create.query);
    ++creates_of_query[withoutMarker(create.query)];
    REQUIRE(id_of_query.count(create.query) == 1);  // the watcher saw every search
    const auto& deleted = deletes[id_of_query.at(create.query)];
    const auto end = std::upper_bound(deleted.begin(), deleted.end(), create.seq);
    REQUIRE(end != deleted.end());  // deleted after its create
    by_hunt[huntOfQuery(create.query)].emplace_back(create.seq, *end);
    edges.emplace_back(create.seq, +1);
    edges.emplace_back(*end, -1);
  }
  for (const auto& [query, n] : creates_of_query) {
    INFO(query);
    CHECK(n == 1);  // each window searched once
  }
  CHECK(by_hunt.size() == hunts.size());
  for (auto& [hunt, spans] : by_hunt) {
    INFO(hunt);
    CHECK(spans.size() >= static_cast<std::size_t>(windows_owed.at(hunt)));
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      INFO("search " << i << " created at seq " << spans[i].first << ", the one before deleted at "
                     << spans[i - 1].second);
      CHECK(spans[i].first > spans[i - 1].second);
    }
  }
  std::sort(edges.begin(), edges.end());
  int in_flight = 0;
  int most = 0;
  for (const auto& [seq, delta] : edges) {
    in_flight += delta;
    most = std::max(most, in_flight);
  }
  CHECK(most <= 2);
  CHECK(most == 2);  // the two workers did run side by side
}

TEST_CASE("SIGHUP with a broken config is refused and the daemon runs on; a good one applies",
          "[daemon][resilience][reload]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::vector<std::string> hunts = {"network-sni-dns", "proxy-ai-api"};
  // Two hours of catch-up (two windows per hunt), so that the first runs come quickly.
  const std::string schedule = "    schedule: {catch_up_max: 2h}\n";
  const std::string proxy = withLines(kProxyHunt, schedule);
  const std::string sni = withLines(kSniDnsHunt, schedule);
  const std::string good = kServer + "hunts:\n" + proxy + sni;
  const RunDir run = makeRunDir(emu, good);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  const auto reloads = [&](const std::string& result) {
    const auto metrics = scrape(base);
    return metrics ? valueOr0(*metrics, "aihunt_config_reloads_total", {{"result", result}}) : -1.0;
  };
  const bool hunted = waitUntil(
      [&] {
        const auto metrics = scrape(base);
        if (!metrics) return false;
        for (const auto& hunt : hunts) {
          if (valueOr0(*metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", "ok"}}) < 2)
            return false;
        }
        return true;
      },
      std::chrono::seconds(30));
  INFO(daemon.err());
  REQUIRE(hunted);
  CHECK(reloads("ok") == 0);
  CHECK(reloads("rejected") == 0);

  // Not YAML at all, then YAML with a key the schema does not know: each refused.
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("broken config " << i);
    if (i == 0) {
      std::ofstream(run.config, std::ios::trunc) << "qradar: [url: {\n  - :\n";
    } else {
      run.write(good + "no_such_section:\n  really: true\n");
    }
    REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
    const double want = static_cast<double>(i + 1);
    CHECK(waitUntil([&] { return reloads("rejected") == want; }, std::chrono::seconds(10)));
    CHECK(daemon.running());
    CHECK(httpGet(base + "/healthz").status == 200);
    // QRadar answered, the state is writable: ready, saying that the file would not start it.
    const auto ready = httpGet(base + "/readyz");
    CHECK(ready.status == 200);
    CHECK(ready.body.find("config_file: failing\n") != std::string::npos);
    const auto metrics = scrape(base);  // still renders, and strictly
    REQUIRE(metrics);
    CHECK(valueOr0(*metrics, "aihunt_config_reloads_total", {{"result", "ok"}}) == 0);
    for (const auto& hunt : hunts) {
      INFO(hunt);
      CHECK(valueOr0(*metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", "ok"}}) == 2);
      CHECK(valueOr0(*metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", "failed"}}) ==
            0);
    }
  }

  // A good config again, with one hunt disabled: applied.
  const auto restart_needed = [&] {
    const auto metrics = scrape(base);
    return metrics ? valueOr0(*metrics, "aihunt_config_restart_needed", {}) : -1.0;
  };
  run.write(kServer + "hunts:\n" + proxy + withLines(sni, "    enabled: false\n"));
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  CHECK(waitUntil([&] { return reloads("ok") == 1.0; }, std::chrono::seconds(10)));
  CHECK(reloads("rejected") == 2);
  CHECK(httpGet(base + "/healthz").status == 200);
  CHECK(httpGet(base + "/readyz").body.find("config_file: ok\n") != std::string::npos);
  CHECK(restart_needed() == 0);

  // A change to what is set up only at the start (here the logging) is accepted, and the gauge
  // says a restart is needed; reverting it clears the gauge.
  run.write(kServer + "logging:\n  level: warn\nhunts:\n" + proxy +
            withLines(sni, "    enabled: false\n"));
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  CHECK(waitUntil([&] { return reloads("ok") == 2.0; }, std::chrono::seconds(10)));
  CHECK(restart_needed() == 1);
  run.write(kServer + "hunts:\n" + proxy + withLines(sni, "    enabled: false\n"));
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  CHECK(waitUntil([&] { return reloads("ok") == 3.0; }, std::chrono::seconds(10)));
  CHECK(restart_needed() == 0);

  ::kill(daemon.pid(), SIGTERM);
  const bool exited = waitUntil([&] { return !daemon.running(); }, std::chrono::seconds(10));
  INFO(daemon.err());
  CHECK(exited);
  CHECK(daemon.stop(1000) == 0);
}

TEST_CASE("disabled hunts are left alone; backfill hunts a recorded gap once",
          "[daemon][resilience][backfill]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string off = "    enabled: false\n";
  const RunDir run =
      makeRunDir(emu, std::string("hunts:\n") + kProxyHunt + withLines(kEndpointNetworkHunt, off) +
                          withLines(kSniDnsHunt, off));
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const std::int64_t end0 = t0 - kMinute;

  setEmuClock(emu, t0);
  clearRequests(emu);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const auto table = parseTable(first.out);
  CHECK(table.size() == 1);
  REQUIRE(table.count("proxy-ai-api") == 1);
  CHECK(table.at("proxy-ai-api").windows == 24);
  auto ledger = stateShow(run);
  CHECK(ledger.size() == 1);
  REQUIRE(ledger.count("proxy-ai-api") == 1);
  CHECK(ledger.at("proxy-ai-api").to == iso(end0));
  // Only the enabled hunt asked QRadar anything.
  for (const auto& request : requests(emu)) {
    if (isCreate(request)) {
      CHECK(huntOfQuery(formValue(request["body"].get<std::string>(), "query_expression")) ==
            "proxy-ai-api");
    }
  }
  for (const auto& row : readFindings(run.findings()).rows) {
    CHECK(row.value("hunt", "") == "proxy-ai-api");
  }

  // Events inside what will be the gap: its first millisecond, its middle, and late in it but
  // before the overlap of the next run's first window.
  const std::int64_t later = t0 + 30 * kHour;
  const std::int64_t gap_from = end0;
  const std::int64_t gap_to = later - kMinute - 24 * kHour;  // catch_up_max (24 h) before 1 d 23:59
  const std::vector<std::int64_t> gap_events = {gap_from, gap_from + 3 * kHour,
                                                gap_to - 10 * kMinute};
  addEvents(emu, gap_events);

  // 30 hours later: the last 24 h are hunted; the 6 h before them are a gap.
  setEmuClock(emu, later);
  const ProcessResult second = runOnce(run, later);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  const auto table2 = parseTable(second.out);
  REQUIRE(table2.count("proxy-ai-api") == 1);
  CHECK(table2.at("proxy-ai-api").windows == 24);
  CHECK(table2.at("proxy-ai-api").gaps == 1);
  const std::vector<std::string> gaps = stateGaps(run);
  CHECK(gaps == std::vector<std::string>{"proxy-ai-api " + iso(gap_from) + " " + iso(gap_to)});
  CHECK(gap_to - gap_from == 6 * kHour);
  for (const std::int64_t at : gap_events) {
    INFO("gap event at " << iso(at));
    CHECK(readFindings(run.findings()).count(at) == 0);
  }

  // The backfill of the gap: six 1-hour windows (max_window), the gap's events found once.
  clearRequests(emu);
  const ProcessResult filled = backfill(run, "proxy-ai-api", gap_from, gap_to, later);
  INFO(filled.out << filled.err);
  CHECK(filled.exit_code == 0);
  const auto table3 = parseTable(filled.out);
  REQUIRE(table3.count("proxy-ai-api") == 1);
  CHECK(table3.at("proxy-ai-api").windows == 6);
  CHECK(table3.at("proxy-ai-api").findings >= gap_events.size());
  const Findings found = readFindings(run.findings());
  for (const std::int64_t at : gap_events) {
    INFO("gap event at " << iso(at));
    CHECK(found.count(at) == 1);
  }
  int created = 0;
  for (const auto& request : requests(emu)) created += isCreate(request) ? 1 : 0;
  CHECK(created == 6);
  ledger = stateShow(run);
  REQUIRE(ledger.count("proxy-ai-api") == 1);
  CHECK(ledger.at("proxy-ai-api").windows == 24 + 24 + 6);
  CHECK(ledger.at("proxy-ai-api").to == iso(later - kMinute));
  if (haveSqlite()) {
    const auto windows = ledgerWindows(run);
    CHECK(windows.size() == 1);
    REQUIRE(windows.count("proxy-ai-api") == 1);
    checkTiles(windows.at("proxy-ai-api"), end0 - 24 * kHour, later - kMinute);
  }

  // Again: the ledger already has every window of the range.
  const std::string before = readFile(run.findings());
  clearRequests(emu);
  const ProcessResult again = backfill(run, "proxy-ai-api", gap_from, gap_to, later);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  const auto table4 = parseTable(again.out);
  REQUIRE(table4.count("proxy-ai-api") == 1);
  CHECK(table4.at("proxy-ai-api").windows == 0);
  CHECK(table4.at("proxy-ai-api").findings == 0);
  CHECK(again.err.find("--force hunts them again") != std::string::npos);
  CHECK(requests(emu).empty());
  CHECK(readFile(run.findings()) == before);
  // --max-windows counts the windows still to hunt, not those the ledger holds (a trial: a
  // range already hunted was refused as too many searches).
  const ProcessResult limited =
      backfill(run, "proxy-ai-api", gap_from, gap_to, later, {"--max-windows", "1"});
  INFO(limited.err);
  CHECK(limited.exit_code == 0);
  CHECK(parseTable(limited.out).at("proxy-ai-api").windows == 0);
  // A range that ends before the ledger starts (a mistyped year would be months before): it is
  // hunted, and the stretch between is said to stay unhunted before it is made.
  const std::int64_t start0 = end0 - 24 * kHour;
  const ProcessResult early =
      backfill(run, "proxy-ai-api", start0 - 3 * 24 * kHour, start0 - 2 * 24 * kHour, later);
  INFO(early.out << early.err);
  CHECK(early.exit_code == 0);
  CHECK(early.err.find("the range ends 48h (2 days) before the ledger's first window (" +
                       iso(start0) + "); that stretch stays unhunted") != std::string::npos);
  const std::vector<std::string> open_gaps = stateGaps(run);
  CHECK(std::find(open_gaps.begin(), open_gaps.end(),
                  "proxy-ai-api " + iso(start0 - 2 * 24 * kHour) + " " + iso(start0)) !=
        open_gaps.end());

  // Two windows, the last one that range hunted and the first of the stretch after it: one to
  // hunt, within a limit of 1.
  const std::int64_t hunted_end = start0 - 2 * 24 * kHour;
  const ProcessResult one_more = backfill(run, "proxy-ai-api", hunted_end - kHour,
                                          hunted_end + kHour, later, {"--max-windows", "1"});
  INFO(one_more.err);
  CHECK(one_more.exit_code == 0);
  CHECK(parseTable(one_more.out).at("proxy-ai-api").windows == 1);
}

TEST_CASE("a gap recorded by a run whose hunt then failed is extended, not recorded again",
          "[daemon][resilience][gaps]") {
  // An operator's trial: a failed run left the ledger where it was, and the next run recorded
  // the stretch again from the same start: two overlapping gaps, counted twice.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(emu, std::string("hunts:\n") + kProxyHunt);
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const std::int64_t end0 = t0 - kMinute;
  REQUIRE(runOnce(run, t0).exit_code == 0);

  // 30 hours later, every search failing: the 6 hours before catch_up_max are a gap.
  const std::int64_t later = t0 + 30 * kHour;
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_error, times: -1}\n").status == 200);
  const ProcessResult failed = runOnce(run, later);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 4);
  CHECK(parseTable(failed.out).at("proxy-ai-api").gaps == 1);
  const std::int64_t first_to = later - kMinute - 24 * kHour;
  CHECK(stateGaps(run) ==
        std::vector<std::string>{"proxy-ai-api " + iso(end0) + " " + iso(first_to)});

  // A backfill may reach the gap's end, not past it (said as the gap's, not the ledger's).
  const ProcessResult past = backfill(run, "proxy-ai-api", end0, first_to + kHour, later);
  INFO(past.err);
  CHECK(past.exit_code == 2);
  CHECK(past.err.find("--to is after the end of the gap recorded after the ledger (" +
                      iso(first_to) + ")") != std::string::npos);

  // An hour after that, the console well again: the gap grows by that hour, one gap still.
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  const std::int64_t after = later + kHour;
  const ProcessResult recovered = runOnce(run, after);
  INFO(recovered.out << recovered.err);
  CHECK(recovered.exit_code == 0);
  // The stretch this run left (the table counts it, as the warning says it), in the same gap.
  CHECK(parseTable(recovered.out).at("proxy-ai-api").gaps == 1);
  const std::int64_t gap_to = after - kMinute - 24 * kHour;
  CHECK(stateGaps(run) ==
        std::vector<std::string>{"proxy-ai-api " + iso(end0) + " " + iso(gap_to)});
  CHECK(stateShow(run).at("proxy-ai-api").to == iso(after - kMinute));
  // The whole gap can be backfilled.
  const ProcessResult filled = backfill(run, "proxy-ai-api", end0, gap_to, after);
  INFO(filled.out << filled.err);
  CHECK(filled.exit_code == 0);
  CHECK(stateGaps(run).empty());
}

TEST_CASE("the daemon counts a gap once in aihunt_gaps_total and its seconds as it grows",
          "[daemon][resilience][gaps]") {
  // Left untested by the last round: the gap metrics in daemon mode (the test above counts the
  // table of `run --once`). A new gap counts once; a later stretch of the same outage adds its
  // seconds only.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(emu, kServer + "hunts:\n" + kProxyHunt);
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const std::int64_t end0 = t0 - kMinute;
  REQUIRE(runOnce(run, t0).exit_code == 0);
  REQUIRE(emu.admin("POST", "/admin/faults", "- {kind: search_error, times: -1}\n").status == 200);

  // One daemon's turn: the metrics once the hunt's first run has failed.
  const auto turn = [&](std::int64_t now) {
    std::vector<std::string> args = {"run", "-c", run.config, "--now", iso(now)};
    args.insert(args.end(), kRetryArgs.begin(), kRetryArgs.end());
    BackgroundProcess daemon(binaryPath("aihunt"), args);
    const std::string base = serverBase(daemon);
    std::optional<aihunt::testing::PromExposition> metrics;
    const bool failed = waitUntil(
        [&] {
          metrics = scrape(base);
          return metrics && valueOr0(*metrics, "aihunt_hunt_runs_total",
                                     {{"hunt", "proxy-ai-api"}, {"result", "failed"}}) >= 1;
        },
        std::chrono::seconds(30));
    INFO(daemon.err());
    REQUIRE(failed);
    CHECK(daemon.stop(10'000) == 0);
    return *metrics;
  };
  const aihunt::testing::PromLabels hunt = {{"hunt", "proxy-ai-api"}};

  // 30 hours on: the 6 hours before catch_up_max (24h) are a new gap.
  const std::int64_t later = t0 + 30 * kHour;
  const auto first = turn(later);
  CHECK(valueOr0(first, "aihunt_gaps_total", hunt) == 1);
  const std::int64_t first_to = later - kMinute - 24 * kHour;
  CHECK(valueOr0(first, "aihunt_gap_seconds_total", hunt) == (first_to - end0) / 1000.0);
  CHECK(stateGaps(run) ==
        std::vector<std::string>{"proxy-ai-api " + iso(end0) + " " + iso(first_to)});

  // An hour later, still failing (a new process, its counters from 0): the same gap grows by an
  // hour; no new gap.
  const auto second = turn(later + kHour);
  CHECK(valueOr0(second, "aihunt_gaps_total", hunt) == 0);
  CHECK(valueOr0(second, "aihunt_gap_seconds_total", hunt) == 3600.0);
  CHECK(stateGaps(run) ==
        std::vector<std::string>{"proxy-ai-api " + iso(end0) + " " + iso(first_to + kHour)});
}

TEST_CASE(
    "a window stopped at qradar.row_cap is a gap, not hunted; a backfill with a larger cap "
    "hunts it",
    "[daemon][resilience][gaps]") {
  // A docs trial: such a window was marked done, and the rows past the cap were lost for good
  // with no gap listed.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  // Two more requests in the hour before the sample's busiest one: two cut windows side by
  // side, one stretch.
  const std::int64_t busy_from = t0 - 10 * kHour - kMinute;  // 07:59, a window's start
  const std::int64_t busy_to = busy_from + 2 * kHour;
  addEvents(emu, {busy_from + 11 * kMinute, busy_from + 21 * kMinute});
  const std::string hunts = std::string("hunts:\n") + kProxyHunt;
  const RunDir whole = makeRunDir(emu, hunts);
  REQUIRE(runOnce(whole, t0).exit_code == 0);
  const auto reference = ledgerWindows(whole)["proxy-ai-api"];
  const std::set<std::string> every_id = readFindings(whole.findings()).idSet();
  REQUIRE_FALSE(reference.empty());
  const std::int64_t range_from = reference.front().first;
  const std::int64_t range_to = reference.back().second;

  const RunDir run = makeRunDir(emu, hunts, "  row_cap: 1\n");
  const ProcessResult capped = runOnce(run, t0);
  INFO(capped.out << capped.err);
  CHECK(capped.exit_code == 4);
  // The two cut hours are one gap, listed and counted once.
  CHECK(stateGaps(run) ==
        std::vector<std::string>{"proxy-ai-api " + iso(busy_from) + " " + iso(busy_to)});
  CHECK(parseTable(capped.out).at("proxy-ai-api").gaps == 1);
  // Hunted windows and the gap tile the day: nothing hunted twice, nothing left out.
  if (haveSqlite()) {
    auto ledger = ledgerWindows(run);
    auto tiles = ledger["proxy-ai-api"];
    tiles.emplace_back(busy_from, busy_to);
    std::sort(tiles.begin(), tiles.end());
    checkTiles(tiles, range_from, range_to);
  }

  // The cap raised, a backfill of the whole range hunts the gap only: every finding is there.
  RunDir raised = run;
  const auto at = raised.qradar.find("  row_cap: 1\n");
  REQUIRE(at != std::string::npos);
  raised.qradar.replace(at, std::string("  row_cap: 1\n").size(), "  row_cap: 100000\n");
  raised.write(hunts);
  const ProcessResult filled = backfill(run, "proxy-ai-api", range_from, range_to, t0);
  INFO(filled.out << filled.err);
  CHECK(filled.exit_code == 0);
  CHECK(stateGaps(run).empty());
  // The two hours, read whole this time (each had more than one row, since one was its cap).
  CHECK(parseTable(filled.out).at("proxy-ai-api").windows == 2);
  CHECK(parseTable(filled.out).at("proxy-ai-api").rows >= 4);
  if (haveSqlite()) CHECK(ledgerWindows(run)["proxy-ai-api"] == reference);
  CHECK(readFindings(run.findings()).idSet() == every_id);

  // A forced backfill that stops at the cap over windows hunted whole leaves them as they were:
  // no gap, and the ledger unchanged.
  run.write(hunts);  // row_cap: 1 again
  const ProcessResult forced = backfill(run, "proxy-ai-api", range_from, range_to, t0, {"--force"});
  INFO(forced.out << forced.err);
  CHECK(forced.exit_code == 4);
  CHECK(parseTable(forced.out).at("proxy-ai-api").gaps == 0);
  CHECK(stateGaps(run).empty());
  if (haveSqlite()) CHECK(ledgerWindows(run)["proxy-ai-api"] == reference);
}

TEST_CASE("the daemon backs a failing hunt off instead of asking every tick, then catches up",
          "[daemon][resilience][outage][backoff]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  // QRadar answers every API call with 503 from the start.
  setFaults(emu, "- {kind: status_503, times: -1}\n");
  const std::vector<std::string> hunts = {"network-sni-dns", "proxy-ai-api"};
  // Six hours of catch-up: six 1-hour windows per hunt.
  const std::string schedule = "    schedule: {catch_up_max: 6h}\n";
  const RunDir run = makeRunDir(emu, kServer + "hunts:\n" + withLines(kProxyHunt, schedule) +
                                         withLines(kSniDnsHunt, schedule));
  std::vector<std::string> args = {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow};
  args.insert(args.end(), kRetryArgs.begin(), kRetryArgs.end());
  BackgroundProcess daemon(binaryPath("aihunt"), args);
  const std::string base = serverBase(daemon);
  const auto runs = [&](const aihunt::testing::PromExposition& metrics, const std::string& hunt,
                        const std::string& result) {
    return valueOr0(metrics, "aihunt_hunt_runs_total", {{"hunt", hunt}, {"result", result}});
  };

  // Each hunt's first turn fails.
  std::optional<aihunt::testing::PromExposition> metrics;
  const bool failed = waitUntil(
      [&] {
        metrics = scrape(base);
        if (!metrics) return false;
        for (const auto& hunt : hunts) {
          if (runs(*metrics, hunt, "failed") < 1) return false;
        }
        return true;
      },
      std::chrono::seconds(20));
  const auto failed_at = std::chrono::steady_clock::now();
  INFO(daemon.err());
  REQUIRE(failed);
  for (const auto& hunt : hunts) {
    INFO(hunt);
    CHECK(runs(*metrics, hunt, "failed") == 1);
    CHECK(runs(*metrics, hunt, "ok") == 0);
    // The whole catch-up is still owed; nothing was given up as a gap. Six searches: the 24
    // 15-minute windows merge into hour-long ones (schedule.max_window) while catching up.
    CHECK(metrics->value("aihunt_window_lag_seconds", {{"hunt", hunt}}) == 6 * 3600.0);
    CHECK(metrics->value("aihunt_windows_pending", {{"hunt", hunt}}) == 6.0);
    CHECK(valueOr0(*metrics, "aihunt_gaps_total", {{"hunt", hunt}}) == 0);
  }
  // Not ready: QRadar has not answered a search (nor the probe) successfully.
  CHECK(httpGet(base + "/readyz").status == 503);
  CHECK(httpGet(base + "/healthz").status == 200);

  // QRadar is back at once, but the hunts wait out their backoff (5 s) rather than trying again
  // at the next tick (1 s).
  setFaults(emu, "");
  const bool recovered = waitUntil(
      [&] {
        metrics = scrape(base);
        if (!metrics) return false;
        for (const auto& hunt : hunts) {
          if (runs(*metrics, hunt, "ok") < 1) return false;
        }
        return true;
      },
      std::chrono::seconds(20));
  const auto waited = std::chrono::steady_clock::now() - failed_at;
  REQUIRE(recovered);
  INFO("the first window succeeded "
       << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
       << " ms after the failures were seen");
  CHECK(waited >= std::chrono::milliseconds(4000));
  CHECK(waited <= std::chrono::seconds(12));
  for (const auto& hunt : hunts) {
    INFO(hunt);
    CHECK(runs(*metrics, hunt, "failed") == 1);  // no second failed turn in between
  }

  // The catch-up completes: every window once, no gap, and the daemon is ready.
  const bool caught_up = waitUntil(
      [&] {
        metrics = scrape(base);
        if (!metrics) return false;
        for (const auto& hunt : hunts) {
          if (runs(*metrics, hunt, "ok") != 6) return false;
          if (metrics->value("aihunt_windows_pending", {{"hunt", hunt}}) != 0.0) return false;
        }
        return true;
      },
      std::chrono::seconds(30));
  CHECK(caught_up);
  CHECK(
      waitUntil([&] { return httpGet(base + "/readyz").status == 200; }, std::chrono::seconds(5)));

  ::kill(daemon.pid(), SIGTERM);
  const bool exited = waitUntil([&] { return !daemon.running(); }, std::chrono::seconds(10));
  CHECK(exited);
  CHECK(daemon.stop(1000) == 0);

  // In the request log: per hunt, one failed turn (at most kAttempts refused creates), then one
  // search per window, each created once and deleted.
  std::map<std::string, int> refused;
  std::map<std::string, int> created;
  int deleted = 0;
  for (const auto& request : requests(emu)) {
    if (request["method"] == "DELETE") ++deleted;
    if (!isCreate(request)) continue;
    const std::string hunt =
        huntOfQuery(formValue(request["body"].get<std::string>(), "query_expression"));
    ++(request["status"] == 201 ? created : refused)[hunt];
  }
  for (const auto& hunt : hunts) {
    INFO(hunt);
    CHECK(refused[hunt] >= 1);
    CHECK(refused[hunt] <= kAttempts);
    CHECK(created[hunt] == 6);
  }
  CHECK(deleted == 12);
  CHECK(stateGaps(run).empty());
  if (haveSqlite()) {
    const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
    const auto windows = ledgerWindows(run);
    CHECK(windows.size() == hunts.size());
    for (const auto& [hunt, list] : windows) {
      INFO(hunt);
      checkTiles(list, t0 - kMinute - 6 * kHour, t0 - kMinute);
    }
  }
  const Findings found = readFindings(run.findings());
  CHECK(!found.rows.empty());
}

TEST_CASE("a hunt backing off from a failing console still shows its lag growing",
          "[daemon][resilience][outage][metrics]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const std::string schedule = "    schedule: {catch_up_max: 6h, splay: 0s}\n";
  const RunDir run = makeRunDir(emu, kServer + "hunts:\n" + withLines(kProxyHunt, schedule));
  // A ledger first: with none, the lag is catch_up_max however long the outage lasts.
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);

  // Twenty minutes later (a window is due), with the console gone: each try fails at once, and
  // the hunt backs off 5 s, 10 s, then 20 s, so it tries at about 0, 5 and 15 s, then not before
  // 35 s. Windows end a minute (schedule.delay) before now, on whole minutes: `now` minus the
  // delay is 40 s into a minute, so the lag steps up by 60 s about 20 s after the start. Before,
  // the gauge moved only when the hunt was tried again: not before 35 s.
  const std::int64_t t1 = t0 + 20 * 60'000 + 40'000 + 60'000;
  std::vector<std::string> args = {
      "run",
      "-c",
      run.config,
      "--now",
      iso(t1),
      "--qradar-url",
      "https://localhost:" + std::to_string(aihunt::testing::closedLoopbackPort())};
  args.insert(args.end(), kRetryArgs.begin(), kRetryArgs.end());
  BackgroundProcess daemon(binaryPath("aihunt"), args);
  const std::string base = serverBase(daemon);
  const auto lag = [&]() -> std::optional<double> {
    const auto metrics = scrape(base);
    if (!metrics) return std::nullopt;
    return metrics->value("aihunt_window_lag_seconds", {{"hunt", "proxy-ai-api"}});
  };
  std::optional<double> before;
  REQUIRE(waitUntil([&] { return (before = lag()).has_value(); }, std::chrono::seconds(20)));
  // The daemon is up (its clock started a moment before its server): 21 minutes behind, 18:20
  // against the ledger's 17:59, unless a slow start took it past the step already.
  REQUIRE(*before == 21 * 60.0);
  // The step shows about 20 s from the daemon's start; before, not until the fourth try, at
  // 35 s. Waited for 28 s from here, which is no earlier than the start.
  const bool stepped = waitUntil(
      [&] {
        const auto now = lag();
        return now && *now > *before;
      },
      std::chrono::seconds(28));
  INFO(daemon.err());
  CHECK(stepped);
  CHECK(lag() == std::optional<double>(*before + 60.0));
  // No window was tried, so no run is counted; the failed connections are (an operator's trial:
  // an alert on failed runs never fired while the console could not be reached).
  const auto metrics = scrape(base);
  REQUIRE(metrics.has_value());
  CHECK(valueOr0(*metrics, "aihunt_qradar_connect_failures_total", {{"reason", "unreachable"}}) >=
        1.0);
  for (const char* result : {"ok", "failed"}) {
    CHECK(valueOr0(*metrics, "aihunt_hunt_runs_total",
                   {{"hunt", "proxy-ai-api"}, {"result", result}}) == 0.0);
  }
  // One SIGTERM (stop() sends it): a second one would end the daemon at once, by the signal.
  CHECK(daemon.stop(20'000) == 0);
}

TEST_CASE("a daemon killed mid-search: the next start deletes the search it left running",
          "[daemon][resilience][crash]") {
  // Each search spends 2 s in each of WAIT, EXECUTE and SORTING: time to kill the daemon while
  // one runs.
  std::vector<std::string> args = sampleData();
  args.insert(args.end(), {"--phase-delay-ms", "2000"});
  RunningEmu emu(args, emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(
      emu,
      kServer + "hunts:\n" +
          withLines(kProxyHunt, "    schedule: {every: 1m, catch_up_max: 1m, max_window: 1m}\n"));
  const auto listed = [&] {
    std::vector<std::string> ids;
    const auto reply = emu.call("GET", "/api/ariel/searches", {}, {}, kObserverToken);
    const json body = json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || !body.is_array()) return ids;
    for (const auto& id : body) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const auto on_console = [&](const std::string& id) {
    return emu.call("GET", "/api/ariel/searches/" + id, {}, {}, kObserverToken).status;
  };
  // What the state file records as held on the console (read-only, beside a running daemon).
  const auto recorded = [&] {
    std::vector<std::string> ids;
    auto store = aihunt::state::StateStore::open(run.state(), {false, true});
    if (!store) return ids;
    auto searches = (*store)->consoleSearches();
    if (!searches) return ids;
    for (const auto& search : *searches) ids.push_back(search.search_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::vector<std::string> daemon_args = {"run", "-c", run.config, "--now",
                                                aihunt::testing::kSampleNow};

  std::vector<std::string> left;
  {
    BackgroundProcess daemon(binaryPath("aihunt"), daemon_args);
    const bool searching = waitUntil(
        [&] {
          left = listed();
          return !left.empty() && recorded() == left;
        },
        std::chrono::seconds(20));
    INFO(daemon.err());
    REQUIRE(searching);
    ::kill(daemon.pid(), SIGKILL);
    CHECK(daemon.stop() == -1);
  }
  // The kill left the search running on the console, and recorded in the state file.
  for (const auto& id : left) CHECK(on_console(id) == 200);
  CHECK(recorded() == left);

  BackgroundProcess daemon(binaryPath("aihunt"), daemon_args);
  const std::string base = serverBase(daemon);
  const bool deleted = waitUntil(
      [&] {
        const auto metrics = scrape(base);
        return metrics && valueOr0(*metrics, "aihunt_leftover_searches_total",
                                   {{"result", "deleted"}}) == static_cast<double>(left.size());
      },
      std::chrono::seconds(20));
  INFO(daemon.err());
  CHECK(deleted);
  for (const auto& id : left) CHECK(on_console(id) == 404);
  // Its own search, recorded while it runs, is deleted and forgotten when it stops.
  CHECK(daemon.stop(20'000) == 0);
  CHECK(recorded().empty());
  CHECK(listed().empty());

  // A backfill cleans up the same way before it starts: a search made with aihunt's token and
  // recorded in the state file, as a killed run leaves them.
  const auto made = emu.call(
      "POST", "/api/ariel/searches", {"Content-Type: application/x-www-form-urlencoded"},
      "query_expression=" + aihunt::testing::urlEncode("SELECT sourceip FROM events LAST 1 HOURS"),
      kToken);
  REQUIRE(made.status == 201);
  const std::string stray = json::parse(made.body)["search_id"].get<std::string>();
  {
    auto store = aihunt::state::StateStore::open(run.state(), {});
    REQUIRE(store);
    REQUIRE((*store)->recordSearch({stray, emu.base(), "proxy-ai-api", 0}).ok());
  }
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  const ProcessResult filled =
      backfill(run, "proxy-ai-api", t0 - 3 * kMinute, t0 - 2 * kMinute, t0);
  INFO(filled.err);
  CHECK(filled.exit_code == 0);
  CHECK(on_console(stray) == 404);
  CHECK(recorded().empty());
  CHECK(listed().empty());
}

TEST_CASE("a search whose delete failed is deleted by the same daemon once the console deletes",
          "[daemon][resilience][crash]") {
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = makeRunDir(
      emu,
      kServer + "hunts:\n" +
          withLines(kProxyHunt, "    schedule: {every: 1m, catch_up_max: 1m, max_window: 1m}\n"));
  // Every delete refused while the first window is hunted.
  setFaults(emu,
            "faults:\n  - {kind: status_500, method: DELETE, path: \"/api/ariel/searches/*\", "
            "times: -1}\n");
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  const bool hunted = waitForHuntedWindow(base, "proxy-ai-api", std::chrono::seconds(20));
  INFO(daemon.err());
  REQUIRE(hunted);
  const auto left = emu.call("GET", "/api/ariel/searches", {}, {}, kObserverToken);
  REQUIRE(left.status == 200);
  REQUIRE(json::parse(left.body).size() >= 1);  // the window's search, not deleted

  // The console deletes again: within the main loop's 30 s round, without a restart.
  setFaults(emu, "");
  const bool deleted = waitUntil(
      [&] {
        const auto metrics = scrape(base);
        return metrics &&
               valueOr0(*metrics, "aihunt_leftover_searches_total", {{"result", "deleted"}}) >= 1;
      },
      std::chrono::seconds(40));
  CHECK(deleted);
  const auto after = emu.call("GET", "/api/ariel/searches", {}, {}, kObserverToken);
  REQUIRE(after.status == 200);
  CHECK(json::parse(after.body) == json::array());
  CHECK(daemon.stop(20'000) == 0);
}

TEST_CASE("/readyz says why the console is not usable: a refused token, then nothing",
          "[daemon][resilience][readyz]") {
  // A newcomer's trial: /readyz said "qradar: failing" and nothing more while the token was
  // refused, where a refused config file gets a detail line.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run =
      aihunt::testing::makeRunDir(emu, "aihunt-resilience-readyz-", "not-the-token-0000-1111-2222",
                                  {}, kServer + "hunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  aihunt::testing::HttpReply ready;
  const bool said = waitUntil(
      [&] {
        ready = httpGet(base + "/readyz");
        return ready.body.find("detail: qradar: the console refuses the token") !=
               std::string::npos;
      },
      std::chrono::seconds(20));
  INFO(ready.body << daemon.err());
  CHECK(said);
  CHECK(ready.status == 503);
  const auto metrics = scrape(base);
  REQUIRE(metrics.has_value());
  CHECK(valueOr0(*metrics, "aihunt_qradar_connect_failures_total", {{"reason", "refused"}}) >= 1.0);
  CHECK(valueOr0(*metrics, "aihunt_qradar_connect_failures_total", {{"reason", "unreachable"}}) ==
        0.0);
  CHECK(ready.body.find("qradar: failing\n") != std::string::npos);
  CHECK(ready.body.find("not-the-token") == std::string::npos);  // never the token
  // The token fixed and SIGHUP: the console answers, the daemon is ready, the detail gone.
  { std::ofstream(run.path("token"), std::ios::trunc) << kToken; }
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  const bool recovered = waitUntil(
      [&] {
        ready = httpGet(base + "/readyz");
        return ready.status == 200;
      },
      std::chrono::seconds(30));
  INFO(ready.body << daemon.err());
  CHECK(recovered);
  CHECK(ready.body.find("detail:") == std::string::npos);
  CHECK(daemon.stop(10000) == 0);
}

TEST_CASE("/readyz follows a reload to a refused token or an unreachable console at once",
          "[daemon][resilience][readyz]") {
  // A trial: after SIGHUP brought a wrong token (or URL), /readyz said ready for five minutes
  // (ready_within from the last answer, which was the old token's), and the probe asked nothing.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  RunDir run = aihunt::testing::makeRunDir(emu, "aihunt-resilience-reload-", kToken, {},
                                           kServer + "hunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  aihunt::testing::HttpReply ready;
  const auto readyzUntil = [&](const std::function<bool()>& done) {
    return waitUntil(
        [&] {
          ready = httpGet(base + "/readyz");
          return done();
        },
        std::chrono::seconds(15));
  };
  REQUIRE(readyzUntil([&] { return ready.status == 200; }));

  { std::ofstream(run.path("token"), std::ios::trunc) << "not-the-token-0000-1111-2222"; }
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  const bool refused = readyzUntil([&] {
    return ready.status == 503 &&
           ready.body.find("detail: qradar: the console refuses the token") != std::string::npos;
  });
  INFO(ready.body << daemon.err());
  CHECK(refused);

  { std::ofstream(run.path("token"), std::ios::trunc) << kToken; }
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  CHECK(readyzUntil([&] { return ready.status == 200; }));

  // A console that is not there: nothing listens on port 1 (as in cli_conventions_test).
  const std::string closed = "https://127.0.0.1:1";
  const auto url = run.qradar.find(emu.base());
  REQUIRE(url != std::string::npos);
  run.qradar.replace(url, emu.base().size(), closed);
  run.write(kServer + "hunts:\n" + kProxyHunt);
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  const bool lost = readyzUntil([&] {
    return ready.status == 503 &&
           ready.body.find("detail: qradar: the console cannot be reached") != std::string::npos;
  });
  INFO(ready.body << daemon.err());
  CHECK(lost);
  CHECK(daemon.stop(10000) == 0);
}

TEST_CASE("a token refused mid-hunt, on a kept connection, holds the hunts and counts as refused",
          "[daemon][resilience][refused]") {
  // The token answers the connection's first request and is refused on the search that follows
  // (revoked in between). Before, only aihunt_hunt_runs_total{failed} moved, and an alert on
  // refused tokens missed it.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  setFaults(emu, "faults:\n  - {kind: status_401, method: POST, path: /api/ariel/searches}\n");
  const RunDir run = aihunt::testing::makeRunDir(emu, "aihunt-resilience-revoked-", kToken, {},
                                                 kServer + "hunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  std::optional<aihunt::testing::PromExposition> metrics;
  const bool counted = waitUntil(
      [&] {
        metrics = scrape(base);
        return metrics && valueOr0(*metrics, "aihunt_qradar_connect_failures_total",
                                   {{"reason", "refused"}}) >= 1.0;
      },
      std::chrono::seconds(20));
  INFO(daemon.err());
  REQUIRE(counted);
  CHECK(valueOr0(*metrics, "aihunt_hunt_runs_total",
                 {{"hunt", "proxy-ai-api"}, {"result", "failed"}}) == 1.0);
  CHECK(valueOr0(*metrics, "aihunt_qradar_connect_failures_total", {{"reason", "unreachable"}}) ==
        0.0);
  // SIGHUP ends the hold at once (a corrected token); the fault has fired its one time.
  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  const bool delivered = waitUntil([&] { return !readFindings(run.findings()).rows.empty(); },
                                   std::chrono::seconds(30));
  CHECK(delivered);
  CHECK(daemon.stop(20'000) == 0);
  // Held until the reload: the refused search was the only one refused, and no hunt asked
  // again with the refused token (each refused request is a failed login on the console).
  const json log = json::parse(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  std::size_t refused = 0;
  for (const auto& request : log) {
    // Not the client's first question without the token, whose 401 is expected.
    refused += request["status"] == 401 && !aihunt::testing::isTokenlessProbe(request) ? 1 : 0;
  }
  CHECK(refused == 1);
}

TEST_CASE("/readyz says why when the console is lost while the daemon runs",
          "[daemon][resilience][readyz]") {
  // Left untested by the last round: readiness waited five minutes on the real clock.
  // server.ready_within shortens it here; the probe asks after a fifth of it.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run =
      aihunt::testing::makeRunDir(emu, "aihunt-resilience-lost-", kToken, {},
                                  kServer + "  ready_within: 5s\nhunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  aihunt::testing::HttpReply ready;
  const bool up = waitUntil(
      [&] {
        ready = httpGet(base + "/readyz");
        return ready.status == 200;
      },
      std::chrono::seconds(20));
  INFO(ready.body << daemon.err());
  REQUIRE(up);
  REQUIRE(emu.process().stop(10'000) == 0);  // the console goes away
  const bool lost = waitUntil(
      [&] {
        ready = httpGet(base + "/readyz");
        return ready.status == 503;
      },
      std::chrono::seconds(20));
  INFO(ready.body << daemon.err());
  CHECK(lost);
  CHECK(ready.body.find("qradar: failing\n") != std::string::npos);
  CHECK(ready.body.find("detail: qradar: the console cannot be reached") != std::string::npos);
  const auto metrics = scrape(base);
  REQUIRE(metrics.has_value());
  CHECK(valueOr0(*metrics, "aihunt_qradar_connect_failures_total", {{"reason", "unreachable"}}) >=
        1.0);
  CHECK(daemon.stop(10'000) == 0);
}

TEST_CASE("a state file moved away under the daemon stops it (exit 5); the file keeps its windows",
          "[daemon][resilience][state]") {
  // A resource trial: a state file deleted or replaced while the daemon ran was not noticed
  // (SQLite in WAL mode writes on into the unlinked file), and the next start hunted and
  // raised everything again.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  const RunDir run = aihunt::testing::makeRunDir(emu, "aihunt-resilience-moved-", kToken, {},
                                                 kServer + "hunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  const bool hunted = waitForHuntedWindow(base, "proxy-ai-api", std::chrono::seconds(30));
  INFO(daemon.err());
  REQUIRE(hunted);
  const std::string aside = run.state() + ".aside";
  std::filesystem::rename(run.state(), aside);
  const bool ended = waitUntil([&] { return !daemon.running(); }, std::chrono::seconds(20));
  INFO(daemon.err());
  REQUIRE(ended);
  CHECK(daemon.stop() == 5);
  // Nothing at the path: the daemon made no new file there. The file it had holds its windows
  // (checkpointed at its close), as `aihunt state show` reads it back in place.
  CHECK_FALSE(std::filesystem::exists(run.state()));
  std::filesystem::rename(aside, run.state());
  const auto ledger = stateShow(run);
  REQUIRE(ledger.count("proxy-ai-api") == 1);
  CHECK(ledger.at("proxy-ai-api").windows >= 1);
}

TEST_CASE("a state file moved away under a stuck search: the daemon cancels it and exits 5",
          "[daemon][resilience][state]") {
  // A review: the stop waited for in-flight hunts, and a stuck search held the exit for its whole
  // deadline (15 minutes), past the grace period the outbox is flushed in.
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  setFaults(emu, "faults:\n  - {kind: search_stuck, times: -1}\n");
  const RunDir run = aihunt::testing::makeRunDir(emu, "aihunt-resilience-stuck-moved-", kToken, {},
                                                 kServer + "hunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  static_cast<void>(serverBase(daemon));
  const auto creates = [&] {
    const json log = json::parse(emu.admin("GET", "/admin/requests?limit=100000").body);
    return std::count_if(log["requests"].begin(), log["requests"].end(),
                         [](const json& r) { return isCreate(r); });
  };
  REQUIRE(waitUntil([&] { return creates() >= 1; }, std::chrono::seconds(20)));
  std::filesystem::rename(run.state(), run.state() + ".aside");
  const bool ended = waitUntil([&] { return !daemon.running(); }, std::chrono::seconds(20));
  INFO(daemon.err());
  REQUIRE(ended);
  CHECK(daemon.stop() == 5);
  // The stuck search was cancelled and deleted on the way out, as on SIGTERM.
  const json log = json::parse(emu.admin("GET", "/admin/requests?limit=100000").body);
  const bool deleted =
      std::any_of(log["requests"].begin(), log["requests"].end(), [](const json& r) {
        return r["method"] == "DELETE" &&
               r["target"].get<std::string>().rfind("/api/ariel/searches/", 0) == 0;
      });
  CHECK(deleted);
}

TEST_CASE("hunts backing off from a console out of reach try once it answers again",
          "[daemon][resilience][readyz]") {
  // An operator's trial: /readyz said the console was back minutes before the hunts tried
  // again, and that wait became a gap. Each hunt that finds no console waits 30 s; the probe
  // (every half second here, server.ready_within: 5s) finds it back first and wakes them.
  // No answer at all, or 503 from every endpoint (a console restarting behind its web server).
  const std::string kind = GENERATE(as<std::string>{}, "reset", "status_503");
  INFO(kind);
  RunningEmu emu(sampleData(), emuConfig());
  REQUIRE(emu.ok());
  REQUIRE(
      emu.admin("POST", "/admin/faults", "- {kind: " + kind + ", path: \"/api/*\", times: -1}\n")
          .status == 200);
  const RunDir run =
      aihunt::testing::makeRunDir(emu, "aihunt-resilience-back-", kToken, {},
                                  kServer + "  ready_within: 5s\nhunts:\n" + kProxyHunt);
  BackgroundProcess daemon(binaryPath("aihunt"),
                           {"run", "-c", run.config, "--now", aihunt::testing::kSampleNow});
  const std::string base = serverBase(daemon);
  aihunt::testing::HttpReply ready;
  const bool lost = waitUntil(
      [&] {
        ready = httpGet(base + "/readyz");
        const auto metrics = scrape(base);
        return metrics &&
               valueOr0(*metrics, "aihunt_qradar_connect_failures_total",
                        {{"reason", "unreachable"}}) >= 2.0 &&
               ready.body.find("detail: qradar: the console cannot be reached") !=
                   std::string::npos;
      },
      std::chrono::seconds(20));
  INFO(ready.body << daemon.err());
  REQUIRE(lost);  // the hunt's connection and the probe's (the probe's is what finds it back)
  // The hunt failed at most a few seconds ago: its own retry is 30 s after that.
  const auto back = std::chrono::steady_clock::now();
  REQUIRE(emu.admin("DELETE", "/admin/faults").status == 200);
  const bool hunted = waitUntil(
      [&] {
        const json log = requests(emu);
        return std::any_of(log.begin(), log.end(), isCreate);
      },
      std::chrono::seconds(15));
  INFO(daemon.err());
  CHECK(hunted);
  CHECK(std::chrono::steady_clock::now() - back < std::chrono::seconds(15));
  CHECK(
      waitUntil([&] { return httpGet(base + "/readyz").status == 200; }, std::chrono::seconds(10)));
  CHECK(daemon.stop(10'000) == 0);
}
