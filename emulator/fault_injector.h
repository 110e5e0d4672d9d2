#pragma once
// Scripted misbehaviour for one run (`--faults FILE` or POST /admin/faults): each rule matches
// requests by method and path glob, skips the first `after` matches, then fires `times` times.
// HTTP faults: status_503 (1010), status_500 (1020), status_429, status_401 (the token refused
// on that request, as after a revocation), reset, latency, truncate,
// malformed_json; late_response and reset_after handle the request first (a search is made)
// and then hold the answer latency_ms, or cut the connection instead of answering: a client
// whose answer is lost after the console acted. Search faults, taken by the next created searches:
// search_error, search_vanish (404/1002 after `polls` status reads, or results reads with `on:
// results`), search_stuck (EXECUTE forever). task_exception: a reference-data bulk update task read
// (GET .../set_bulk_update_tasks/{id}) answers status EXCEPTION with error_code/error_message.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "emulator/http_message.h"
#include "emulator/search.h"

namespace aihunt::emulator {

enum class FaultKind {
  kStatus503,
  kStatus500,
  kStatus429,
  kStatus401,
  kReset,
  kLatency,
  kTruncate,
  kMalformedJson,
  kSearchError,
  kSearchVanish,
  kSearchStuck,
  kTaskException,
  kLateResponse,
  kResetAfter,
};

std::optional<FaultKind> parseFaultKind(std::string_view name);
std::string_view faultKindName(FaultKind kind);

struct FaultRule {
  FaultKind kind = FaultKind::kStatus503;
  std::string method;           // empty: any
  std::string path = "/api/*";  // glob over the request path
  std::int64_t times = 1;       // -1: every time
  std::int64_t after = 0;       // matching requests to let through first
  std::int64_t latency_ms = 1000;
  std::int64_t polls = 1;     // search_vanish: status reads before it vanishes
  std::string on = "status";  // search_vanish: the reads counted, "status" or "results"
  std::int64_t seen = 0;      // runtime: matches so far
  std::int64_t fired = 0;     // runtime: times fired
};

// A faults document: {faults: [...]} or a bare list, in YAML or JSON.
core::Result<std::vector<FaultRule>> parseFaults(std::string_view text);
nlohmann::json faultsJson(const std::vector<FaultRule>& rules);

struct FaultDecision {
  std::optional<HttpResponse> respond;  // answer this instead of handling the request
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds delay_after{0};  // late_response: held after the request is handled
  bool reset_after = false;                  // reset_after: handled, then the connection cut
  bool truncate = false;
  bool malformed_json = false;
  std::string names;  // for the request log
};

class FaultInjector {
 public:
  void add(std::vector<FaultRule> rules);
  void clear();
  [[nodiscard]] std::vector<FaultRule> rules() const;

  FaultDecision onRequest(std::string_view method, std::string_view path);
  // The fault for a search being created now (consumes search_* rules).
  SearchFault nextSearchFault();

  // Holds a request for a latency fault's time, or until release(): a request held for minutes
  // must not keep the emulator from stopping (each connection's thread is joined at the stop).
  void hold(std::chrono::milliseconds delay);
  // Ends every hold, now and later: the emulator is stopping.
  void release();

 private:
  bool fire(FaultRule& rule);
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

// Makes a body unparseable as JSON (cuts it and appends garbage).
std::string malformJson(const std::string& body);

}  // namespace aihunt::emulator
