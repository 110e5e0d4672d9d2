#pragma once
// What an administrator sets up for a custom event source, through the API: log source types,
// QID records, DSM event mappings (event ID and category -> QID record) and log sources. The
// emulator stores and lists them with the validation and answers IBM's API reference gives;
// they do not change how events are parsed or how rules fire (rules match LEEF EventIDs).
// Objects are kept in their JSON form, the shape the list endpoints answer with.
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

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

 private:
  struct Collection {
    std::vector<nlohmann::json> objects;
    std::int64_t next_id = 1;
  };
  Collection& collectionLocked(ClassificationKind kind);
  [[nodiscard]] const Collection& collectionLocked(ClassificationKind kind) const;
  [[nodiscard]] bool existsLocked(ClassificationKind kind, std::int64_t id) const;
  nlohmann::json& addLocked(ClassificationKind kind, nlohmann::json object);

  mutable std::mutex mutex_;
  Collection log_source_types_{{}, 4000};
  Collection qid_records_{{}, 100000};
  Collection dsm_event_mappings_{{}, 300000};
  Collection log_sources_{{}, 2000};
  std::int64_t next_qid_ = 2500001;
};

}  // namespace aihunt::emulator
