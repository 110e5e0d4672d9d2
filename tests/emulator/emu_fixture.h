#pragma once
// Starts the real qradar-emu binary on port 0 with a test config and talks to it over HTTPS
// with libcurl. One RunningEmu per test case; the process stops when it goes out of scope.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/emulator/http_client.h"
#include "tests/support/background_process.h"

namespace aihunt::testing {

inline constexpr const char* kHunterToken = "hunter-token-0001";
inline constexpr const char* kSearcherToken = "searcher-token-0002";
inline constexpr const char* kAdminToken = "admin-token-0003";
inline constexpr const char* kAdminApiToken = "admin-api-token-0004";  // an API token, Admin role
inline constexpr const char* kSampleNow = "2026-11-26T18:00:00Z";

// aihunt's first request to a console, sent without the token (qradar::probeWithoutToken): an
// entry of the emulator's request log (/admin/requests).
inline bool isTokenlessProbe(const nlohmann::json& request) {
  const nlohmann::json& headers = request["headers"];
  return request["method"] == "GET" && request["target"] == "/api/help/versions" &&
         !headers.contains("sec") && !headers.contains("authorization");
}

// The default test config: a hunter token, a searcher token (no reference data), a Basic user,
// the admin token, and one custom rule for EventID AIHUNT-T1588.007 indexed on source IP.
std::string defaultConfigYaml();
// The default config plus kAdminApiToken, whose role has the Admin capability (setup endpoints).
std::string adminApiConfigYaml();

class RunningEmu {
 public:
  // `args` are added to: --https-port 0 --ports-file --ca-out --config --now (unless given).
  explicit RunningEmu(const std::vector<std::string>& args = {},
                      const std::string& config_yaml = defaultConfigYaml());

  // Stops the emulator; a started one must exit 0 (sanitizer reports make it fail).
  ~RunningEmu();
  RunningEmu(const RunningEmu&) = delete;
  RunningEmu& operator=(const RunningEmu&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const nlohmann::json& ports() const { return ports_; }
  [[nodiscard]] std::string base() const;  // https://localhost:<port>
  [[nodiscard]] const std::string& caFile() const { return ca_file_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string diagnostics() const;

  // API call with the hunter token unless `token` is given ("" for none).
  HttpReply call(const std::string& method, const std::string& path_and_query,
                 std::vector<std::string> headers = {}, const std::string& body = {},
                 const char* token = kHunterToken);
  HttpReply admin(const std::string& method, const std::string& path_and_query,
                  const std::string& body = {});
  // POST /api/ariel/searches; returns the status object.
  nlohmann::json createSearch(const std::string& aql);
  // Polls with Prefer: wait until finished; returns the final status object.
  nlohmann::json waitSearch(const std::string& id, int max_seconds = 20);
  // Runs `aql` to completion (a test failure otherwise) and returns its result rows.
  nlohmann::json searchRows(const std::string& aql);

  BackgroundProcess& process() { return *process_; }

 private:
  std::string dir_;
  std::string ca_file_;
  nlohmann::json ports_;
  bool ok_ = false;
  std::unique_ptr<BackgroundProcess> process_;
};

nlohmann::json parseJson(const std::string& text);

// What docs/qradar-setup.md's steps 2 and 3 set up on a console, through the API: a log source
// type `type_name` and an enabled log source of that type whose identifier is `identifier` (the
// host in the syslog header of the events it takes). Needs kAdminApiToken in the emulator's
// config. Returns the log source type's id.
std::int64_t addLogSource(RunningEmu& emu, const std::string& type_name,
                          const std::string& identifier);
// The rest of step 2: a QID record and a DSM event mapping per row of aihunt's QID map
// (content/qradar/qid_map.txt) for the type `type_id`, so that aihunt's events carry their QID
// names (and the offenses they open are named after them). Needs kAdminApiToken.
void addQidMap(RunningEmu& emu, std::int64_t type_id);

// The rows of content/qradar/qid_map.txt, each split at '|' (EventID, cat, QID name, low-level
// category id, severity); comment and blank lines left out.
std::vector<std::vector<std::string>> qidMapRows();
// The seed query with a 24-hour time clause, as an hourly hunt would send it.
std::string seedQueryLast24h();

}  // namespace aihunt::testing
