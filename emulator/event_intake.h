#pragma once
// Events arriving while the emulator runs: syslog frames (LEEF parsed into QRadar's normalized
// fields, other messages kept as payload) and JSON events from the admin endpoint. Each event
// passes the rule engine, then lands in the event store. Log sources are assigned per sending
// host, as QRadar's auto-discovery does.
#include <atomic>
#include <map>
#include <mutex>
#include <string>

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
};

// LEEF + syslog header -> QRadar's field names (src -> sourceip, usrName -> username, url ->
// URL, devTime -> starttime, ...). Unmapped keys keep their LEEF names. Pure.
FieldList leefToFields(const LeefEvent& leef, const SyslogMessage& syslog, core::EpochMs now);

class EventIntake {
 public:
  EventIntake(EventStore& events, RuleEngine& rules, const EmulatorClock& clock);

  // One syslog frame from `peer` (an address).
  void onSyslogFrame(std::string_view frame, const std::string& peer);
  // One JSON object; rules run on it too. Returns a parse error for bad JSON.
  core::Status onJsonEvent(std::string_view line);

  [[nodiscard]] const IntakeCounters& counters() const { return counters_; }

 private:
  std::pair<std::int64_t, std::string> logSourceFor(const std::string& host);

  EventStore& events_;
  RuleEngine& rules_;
  const EmulatorClock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> log_sources_;
  IntakeCounters counters_;
};

}  // namespace aihunt::emulator
