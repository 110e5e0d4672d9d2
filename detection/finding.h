#pragma once
// A finding: the output contract (README, "Findings"). Owns its strings; nothing points back into
// the row it came from.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detection/process.h"
#include "detection/scoring.h"
#include "detection/signals.h"

namespace aihunt::detection {

// A finding id's length: the first 128 bits of a SHA-256, in hex.
inline constexpr std::size_t kFindingIdHexChars = 32;

// The window an upload total (detection/upload_window.h) sums, [from, to) in ms since the epoch.
// Not part of the output contract: the ledger keeps it so that a total over a window that
// overlaps one already raised is known for what it is (service/ledger_writer.h).
struct TotalWindow {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  // The first and the last request the total holds (unknown when the rows had no times): the
  // daemon's next window re-reads its overlap, and a total of only requests that a raised total
  // held already is the same upload again.
  std::optional<std::int64_t> first_request_ms;
  std::optional<std::int64_t> last_request_ms;
};

struct Finding {
  std::string finding_id;  // 32 hex chars, stable for the same event and hunt
  std::string hunt;
  std::string event_time;  // ISO 8601 UTC, or the raw value when it could not be parsed
  std::string source_ip;
  std::string username;
  std::string host;
  std::string destination_ip;
  std::optional<std::int64_t> destination_port;
  std::string url;     // credentials and key-shaped tokens redacted
  std::string domain;  // the AI host reached or named
  std::string provider;
  std::string application;  // as seen (or the user agent's label)
  std::string process_name;
  ProcessCategory process_category = ProcessCategory::kUnknown;
  std::optional<std::int64_t> bytes_sent;
  SignalSet signals;
  int risk_score = 0;
  Severity severity = Severity::kLow;
  bool suppressed = false;
  std::string exception;  // id of the suppressing exception, empty when none
  std::string log_source;
  std::string event_category;
  std::string evidence;  // the command line or script excerpt that fired, secrets redacted
  std::optional<TotalWindow> total_window;  // set on upload totals only
  // The daemon's hunt window ("<from>/<to>", ISO 8601 UTC) as its findings file carries it:
  // set only on a finding read back from that file (aihunt incidents), so that it is written
  // again; empty otherwise.
  std::string window;
};

}  // namespace aihunt::detection
