#pragma once
// What an administrator sets up for a custom event source, through the API: log source types,
// QID records, DSM event mappings (event ID and category -> QID record) and log sources. The
// emulator stores and lists them with the validation and answers IBM's API reference gives. A
// log source routes the syslog events whose header host is its identifier to itself and its
// type (an event's logsourceid and devicetype), and the names of both answer LOGSOURCENAME()
// and LOGSOURCETYPENAME(); QID records and mappings name the events (rules still match LEEF
// EventIDs; a rule that sets no name names its offense after the event). Objects are kept in their
// JSON form, the shape the list endpoints answer with.
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aql/lookups.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

enum class ClassificationKind { kLogSourceType, kQidRecord, kDsmEventMapping, kLogSource };

class ClassificationStore {
 public:
  // Each validates `body` (the request's JSON object) and answers the stored object, or the
  // documented error: see docs/emulator.md, "Fidelity", for each rule and its source.
  ApiResult<nlohmann::json> createLogSourceType(const nlohmann::json& body);
  ApiResult<nlohmann::json> createQidRecord(const nlohmann::json& body);
  ApiResult<nlohmann::json> createDsmEventMapping(const nlohmann::json& body);
  ApiResult<nlohmann::json> createLogSource(const nlohmann::json& body);

  [[nodiscard]] std::vector<nlohmann::json> list(ClassificationKind kind) const;
  [[nodiscard]] std::optional<nlohmann::json> get(ClassificationKind kind, std::int64_t id) const;
  // An object of that kind with every field (null values), for checking sort keys.
  [[nodiscard]] static nlohmann::json sample(ClassificationKind kind);

  struct LogSourceMatch {
    std::int64_t id = 0;
    std::int64_t type_id = 0;
    std::string name;
    std::string type_name;  // of the type the store holds; empty when none has type_id
  };
  // The enabled log source whose `identifier` protocol parameter is `identifier`: QRadar gives a
  // syslog event the log source whose Log Source Identifier is the host in the event's header.
  [[nodiscard]] std::optional<LogSourceMatch> logSourceFor(std::string_view identifier) const;
  // The QID record that type `type_id` maps (`event_id`, `category`) to, as a DSM names an event
  // (its QID number and name); none when no mapping (or its record) is there.
  struct EventQid {
    std::int64_t qid = 0;
    std::string name;
  };
  [[nodiscard]] std::optional<EventQid> qidFor(std::int64_t type_id, std::string_view event_id,
                                               std::string_view category) const;
  // Adds the names of the log source types, log sources and QID records made here to `tables`
  // (an id that `tables` already names keeps its name).
  void addNames(aql::LookupTables& tables) const;
  // Ids that new objects of `kind` must not take: those the loaded lookups name and the loaded
  // events carry, so that a type made through the API never shares an id (and so a name in
  // LOGSOURCETYPENAME) with events of another source.
  void reserveIds(ClassificationKind kind, std::set<std::int64_t> ids);

 private:
  struct Collection {
    std::vector<nlohmann::json> objects;
    std::int64_t next_id = 1;
    std::set<std::int64_t> reserved;
  };
  Collection& collectionLocked(ClassificationKind kind);
  [[nodiscard]] const Collection& collectionLocked(ClassificationKind kind) const;
  [[nodiscard]] bool existsLocked(ClassificationKind kind, std::int64_t id) const;
  nlohmann::json& addLocked(ClassificationKind kind, nlohmann::json object);

  mutable std::mutex mutex_;
  Collection log_source_types_{{}, 4000, {}};
  Collection qid_records_{{}, 100000, {}};
  Collection dsm_event_mappings_{{}, 300000, {}};
  Collection log_sources_{{}, 2000, {}};
  std::int64_t next_qid_ = 2500001;
};

}  // namespace aihunt::emulator
