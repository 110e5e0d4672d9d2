// Test support shared by the daemon's integration tests (daemon_test.cpp and
// daemon_resilience_test.cpp): hunt definitions, the sample, time stamps, a test's run folder
// and config, `aihunt run --once`, the tables aihunt prints, the JSONL findings and the
// emulator's admin calls. What one test file alone needs stays in that file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/http_client.h"
#include "tests/support/background_process.h"
#include "tests/support/process_runner.h"

namespace aihunt::testing {

inline constexpr std::int64_t kMinute = 60'000;

// Hunt definitions as in content/hunts.yaml, for configs with their own `hunts:`. Each has its
// own WHERE text, so a search in the request log can be mapped back to its hunt.
inline constexpr const char* kProxyHunt = R"(  - name: proxy-ai-api
    database: events
    fields:
      url: URL
      application: Application
      user_agent: User Agent
      bytes_sent: Bytes Sent
      host: Hostname
    signals: [non_browser_ai_api, large_upload, first_seen, ai_api_contact]
)";
inline constexpr const char* kEndpointNetworkHunt = R"(  - name: endpoint-network
    database: events
    where: devicetype IN (11, 12)
    fields:
      application: Application
      image: Process Path
      dest_host: Destination Host Name
      query_name: DNS Query Name
      host: Hostname
    signals: [non_browser_ai_api, first_seen]
)";
inline constexpr const char* kSniDnsHunt = R"(  - name: network-sni-dns
    database: events
    where: devicetype NOT IN (11, 12)
    fields:
      dest_host: Destination Host Name
      query_name: DNS Query Name
      host: Hostname
    signals: [ai_api_contact, first_seen]
)";

// The proxy row of content/samples/events.jsonl (jdoe's PowerShell to api.openai.com) that
// proxy-ai-api finds; `at` replaces its starttime.
std::string proxyEvent(std::int64_t at);

// qradar-emu's arguments for the sample events and lookups.
std::vector<std::string> sampleData();

std::int64_t ms(const std::string& iso);
std::string iso(std::int64_t at);

std::string readFile(const std::string& path);

// `hunt` (one of the k...Hunt entries) with `lines` (four spaces in) after its name.
std::string withLines(const std::string& hunt, const std::string& lines);

// A test's folder: aihunt.yaml (state.db and findings.jsonl next to it) and the token file.
struct RunDir {
  std::string dir;
  std::string config;
  std::string qradar;  // the config's qradar section
  std::string token;   // the API token in the token file, never to be printed

  [[nodiscard]] std::string path(const std::string& name) const { return dir + "/" + name; }
  [[nodiscard]] std::string findings() const { return path("findings.jsonl"); }
  [[nodiscard]] std::string state() const { return path("state.db"); }
  // Writes the config (through a rename): the qradar section, outputs, state and `extra`
  // (hunts:, server:).
  void write(const std::string& extra) const;
};

// A new folder (`temp_prefix`) with `token` in its token file and a config for `emu`:
// `qradar_keys` are more keys of the qradar section (two spaces in), `extra` more top-level keys.
RunDir makeRunDir(const RunningEmu& emu, const std::string& temp_prefix, const std::string& token,
                  const std::string& qradar_keys, const std::string& extra);

// `aihunt run -c <config> --once --now <now>` and `extra`.
std::vector<std::string> runArgs(const RunDir& run, const std::string& now,
                                 const std::vector<std::string>& extra = {});

// Runs `runArgs` (60 s at the most); checks the token is on neither stdout nor stderr.
ProcessResult runOnce(const RunDir& run, const std::string& now,
                      const std::vector<std::string>& extra = {});

// The lines below the "HUNT ..." header of a table aihunt prints.
std::vector<std::string> huntTableLines(const std::string& out);

// The per-hunt table that `run --once` and `backfill` print.
struct TableRow {
  std::uint64_t windows = 0;
  std::uint64_t rows = 0;
  std::uint64_t findings = 0;
  std::uint64_t repeats = 0;
  std::uint64_t gaps = 0;
  std::string status;
};

std::map<std::string, TableRow> parseTable(const std::string& out);

// `aihunt state show`: per hunt, the ledger's range and its number of windows.
struct LedgerRow {
  std::string from;
  std::string to;
  std::uint64_t windows = 0;
  std::uint64_t gaps = 0;
};

std::map<std::string, LedgerRow> stateShow(const RunDir& run);

// The JSONL output: every line a JSON object with a finding_id, the file ending with a line feed.
struct Findings {
  std::vector<nlohmann::json> rows;
  std::multiset<std::string> ids;
  bool torn = false;             // the last line has no line feed
  std::size_t not_findings = 0;  // lines that are not a finding
  std::string problem;           // empty: well formed

  [[nodiscard]] std::set<std::string> idSet() const { return {ids.begin(), ids.end()}; }
  // How many findings have this event time.
  [[nodiscard]] std::size_t count(const std::string& event_time) const;
  [[nodiscard]] std::size_t count(std::int64_t event_time) const { return count(iso(event_time)); }
};

// Reads the JSONL findings; what is wrong with them is in `problem`, not asserted.
Findings readFindings(const std::string& path);

void setEmuClock(RunningEmu& emu, std::int64_t at);

// Adds proxyEvent(at) for each of `times` to the emulator's events.
void addEvents(RunningEmu& emu, const std::vector<std::int64_t>& times);

// Polls `done` every `poll` until it holds or `limit` has passed (then once more).
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit,
               std::chrono::milliseconds poll);

// A plain GET with a 5 s timeout.
HttpReply httpGet(const std::string& url);

// A daemon in forever mode with its health server on port 0: the base URL of /metrics and
// /readyz, read from its log (a test failure when it does not say it within 20 s).
std::string serverBase(BackgroundProcess& daemon);

}  // namespace aihunt::testing
