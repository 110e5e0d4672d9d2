#pragma once
// Events arriving while the emulator runs: syslog frames (LEEF parsed into QRadar's normalized
// fields, other messages kept as payload) and JSON events from the admin endpoint. Each event
// passes the rule engine, then lands in the event store. A syslog event's log source is the one
// set up through the API whose identifier is the header's host (with its type), else one per
// sending host, as QRadar's auto-discovery makes them.
//
// Times, as IBM's "Viewing event details" page defines them
// (https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/c_qradar_event_details.html): "Start
// Time: the time of the event was received from the log source", so `starttime` is when the
// emulator took the frame; "Log Source Time: the system time as reported by the log source in
// the event payload", so `devicetime` is LEEF's `devTime` (IBM's LEEF guide lists it as the
// device time) or else the syslog header's time. An event with neither gets its receipt time as
// `devicetime` too: what a console stores then is **unconfirmed**.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "emulator/classification_store.h"
#include "emulator/emulator_clock.h"
#include "emulator/event_store.h"
#include "emulator/leef_parser.h"
#include "emulator/rule_engine.h"
#include "emulator/syslog_parser.h"

namespace aihunt::emulator {

struct IntakeCounters {
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> leef_events{0};
  std::atomic<std::uint64_t> other_events{0};
  std::atomic<std::uint64_t> leef_errors{0};
  std::atomic<std::uint64_t> rule_hits{0};
  std::atomic<std::uint64_t> dropped_store_full{0};  // syslog events refused by a full store
};

// LEEF + syslog header -> QRadar's field names (src -> sourceip, usrName -> username, url ->
// URL, devTime -> devicetime, ...), with `received` as starttime. Unmapped keys keep their LEEF
// names. Pure.
FieldList leefToFields(const LeefEvent& leef, const SyslogMessage& syslog, core::EpochMs received);

class EventIntake {
 public:
  EventIntake(EventStore& events, RuleEngine& rules, const ClassificationStore& classification,
              const EmulatorClock& clock);

  // Where a refused syslog event is reported (a syslog sender has no answer to read).
  void setLogger(std::shared_ptr<spdlog::logger> logger) { logger_ = std::move(logger); }

  // One syslog frame from `peer` (an address). Dropped (counted, logged) when the store is full.
  void onSyslogFrame(std::string_view frame, const std::string& peer);
  // One JSON object; rules run on it too. Returns a parse error for bad JSON and
  // kLimitExceeded when the store is full.
  core::Status onJsonEvent(std::string_view line);

  [[nodiscard]] const IntakeCounters& counters() const { return counters_; }

 private:
  struct LogSource {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> type_id;  // for a log source set up through the API
    std::string type_name;                // that type's name
  };
  LogSource logSourceFor(const std::string& host);
  void noteDropped(const core::Error& error);

  EventStore& events_;
  RuleEngine& rules_;
  const ClassificationStore& classification_;
  const EmulatorClock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> log_sources_;
  IntakeCounters counters_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace aihunt::emulator
