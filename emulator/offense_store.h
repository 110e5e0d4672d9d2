#pragma once
// Offenses as QRadar's rule engine makes them: one open offense per (offense type, index
// value); later events from a matching rule add to it (event_count, last_updated_time, rules,
// log sources, categories). The REST API can only read, update status (CLOSED needs a valid
// closing_reason_id), and add notes.
//
// A new offense can be held back from the API for a while (`--offense-delay-ms`): on a console,
// events queue through the collector, the event processor's rule engine and the magistrate that
// makes offenses (IBM Support, "QRadar: The Event Processing Pipeline"), so an offense shows some
// time after the event that made it. How long is not documented and depends on the load.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

struct OffenseNote {
  std::int64_t id = 0;
  core::EpochMs create_time = 0;
  std::string username;
  std::string note_text;
};

struct Offense {
  std::int64_t id = 0;
  std::string description;  // ends with a newline, as QRadar's do
  std::string offense_source;
  int offense_type = 0;  // 0 source IP, 1 destination IP, 3 username
  std::int64_t magnitude = 0;
  std::int64_t severity = 0;
  std::int64_t credibility = 0;
  std::int64_t relevance = 0;
  std::string status = "OPEN";
  core::EpochMs start_time = 0;
  core::EpochMs last_updated_time = 0;
  core::EpochMs last_persisted_time = 0;
  std::int64_t event_count = 0;
  std::set<std::string> categories;
  std::set<std::int64_t> rules;
  std::map<std::int64_t, std::string> log_sources;  // id -> name
  std::set<std::string> source_ips;
  std::set<std::string> destination_ips;
  std::set<std::string> usernames;
  std::optional<std::int64_t> closing_reason_id;
  std::optional<core::EpochMs> close_time;
  std::string closing_user;
  std::string assigned_to;
  bool follow_up = false;
  bool is_protected = false;
  std::vector<OffenseNote> notes;
  std::chrono::steady_clock::time_point shown_from{};  // the API shows it from then on
};

struct ClosingReason {
  std::int64_t id = 0;
  std::string text;
  bool is_reserved = false;
  bool is_deleted = false;
};

// One event that a rule decided belongs in an offense.
struct RuleHit {
  std::int64_t rule_id = 0;
  std::string index_field;  // sourceip, destinationip, username
  std::string index_value;
  std::string description;
  // The rule names offenses itself (a dispatched event that contributes to the name): its name
  // is chained onto an offense another rule opened. Otherwise `description` is the event's
  // name, which names a new offense and leaves an existing one's name as it is.
  bool rule_names_offense = true;
  std::int64_t magnitude = 5;
  std::int64_t severity = 5;
  std::int64_t credibility = 5;
  std::int64_t relevance = 5;
  std::vector<std::string> categories;
  std::int64_t log_source_id = 0;
  std::string log_source_name;
  std::string source_ip;
  std::string destination_ip;
  std::string username;
  core::EpochMs event_time = 0;
};

struct OffenseUpdate {
  std::optional<std::string> status;
  std::optional<std::int64_t> closing_reason_id;
  std::optional<std::string> assigned_to;
  std::optional<bool> follow_up;
  std::optional<bool> is_protected;
};

class OffenseStore {
 public:
  // `shown_after`: how long a new offense stays out of the API (real time).
  explicit OffenseStore(std::chrono::milliseconds shown_after = {});

  // Creates or updates the open offense for the hit's index value; returns its id.
  std::int64_t recordHit(const RuleHit& hit, core::EpochMs now);

  [[nodiscard]] std::vector<Offense> list() const;  // those the API shows
  // Every offense made, and of those how many the API does not show yet (/admin/status).
  [[nodiscard]] std::pair<std::size_t, std::size_t> counts() const;
  [[nodiscard]] std::optional<Offense> get(std::int64_t id) const;
  ApiResult<Offense> update(std::int64_t id, const OffenseUpdate& update, const std::string& user,
                            core::EpochMs now);
  ApiResult<OffenseNote> addNote(std::int64_t id, const std::string& text, const std::string& user,
                                 core::EpochMs now);
  ApiResult<std::vector<OffenseNote>> notes(std::int64_t id) const;
  [[nodiscard]] std::vector<ClosingReason> closingReasons() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::milliseconds shown_after_;
  std::map<std::int64_t, Offense> offenses_;
  std::vector<ClosingReason> closing_reasons_;
  std::int64_t next_id_ = 1;
  std::int64_t next_note_id_ = 1;
};

ApiError offenseNotFound(std::int64_t id);

}  // namespace aihunt::emulator
